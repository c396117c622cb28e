"""GET subscriptions/{id}/products: the line's tariff, what it may become, and its history.

``product`` is the current tariff (``historic_date``: when the line took it) with
``scheduled``, the pending change (request time, the instant it runs, the destination) — all
null when nothing is pending, as the reference's example shows. ``include=compatibilities``
adds the current product's catalogue ``compatible_product_ids`` that the account's billing type
can have, each in the reference's recursive product shape; ``include=historical_changes`` adds
every tariff the line had, newest first (the current one on top). ``bundle`` appears on a line
of a convergent bundle.
"""

from sqlalchemy.orm import Session

from mascustomers.auth.caller import Caller
from mascustomers.catalog import service as catalog_service
from mascustomers.catalog.errors import ProductNotSellable
from mascustomers.kit.clock import format_timestamp
from mascustomers.models import CatalogueProduct, Subscription
from mascustomers.subscriptions import repository
from mascustomers.subscriptions.operations import line_account, load_line
from mascustomers.subscriptions.schemas import (
    HistoricProduct,
    IdValue,
    ProductInfo,
    ScheduledChange,
    SubscriptionProducts,
)

PRODUCT_CHANGE = "PRODUCT_CHANGE"
PRODUCT_INCLUDES = ("compatibilities", "historical_changes")


def catalogue_product(session: Session, *, org_id: int, product_id: int) -> CatalogueProduct | None:
    try:
        return catalog_service.product(session, org_id=org_id, product_id=product_id, field="")
    except ProductNotSellable:
        return None


def compatible_products(
    session: Session, *, line: Subscription, billing_type_id: int
) -> list[CatalogueProduct]:
    """The current product's compatible targets that the account's billing type can have."""
    current = catalogue_product(session, org_id=line.org_id, product_id=line.product_id)
    targets = []
    for product_id in current.compatible_product_ids if current else []:
        target = catalogue_product(session, org_id=line.org_id, product_id=product_id)
        if target is not None and billing_type_id in target.billing_type_ids:
            targets.append(target)
    return targets


def products_view(
    session: Session, *, caller: Caller, subscription_id: int, include: frozenset[str]
) -> SubscriptionProducts:
    line = load_line(session, caller=caller, subscription_id=subscription_id)
    history = repository.product_history(session, subscription_id=line.id)
    names = repository.product_names(
        session, org_id=line.org_id, ids={p.product_id for p in history} | {line.product_id}
    )
    current = next((p for p in history if p.ended_at is None), None)
    product = ProductInfo(
        id=line.product_id,
        value=names.get(line.product_id),
        historic_date=format_timestamp(current.started_at) if current else None,
    )
    if "compatibilities" in include:
        billing_type_id = line_account(session, subscription=line).billing_type_id
        product.compatibilities = [
            _target(p.product_id, p.name)
            for p in compatible_products(session, line=line, billing_type_id=billing_type_id)
        ]
    product.scheduled = _scheduled(session, line)
    view = SubscriptionProducts(id=line.id, product=product)
    if line.account_bundle_id is not None:
        view.bundle = _bundle(session, line.account_bundle_id)
    if "historical_changes" in include:
        view.historical_changes = [
            HistoricProduct(
                id=p.product_id,
                value=names.get(p.product_id),
                historic_date=format_timestamp(p.started_at),
            )
            for p in history
        ]
    return view


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


def _scheduled(session: Session, line: Subscription) -> ScheduledChange:
    """The pending change, or the reference's all-null ``scheduled`` when there is none."""
    pending = repository.pending_operations(session, subscription_id=line.id, kind=PRODUCT_CHANGE)
    if not pending:
        return NOTHING_SCHEDULED
    operation = pending[0]
    target_id = int(operation.payload["product_id"])
    target = catalogue_product(session, org_id=line.org_id, product_id=target_id)
    due = format_timestamp(operation.due_at)
    return ScheduledChange(
        request_date=format_timestamp(operation.created_at),
        process_date=due,
        scheduled_date=due,
        destination_product=ProductInfo(
            id=target_id,
            value=target.name if target else None,
            historic_date=format_timestamp(operation.created_at),
            compatibilities=None,
            scheduled=None,
        ),
    )


def _bundle(session: Session, account_bundle_id: int) -> IdValue | None:
    account_bundle = repository.account_bundle(session, account_bundle_id=account_bundle_id)
    if account_bundle is None:
        return None
    bundle = catalog_service.bundle(
        session, org_id=account_bundle.org_id, bundle_id=account_bundle.bundle_id, field="bundle"
    )
    return IdValue(id=bundle.bundle_id, value=bundle.name)
