"""What the subscription read operations answer, built from the repository's typed rows.

GET subscriptions/{id}: the line, with ``origin``, ``sell_date`` and history on request.

``include`` takes ``origin``, ``selldate`` and ``historical_status``, comma-separated or
repeated (``?include=origin,selldate`` or ``?include=origin&include=selldate``), or the
reference's JSON form ``?query={"include":["origin"]}``. Those three fields appear only when
asked for. ``sell_date`` is the instant the line was sold (the reference's include text calls
it "date of last change of status"; the field's name and example say sale date, and the last
status change is the top of ``historical_status``).

GET subscriptions/{id}/products: the line's tariff, what it may become, and its history.

``product`` is the current tariff (``historic_date``: when the line took it) with
``scheduled``, the pending change (request time, the instant it runs, the destination) — all
null when nothing is pending, as the reference's example shows. ``include=compatibilities``
adds the current product's catalogue ``compatible_product_ids`` that the account's billing type
can have, each in the reference's recursive product shape; ``include=historical_changes`` adds
every tariff the line had, newest first (the current one on top). ``bundle`` appears on a line
of a convergent bundle.

GET subscriptions/{id}/devices: the terminals sold on a line, their financing and permanence.

Figures, all computed from the stored sale and today's date (org time zone):

- ``unpaid_installments`` = installments − installments already billed;
- ``value_due_today`` = what is still owed for the device: the unpaid installments
  (``monthly_fee`` each, the last one ``last_installment_fee``);
- ``paid`` = nothing is owed any more; ``is_financed`` = the sale had installments;
- ``final_installment_plan`` repeats the plan as it stands (no plan renegotiation exists yet);
  both plans are null for a device paid in full at the sale;
- ``permanences`` (null without a commitment): ``current_duration_days`` = days of the
  commitment served so far, ``current_penalty_amount`` = ``penalty_amount`` × remaining days /
  total days (``kit.money.prorate``), zero once the commitment has ended;
- ``serial_number`` is the IMEI as a number (the reference types it as an integer);
- ``request_detail.request_id`` is the sell that sold the device, ``user_profile_role`` the
  sell's ``category`` (``Generic`` when the channel sent none).

GET subscriptions/{id}/recharge/detail: a prepaid line's balance movements in a period.

The period is a range of calendar days in the org's time zone, both ends included. Without
dates it is the current month up to today; with only ``end_date`` it starts on the first of
that month; with only ``start_date`` it ends today. ``start_date`` after ``end_date`` is a 400.
Only prepaid mobile lines have recharges: any other line is ``NotPrepaid``. Movements are
stored by ``subscriptions.service.record_recharge`` (the back office) and listed oldest first.
"""

import json
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from mascustomers.auth.caller import Caller
from mascustomers.catalog import master_data
from mascustomers.catalog import service as catalog_service
from mascustomers.catalog.errors import ProductNotSellable
from mascustomers.catalog.master_data import MasterDataList
from mascustomers.errors import NotFound, ValidationFailed
from mascustomers.kit.clock import format_timestamp, start_of_day
from mascustomers.kit.money import ZERO, prorate
from mascustomers.models import (
    CatalogueDevice,
    CatalogueProduct,
    Commitment,
    Sell,
    SubscriptionTerminal,
)
from mascustomers.subscriptions import repository
from mascustomers.subscriptions.errors import NotPrepaid
from mascustomers.subscriptions.line_changes import load_line
from mascustomers.subscriptions.repository import CatalogueProductRow, LineProductRow
from mascustomers.subscriptions.schemas import (
    DeviceInfo,
    DeviceView,
    FeesInfo,
    HistoricProduct,
    InstallmentInfo,
    PeriodDate,
    Permanence,
    ProductInfo,
    RechargeDetail,
    RechargeItem,
    RequestDetail,
    ScheduledChange,
    SubscriptionDetail,
    SubscriptionDevices,
    SubscriptionLabel,
    SubscriptionProducts,
    SubscriptionStatusEntry,
)
from mascustomers.subscriptions.states import SubscriptionType

SUBSCRIPTION_INCLUDES = ("origin", "selldate", "historical_status")


def parse_include(
    values: Iterable[str], *, allowed: tuple[str, ...], query: str | None = None
) -> frozenset[str]:
    """The include names asked for; an unknown one is a 400 naming it."""
    names = [part.strip() for value in values for part in value.split(",") if part.strip()]
    names += _from_json_query(query)
    unknown = sorted(set(names) - set(allowed))
    if unknown:
        raise ValidationFailed(
            f"include: unknown value {', '.join(unknown)}; use {', '.join(allowed)}"
        )
    return frozenset(names)


def _from_json_query(query: str | None) -> list[str]:
    if query is None:
        return []
    try:
        document = json.loads(query)
    except ValueError as error:
        raise ValidationFailed('query: must be JSON such as {"include": ["origin"]}') from error
    include = document.get("include", []) if isinstance(document, dict) else None
    if isinstance(include, str):
        include = [include]
    if not isinstance(include, list) or not all(isinstance(i, str) for i in include):
        raise ValidationFailed("query.include: must be a list of strings")
    return [part.strip() for value in include for part in value.split(",") if part.strip()]


def status_value(status_id: int) -> SubscriptionLabel:
    return SubscriptionLabel(
        id=status_id, value=master_data.value(MasterDataList.SUBSCRIPTION_STATUSES, status_id)
    )


def number(value: str | None) -> int | None:
    """Numbers the reference types as integers (MSISDN, IMSI); None when not all digits."""
    return int(value) if value is not None and value.isdigit() else None


def subscription_detail(
    session: Session, *, caller: Caller, subscription_id: int, include: frozenset[str]
) -> SubscriptionDetail:
    line = repository.line(session, org_id=caller.org_id, subscription_id=subscription_id)
    if line is None:
        raise NotFound(f"subscription {subscription_id} not found")
    extra: dict[str, Any] = {}
    if "selldate" in include:
        extra["sell_date"] = format_timestamp(line.sell_at)
    if "origin" in include:
        extra["origin"] = SubscriptionLabel(
            id=line.origin_id,
            value=master_data.value(MasterDataList.SUBSCRIPTION_ORIGINS, line.origin_id),
        )
    if "historical_status" in include:
        extra["historical_status"] = _history(session, line.id)
    return SubscriptionDetail(
        id=line.id,
        subscription_status=status_value(line.status_id),
        activated_date=_timestamp(line.activated_at),
        end_date=_timestamp(line.ended_at),
        subscription_type=SubscriptionLabel(
            id=line.type_id,
            value=master_data.value(MasterDataList.SUBSCRIPTION_TYPES, line.type_id),
        ),
        dealer_id=line.dealer_id,
        shop_id=line.shop_id,
        path=line.contract_path,
        filename=line.contract_filename,
        identification_nr=number(
            SubscriptionType(line.type_id).line_number(
                line.identification_nr, line.associated_number
            )
        ),
        imsi=number(line.imsi),
        # A string, as the reference's property table says: its example's number
        # (8934011411551283000) has already lost digits, and 20-digit ICCIDs exceed int64.
        iccid=line.iccid,
        **extra,
    )


def _history(session: Session, subscription_id: int) -> list[SubscriptionStatusEntry]:
    return [
        SubscriptionStatusEntry(
            subscription_status=status_value(change.status_id),
            date=format_timestamp(change.changed_at),
            modified_by=change.modified_by,
        )
        for change in repository.status_history(session, subscription_id=subscription_id)
    ]


def _timestamp(value: datetime | None) -> str | None:
    return format_timestamp(value) if value is not None else None


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


def devices_view(session: Session, *, caller: Caller, subscription_id: int) -> SubscriptionDevices:
    line = load_line(session, caller=caller, subscription_id=subscription_id)
    terminals = repository.terminals_of(session, subscription_id=line.id)
    catalogue = repository.catalogue_devices(
        session, org_id=line.org_id, catalogue_ids={t.catalogue_id for t in terminals}
    )
    commitments = repository.terminal_commitments(session, subscription_id=line.id)
    sells = repository.sells(
        session, sell_ids={t.sell_id for t in terminals if t.sell_id is not None}
    )
    return SubscriptionDevices(
        devices=[
            DeviceView(
                subscription_id=line.id,
                subscription_terminal_id=terminal.id,
                delivery_date=format_timestamp(terminal.delivered_at)
                if terminal.delivered_at
                else None,
                status=status_value(terminal.status_id),
                request_detail=_request_detail(terminal, sells.get(terminal.sell_id or 0)),
                device_info=_device_info(terminal, catalogue.get(terminal.catalogue_id)),
                fees=_fees(terminal),
                permanences=_permanence(commitments.get(terminal.id), caller.today),
            )
            for terminal in terminals
        ]
    )


def unpaid_installments(terminal: SubscriptionTerminal) -> int:
    return max(terminal.installments - terminal.installments_billed, 0)


def outstanding(terminal: SubscriptionTerminal) -> Decimal:
    unpaid = unpaid_installments(terminal)
    if unpaid == 0:
        return ZERO
    return terminal.monthly_fee * (unpaid - 1) + terminal.last_installment_fee


def _request_detail(terminal: SubscriptionTerminal, sell: Sell | None) -> RequestDetail:
    role = None
    if sell is not None and isinstance(sell.request.get("sell"), dict):
        role = sell.request["sell"].get("category")
    return RequestDetail(
        created_date=format_timestamp(terminal.created_at),
        request_id=terminal.sell_id or terminal.id,
        request_type=terminal.request_type,
        user_profile_role=str(role or "Generic"),
    )


def _device_info(terminal: SubscriptionTerminal, device: CatalogueDevice | None) -> DeviceInfo:
    due = outstanding(terminal)
    return DeviceInfo(
        terminal_id=terminal.catalogue_id,
        serial_number=number(terminal.imei or terminal.serial_number),
        device_name=device.name if device else None,
        device_model=device.model if device else None,
        financed_by=terminal.financed_by,
        is_financed=terminal.financed,
        value_due_today=due,
        reservation_id=terminal.reservation_id,
        paid=due == 0,
        terminal_code=device.terminal_code if device else None,
        terminal_category_type=device.category if device else None,
    )


def _fees(terminal: SubscriptionTerminal) -> FeesInfo:
    plan = None
    if terminal.financed:
        plan = InstallmentInfo(
            last_installment_fee=terminal.last_installment_fee,
            monthly_fee=terminal.monthly_fee,
            duration=terminal.installments,
            unpaid_installments=unpaid_installments(terminal),
            financed_by=terminal.financed_by,
        )
    return FeesInfo(
        upfront_fee=terminal.upfront_fee, installment_plan=plan, final_installment_plan=plan
    )


def _permanence(commitment: Commitment | None, today: date) -> Permanence | None:
    if commitment is None:
        return None
    total = (commitment.end_date - commitment.start_date).days
    remaining = min(max((commitment.end_date - today).days, 0), total)
    current = prorate(commitment.penalty_amount, remaining, total) if total > 0 else ZERO
    return Permanence(
        duration_months=commitment.months,
        current_duration_days=total - remaining,
        penalty_amount=commitment.penalty_amount,
        current_penalty_amount=current,
    )


def period(start: date | None, end: date | None, *, today: date) -> tuple[date, date]:
    """The asked range, defaulting to the current month (up to today)."""
    last = end or today
    first = start or last.replace(day=1)
    if first > last:
        raise ValidationFailed(
            f"start_date: {first.isoformat()} is after end_date {last.isoformat()}"
        )
    return first, last


def recharge_detail(
    session: Session,
    *,
    caller: Caller,
    subscription_id: int,
    start_date: date | None,
    end_date: date | None,
    tz: str,
) -> RechargeDetail:
    line = load_line(session, caller=caller, subscription_id=subscription_id)
    if line.type_id != SubscriptionType.PREPAID_MOBILE:
        raise NotPrepaid(f"subscriptionId: subscription {line.id} is not a prepaid line")
    first, last = period(start_date, end_date, today=caller.today)
    rows = repository.recharges_between(
        session,
        subscription_id=line.id,
        start=start_of_day(first, tz),
        end=start_of_day(last + timedelta(days=1), tz),
    )
    return RechargeDetail(
        subscription_id=line.id,
        identification_nr=number(line.identification_nr),
        period_date=PeriodDate(start_date=first.isoformat(), end_date=last.isoformat()),
        recharges=[
            RechargeItem(
                recharge_id=row.id,
                date=format_timestamp(row.recharged_at),
                movement_type_id=row.movement_type_id,
                origin_id=row.origin_id,
                amount=row.amount,
            )
            for row in rows
        ],
    )
