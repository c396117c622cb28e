"""GET subscriptions/{id}/products: the line's tariff, what it may become, and its history.

``product`` is the current tariff (``historic_date``: when the line took it) with
``scheduled``, the pending change (request time, the instant it runs, the destination) — all
null when nothing is pending, as the reference's example shows. ``include=compatibilities``
adds the current product's catalogue ``compatible_product_ids`` that the account's billing type
can have, each in the reference's recursive product shape; ``include=historical_changes`` adds
every tariff the line had, newest first (the current one on top). ``bundle`` appears on a line
of a convergent bundle.
"""

from datetime import datetime

from sqlalchemy.orm import Session

from mascustomers.auth.caller import Caller
from mascustomers.catalog import service as catalog_service
from mascustomers.catalog.errors import ProductNotSellable
from mascustomers.errors import NotFound
from mascustomers.kit.clock import format_timestamp
from mascustomers.models import CatalogueProduct
from mascustomers.subscriptions import repository
from mascustomers.subscriptions.repository import CatalogueProductRow, LineProductRow
from mascustomers.subscriptions.schemas import (
    HistoricProduct,
    ProductInfo,
    ScheduledChange,
    SubscriptionLabel,
    SubscriptionProducts,
)

PRODUCT_CHANGE = "PRODUCT_CHANGE"
PRODUCT_INCLUDES = ("compatibilities", "historical_changes")


def catalogue_product(session: Session, *, org_id: int, product_id: int) -> CatalogueProduct | None:
    try:
        return catalog_service.product(session, org_id=org_id, product_id=product_id, field="")
    except ProductNotSellable:
        return None


def products_view(
    session: Session, *, caller: Caller, subscription_id: int, include: frozenset[str]
) -> SubscriptionProducts:
    line = repository.line_product(
        session, org_id=caller.org_id, subscription_id=subscription_id, change_kind=PRODUCT_CHANGE
    )
    if line is None:
        raise NotFound(f"subscription {subscription_id} not found")
    compatible = "compatibilities" in include and line.product_name is not None
    # One catalogue read for the compatible targets and the pending change's destination.
    wanted = list(line.compatible_product_ids or ()) if compatible else []
    # The pending change's columns come from one joined row: all set, or none.
    payload = line.change_payload
    target_id = int(payload["product_id"]) if payload is not None else None
    if target_id is not None:
        wanted.append(target_id)
    catalogue = repository.catalogue_products(session, org_id=caller.org_id, product_ids=wanted)
    product = ProductInfo(
        id=line.product_id,
        value=line.product_name,
        historic_date=_timestamp(line.started_at),
        scheduled=_scheduled(line, target_id, catalogue),
    )
    if "compatibilities" in include:
        product.compatibilities = [
            _target(item.product_id, item.name) for item in _compatible(line, catalogue)
        ]
    view = SubscriptionProducts(id=line.id, product=product)
    if line.account_bundle_id is not None:
        view.bundle = _bundle(line)
    if "historical_changes" in include:
        view.historical_changes = [
            HistoricProduct(
                id=row.product_id, value=row.name, historic_date=format_timestamp(row.started_at)
            )
            for row in repository.product_history(
                session, org_id=caller.org_id, subscription_id=line.id
            )
        ]
    return view


def _compatible(
    line: LineProductRow, catalogue: dict[int, CatalogueProductRow]
) -> list[CatalogueProductRow]:
    """The current product's compatible targets that the account's billing type can have."""
    if line.product_name is None:  # a product no longer in the catalogue has no targets
        return []
    targets = (catalogue.get(product_id) for product_id in line.compatible_product_ids or ())
    return [t for t in targets if t is not None and line.billing_type_id in t.billing_type_ids]


NOTHING_SCHEDULED = ScheduledChange(
    request_date=None, process_date=None, scheduled_date=None, destination_product=None
)


def _target(product_id: int, name: str | None) -> ProductInfo:
    """A product the line may move to, in the reference's recursive product shape."""
    return ProductInfo(
        id=product_id,
        value=name,
        historic_date=None,
        compatibilities=None,
        scheduled=NOTHING_SCHEDULED,
    )


def _scheduled(
    line: LineProductRow, target_id: int | None, catalogue: dict[int, CatalogueProductRow]
) -> ScheduledChange:
    """The pending change, or the reference's all-null ``scheduled`` when there is none."""
    if target_id is None:
        return NOTHING_SCHEDULED
    target = catalogue.get(target_id)
    assert line.change_requested_at is not None
    assert line.change_due_at is not None
    requested = format_timestamp(line.change_requested_at)
    due = format_timestamp(line.change_due_at)
    return ScheduledChange(
        request_date=requested,
        process_date=due,
        scheduled_date=due,
        destination_product=ProductInfo(
            id=target_id,
            value=target.name if target else None,
            historic_date=requested,
            compatibilities=None,
            scheduled=None,
        ),
    )


def _bundle(line: LineProductRow) -> SubscriptionLabel | None:
    if line.bundle_id is None:  # no account bundle row (the foreign key prevents it)
        return None
    if line.bundle_name is None:
        raise ProductNotSellable(f"bundle: bundle {line.bundle_id} is not in the catalogue")
    return SubscriptionLabel(id=line.bundle_id, value=line.bundle_name)


def _timestamp(value: datetime | None) -> str | None:
    return format_timestamp(value) if value is not None else None
