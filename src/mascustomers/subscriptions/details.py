"""GET subscriptions/{id}: the line, with ``origin``, ``sell_date`` and history on request.

``include`` takes ``origin``, ``selldate`` and ``historical_status``, comma-separated or
repeated (``?include=origin,selldate`` or ``?include=origin&include=selldate``), or the
reference's JSON form ``?query={"include":["origin"]}``. Those three fields appear only when
asked for. ``sell_date`` is the instant the line was sold (the reference's include text calls
it "date of last change of status"; the field's name and example say sale date, and the last
status change is the top of ``historical_status``).
"""

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from mascustomers.auth.caller import Caller
from mascustomers.catalog.master_data import MasterDataList
from mascustomers.errors import NotFound, ValidationFailed
from mascustomers.kit.clock import format_timestamp
from mascustomers.subscriptions import repository
from mascustomers.subscriptions.operations import label
from mascustomers.subscriptions.schemas import (
    SubscriptionDetail,
    SubscriptionLabel,
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
        id=status_id, value=label(MasterDataList.SUBSCRIPTION_STATUSES, status_id)
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
            id=line.origin_id, value=label(MasterDataList.SUBSCRIPTION_ORIGINS, line.origin_id)
        )
    if "historical_status" in include:
        extra["historical_status"] = _history(session, line.id)
    return SubscriptionDetail(
        id=line.id,
        subscription_status=status_value(line.status_id),
        activated_date=_timestamp(line.activated_at),
        end_date=_timestamp(line.ended_at),
        subscription_type=SubscriptionLabel(
            id=line.type_id, value=label(MasterDataList.SUBSCRIPTION_TYPES, line.type_id)
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
