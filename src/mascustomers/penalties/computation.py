"""Early-termination penalties, computed without a database.

The penalty types (the reference's ``Penalty.type``):

- ``ADMCOSTCANCELCOST`` — cancelling an order before it went live: a fixed administrative
  cost, the org catalogue document's ``admin_cancel_cost`` (a decimal string) or
  ``DEFAULT_ADMIN_CANCEL_COST``; ``"0"`` in the catalogue switches it off. Mandatory.
- ``TERMINALPERMANENCE`` — the commitment of a financed terminal (``associated_type``
  ``terminal``). Mandatory: the device was sold on that condition.
- ``PROMOTIONPERMANENCE`` — the commitment of a promotion (any other ``associated_type``:
  ``promotion`` at line, account or bundle level). Not mandatory: the agent may waive it (a
  subset confirmation leaves it out).

A commitment runs from ``start_date`` (first day bound) to ``end_date`` (first day free), so
it has ``end_date - start_date`` days. On day ``on`` the customer still owes
``end_date - max(on, start_date)`` of them and the penalty is
``penalty_amount × remaining days / total days`` (``kit.money.prorate``: exact, rounded once
to cents half-up). A commitment whose ``end_date`` is on or before ``on`` has ended and gives
no line; one that has not started yet is owed in full.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from mascustomers.kit.money import InvalidMoney, parse_money, prorate, to_cents_decimal

DEFAULT_ADMIN_CANCEL_COST = Decimal("30.00")
ADMIN_CANCEL_COST_KEY = "admin_cancel_cost"


class PenaltyType(StrEnum):
    ADMCOSTCANCELCOST = "ADMCOSTCANCELCOST"
    TERMINALPERMANENCE = "TERMINALPERMANENCE"
    PROMOTIONPERMANENCE = "PROMOTIONPERMANENCE"

    @property
    def mandatory(self) -> bool:
        return self is not PenaltyType.PROMOTIONPERMANENCE


@dataclass(frozen=True)
class CommitmentTerms:
    """What a commitment (permanence) says, with the line it belongs to."""

    commitment_uuid: str
    associated_type: str
    months: int
    start_date: date
    end_date: date
    penalty_amount: Decimal
    subscription_id: int | None = None
    subscription_uuid: str | None = None
    applied_promotion_id: int | None = None
    promotion_id: int | None = None
    subscription_terminal_id: int | None = None


@dataclass(frozen=True)
class PenaltyItem:
    """One penalty line before it is stored."""

    type: PenaltyType
    value: Decimal
    description: str
    mandatory: bool
    subscription_id: int | None = None
    subscription_uuid: str | None = None
    commitment_uuid: str | None = None
    applied_promotion_id: int | None = None
    promotion_id: int | None = None
    subscription_terminal_id: int | None = None
    start_date: date | None = None
    end_date: date | None = None


def total_days(start: date, end: date) -> int:
    return max((end - start).days, 0)


def remaining_days(start: date, end: date, on: date) -> int:
    """Days still bound on day ``on``: from ``on`` (or the start, if later) to the end."""
    return max((end - max(on, start)).days, 0)


def early_termination_value(amount: Decimal, start: date, end: date, on: date) -> Decimal:
    """``amount × remaining / total`` rounded once to cents; 0.00 once the term has ended."""
    total = total_days(start, end)
    if total == 0:
        return to_cents_decimal(0)
    return prorate(amount, remaining_days(start, end, on), total)


def permanence_type(associated_type: str) -> PenaltyType:
    if associated_type.strip().lower() == "terminal":
        return PenaltyType.TERMINALPERMANENCE
    return PenaltyType.PROMOTIONPERMANENCE


def permanence_penalty(terms: CommitmentTerms, on: date) -> PenaltyItem | None:
    """The line owed for one commitment on day ``on``, or None if it has ended."""
    if terms.end_date <= on or total_days(terms.start_date, terms.end_date) == 0:
        return None
    kind = permanence_type(terms.associated_type)
    remaining = remaining_days(terms.start_date, terms.end_date, on)
    total = total_days(terms.start_date, terms.end_date)
    what = "TERMINAL" if kind is PenaltyType.TERMINALPERMANENCE else "PROMOCION"
    return PenaltyItem(
        type=kind,
        value=early_termination_value(terms.penalty_amount, terms.start_date, terms.end_date, on),
        description=(
            f"PERMANENCIA {what} {terms.months} MESES: {remaining} DE {total} DIAS PENDIENTES"
        ),
        mandatory=kind.mandatory,
        subscription_id=terms.subscription_id,
        subscription_uuid=terms.subscription_uuid,
        commitment_uuid=terms.commitment_uuid,
        applied_promotion_id=terms.applied_promotion_id,
        promotion_id=terms.promotion_id,
        subscription_terminal_id=terms.subscription_terminal_id,
        start_date=terms.start_date,
        end_date=terms.end_date,
    )


def permanence_penalties(commitments: Iterable[CommitmentTerms], on: date) -> list[PenaltyItem]:
    """One line per commitment that has not ended on day ``on``, in the given order."""
    items = (permanence_penalty(terms, on) for terms in commitments)
    return [item for item in items if item is not None]


def admin_cancel_cost(document: Mapping[str, Any] | None) -> Decimal:
    """The org's cancellation cost: catalogue ``admin_cancel_cost``, else the default."""
    raw = (document or {}).get(ADMIN_CANCEL_COST_KEY)
    if raw is None:
        return DEFAULT_ADMIN_CANCEL_COST
    try:
        cost = to_cents_decimal(parse_money(str(raw)))
    except InvalidMoney:
        return DEFAULT_ADMIN_CANCEL_COST
    return max(cost, to_cents_decimal(0))


def admin_cancel_penalty(cost: Decimal, *, order_reference: str) -> PenaltyItem | None:
    """The administrative cost of cancelling one order, or None when it is free."""
    if cost <= 0:
        return None
    return PenaltyItem(
        type=PenaltyType.ADMCOSTCANCELCOST,
        value=to_cents_decimal(cost),
        description=f"GASTOS DE GESTION POR CANCELACION DEL PEDIDO {order_reference}",
        mandatory=PenaltyType.ADMCOSTCANCELCOST.mandatory,
    )
