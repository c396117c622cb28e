"""The risk-decision policy: pure, deterministic, driven by the catalogue's thresholds.

Decisions (reference): ``a`` approved, ``r`` review, ``x`` rejected, ``n/a`` scoring not
available. Rules, first match wins:

1. overdue unpaid invoices ≥ ``overdue_invoices_reject`` → ``x``
2. financed amount > ``credit_limit_available`` (when the channel sent one) → ``x``
3. ``scoring_value`` < ``scoring_reject_below`` → ``x``
4. ``scoring_value`` < ``scoring_review_below`` → ``r``
5. SIM replacements in the last 30 days ≥ ``sim_replacements_30d_review`` → ``r``
6. financed amount > ``max_financed_without_scoring`` and no scoring sent → ``n/a``
7. otherwise → ``a``
"""

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any


class RiskDecision(StrEnum):
    APPROVED = "a"
    REVIEW = "r"
    REJECTED = "x"
    NOT_AVAILABLE = "n/a"


@dataclass(frozen=True)
class RiskThresholds:
    scoring_reject_below: int = 200
    scoring_review_below: int = 400
    max_financed_without_scoring: Decimal = Decimal("0")
    sim_replacements_30d_review: int = 2
    overdue_invoices_reject: int = 1

    @classmethod
    def of(cls, policy: dict[str, Any]) -> "RiskThresholds":
        """The catalogue's ``risk_policy`` (``catalog.service.risk_policy``); defaults for
        what it leaves out."""
        defaults = cls()
        return cls(
            scoring_reject_below=int(
                policy.get("scoring_reject_below", defaults.scoring_reject_below)
            ),
            scoring_review_below=int(
                policy.get("scoring_review_below", defaults.scoring_review_below)
            ),
            max_financed_without_scoring=Decimal(
                str(
                    policy.get(
                        "max_financed_without_scoring", defaults.max_financed_without_scoring
                    )
                )
            ),
            sim_replacements_30d_review=int(
                policy.get("sim_replacements_30d_review", defaults.sim_replacements_30d_review)
            ),
            overdue_invoices_reject=int(
                policy.get("overdue_invoices_reject", defaults.overdue_invoices_reject)
            ),
        )


@dataclass(frozen=True)
class RiskInput:
    scoring_value: int | None = None
    credit_limit_available: Decimal | None = None
    financed_amount: Decimal = Decimal("0")
    overdue_invoices: int = 0
    sim_replacements_30d: int = 0


@dataclass(frozen=True)
class Assessment:
    decision: RiskDecision
    reason: str


def assess(facts: RiskInput, thresholds: RiskThresholds) -> Assessment:
    """Apply the documented rules in order."""
    if facts.overdue_invoices >= thresholds.overdue_invoices_reject:
        return Assessment(RiskDecision.REJECTED, f"{facts.overdue_invoices} overdue invoices")
    limit = facts.credit_limit_available
    if limit is not None and facts.financed_amount > limit:
        return Assessment(
            RiskDecision.REJECTED, f"financed {facts.financed_amount} over available {limit}"
        )
    if facts.scoring_value is not None:
        if facts.scoring_value < thresholds.scoring_reject_below:
            return Assessment(RiskDecision.REJECTED, f"scoring {facts.scoring_value}")
        if facts.scoring_value < thresholds.scoring_review_below:
            return Assessment(RiskDecision.REVIEW, f"scoring {facts.scoring_value}")
    if facts.sim_replacements_30d >= thresholds.sim_replacements_30d_review:
        return Assessment(
            RiskDecision.REVIEW, f"{facts.sim_replacements_30d} SIM replacements in 30 days"
        )
    if (
        facts.scoring_value is None
        and facts.financed_amount > thresholds.max_financed_without_scoring
    ):
        return Assessment(RiskDecision.NOT_AVAILABLE, "financing without scoring")
    return Assessment(RiskDecision.APPROVED, "within policy")
