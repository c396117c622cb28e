"""Billing one batch of accounts for a cycle: load facts, price, store invoices and lines.

Each invoice takes the next number of the issuer's series (``sequences``, ``MM`` + 8
digits; a batch takes its block of numbers at once) in the same transaction that stores it, so
numbers have no gaps: a rolled-back batch gives its numbers back. The invoice freezes its
parties and gets its VERI*FACTU record in that transaction too (``issuing``).
``(account_id, cycle)`` is unique, and accounts already invoiced for the cycle are not
selected, so re-running a cycle never bills twice. An account with nothing to charge in the
cycle gets no invoice.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Row
from sqlalchemy.orm import Session

from mascustomers.billing import issuer as issuer_service
from mascustomers.billing import issuing, repository
from mascustomers.billing.cycles import Cycle, Period
from mascustomers.billing.errors import BillingCycleNotClosed
from mascustomers.billing.pricing import (
    AccountFacts,
    Dated,
    DraftInvoice,
    LineFacts,
    PenaltyFacts,
    Priced,
    Prices,
    PromotionFacts,
    PromotionTerms,
    TaxRates,
    TerminalFacts,
    price_account,
)
from mascustomers.catalog import service as catalog_service
from mascustomers.catalog.statuses import InvoiceStatus, SubscriptionType
from mascustomers.kit.clock import format_timestamp, start_of_day
from mascustomers.kit.money import ZERO
from mascustomers.models import Org
from mascustomers.outbox import service as outbox
from mascustomers.outbox.types import EventType


@dataclass(frozen=True)
class OrgRef:
    """The org values a run needs, detached from any session (batches commit and roll back)."""

    id: int
    slug: str
    timezone: str

    @classmethod
    def of(cls, org: Org) -> "OrgRef":
        return cls(org.id, org.slug, org.timezone)


def document_path(org_slug: str, number: str) -> str:
    """Where the invoice's PDF is served (rendered on demand from the stored lines)."""
    return f"/v2/orgs/{org_slug}/ops/invoices/{number}.pdf"


@dataclass
class BatchResult:
    accounts: int = 0
    invoices: int = 0
    value: Decimal = ZERO
    value_total: Decimal = ZERO
    numbers: list[str] = field(default_factory=list)


def require_closed(cycle: Cycle, *, tz: str, now: datetime) -> None:
    if cycle.closes_at(tz) > now:
        raise BillingCycleNotClosed(
            f"cycle: {cycle} ends at {format_timestamp(cycle.closes_at(tz))}; "
            f"the org's time is {format_timestamp(now)}",
            cycle=str(cycle),
        )


def load_prices(session: Session, *, org_id: int) -> Prices:
    return Prices(
        products={
            row[0]: Priced(row[1], row[2])
            for row in repository.catalogue_products(session, org_id=org_id)
        },
        bonuses={
            row[0]: Priced(row[1], row[2])
            for row in repository.catalogue_bonuses(session, org_id=org_id)
        },
        promotions={
            row[0]: PromotionTerms(row[1], row[2], row[3])
            for row in repository.catalogue_promotions(session, org_id=org_id)
        },
        devices={row[0]: row[1] for row in repository.catalogue_devices(session, org_id=org_id)},
    )


class _TaxPicker:
    """The account's tax row in effect when the cycle closes; the catalogue rule otherwise."""

    def __init__(self, session: Session, org_id: int, closes_at: datetime) -> None:
        self.session = session
        self.org_id = org_id
        self.closes_at = closes_at
        self.defaults: dict[int, TaxRates] = {}

    def pick(self, rows: Sequence[repository.TaxRow], state_id: int) -> TaxRates:
        chosen = None
        for row in rows:  # ordered by start
            if row.start_at < self.closes_at or chosen is None:
                chosen = row
        if chosen is not None:
            return TaxRates(chosen.description, chosen.tax_value, chosen.tax_terminal_value)
        if state_id not in self.defaults:
            rule = catalog_service.tax_rule(self.session, org_id=self.org_id, state_id=state_id)
            self.defaults[state_id] = TaxRates(rule.tax_name, rule.tax_rate, rule.terminal_tax_rate)
        return self.defaults[state_id]


def _facts(
    session: Session,
    *,
    org: OrgRef,
    accounts: Sequence[Row[int, str, str, int]],
    window: repository.Window,
) -> dict[int, AccountFacts]:
    """Everything about the batch's accounts that the invoice needs, in a few queries."""
    tz = org.timezone
    taxes: defaultdict[int, list[repository.TaxRow]] = defaultdict(list)
    for tax_row in repository.tax_periods(session, window=window):
        taxes[tax_row.account_id].append(tax_row)
    picker = _TaxPicker(session, org.id, window.closes_at)
    facts = {
        account.id: AccountFacts(
            account_id=account.id, tax=picker.pick(taxes[account.id], account.state_id)
        )
        for account in accounts
    }
    lines: dict[int, LineFacts] = {}
    for sub in repository.subscriptions(session, window=window):
        if sub.account_id in facts and sub.activated_at is not None:
            line = LineFacts(
                subscription_id=sub.id,
                label=SubscriptionType(sub.type_id).line_number(
                    sub.identification_nr, sub.associated_number
                )
                or f"línea {sub.id}",
                account_bundle_id=sub.account_bundle_id,
                active=Period.between(sub.activated_at, sub.ended_at, tz),
            )
            lines[sub.id] = line
            facts[sub.account_id].lines.append(line)
    for product in repository.product_periods(session, window=window):
        if product.subscription_id in lines:
            lines[product.subscription_id].products.append(
                Dated(product.product_id, Period.between(product.started_at, product.ended_at, tz))
            )
    for bonus in repository.bonus_periods(session, window=window):
        if bonus.subscription_id in lines:
            lines[bonus.subscription_id].bonuses.append(
                Dated(bonus.bonus_id, Period.between(bonus.start_at, bonus.end_at, tz))
            )
    _add_commercial(session, org=org, window=window, facts=facts)
    return facts


def _add_commercial(
    session: Session, *, org: OrgRef, window: repository.Window, facts: dict[int, AccountFacts]
) -> None:
    """Terminals, promotions and penalties of the batch's accounts."""
    for t in repository.financed_terminals(session, window=window):
        if t.account_id in facts:
            facts[t.account_id].terminals.append(
                TerminalFacts(
                    terminal_id=t.id,
                    subscription_id=t.subscription_id,
                    catalogue_id=t.catalogue_id,
                    monthly_fee=t.monthly_fee,
                    last_installment_fee=t.last_installment_fee,
                    installments=t.installments,
                    billed=t.installments_billed,
                )
            )
    for p in repository.applied_promotions(session, window=window):
        if p.account_id in facts:
            facts[p.account_id].promotions.append(
                PromotionFacts(
                    applied_id=p.id,
                    promotion_id=p.promotion_id,
                    level=p.level,
                    subscription_id=p.subscription_id,
                    account_bundle_id=p.account_bundle_id,
                    period=Period.between(p.start_at, p.end_at, org.timezone),
                )
            )
    for penalty in repository.confirmed_penalties(session, window=window):
        if penalty.account_id in facts:
            facts[penalty.account_id].penalties.append(
                PenaltyFacts(
                    line_id=penalty.id,
                    description=penalty.description,
                    value=penalty.value,
                    subscription_id=penalty.subscription_id,
                )
            )


def bill_accounts(
    session: Session,
    *,
    org: OrgRef,
    cycle: Cycle,
    accounts: Sequence[Row[int, str, str, int]],
    prices: Prices,
    now: datetime,
    issuer: issuer_service.Issuer | None = None,
) -> BatchResult:
    """Price and store the invoices of a batch of accounts (id-ordered); flushes only.

    ``issuer`` is the run's snapshot of the org's issuer (read here when not given)."""
    result = BatchResult(accounts=len(accounts))
    if not accounts:
        return result
    window = repository.Window(
        opens_at=start_of_day(cycle.start, org.timezone),
        closes_at=cycle.closes_at(org.timezone),
        first_id=accounts[0].id,
        last_id=accounts[-1].id,
    )
    facts = _facts(session, org=org, accounts=accounts, window=window)
    drafts = [price_account(facts[account.id], cycle, prices) for account in accounts]
    drafts = [draft for draft in drafts if draft.lines]
    if not drafts:
        return result
    issuer = issuer or issuer_service.require(session, org_id=org.id)
    parties = issuing.BatchParties.load(
        session, window=window, issuer=issuer, now=now, tz=org.timezone
    )
    delivery = {account.id: account.delivery_mode for account in accounts}
    first = repository.reserve_numbers(
        session, org_id=org.id, name=issuer.counter(), count=len(drafts)
    )
    rows = []
    for offset, draft in enumerate(drafts):
        number = issuer.number(first + offset)
        row = _invoice_row(
            org, cycle, draft, number=number, delivery=delivery[draft.account_id], now=now
        )
        row.update(parties.columns(draft, tax_name=facts[draft.account_id].tax.name))
        rows.append(row)
        result.numbers.append(number)
        result.value += draft.value
        result.value_total += draft.value_total
    _store_invoices(
        session, org=org, cycle=cycle, rows=rows, drafts=drafts, parties=parties, now=now
    )
    result.invoices = len(drafts)
    return result


def _store_invoices(
    session: Session,
    *,
    org: OrgRef,
    cycle: Cycle,
    rows: list[dict[str, Any]],
    drafts: list[DraftInvoice],
    parties: issuing.BatchParties,
    now: datetime,
) -> None:
    """The batch's invoices with their lines, their VERI*FACTU records and their events."""
    ids_by_number = repository.insert_invoices(session, rows)
    invoice_ids = [ids_by_number[row["number"]] for row in rows]
    _store_lines(session, drafts, invoice_ids)
    issuing.append_records(
        session,
        parties=parties,
        issued=list(zip(rows, drafts, invoice_ids, strict=True)),
        cycle=cycle,
        tz=org.timezone,
        now=now,
    )
    for row, invoice_id in zip(rows, invoice_ids, strict=True):
        outbox.emit(session, EventType.INVOICE_ISSUED, {**row, "id": invoice_id}, at=now)


def _invoice_row(
    org: OrgRef, cycle: Cycle, draft: DraftInvoice, *, number: str, delivery: str, now: datetime
) -> dict[str, Any]:
    return {
        "org_id": org.id,
        "account_id": draft.account_id,
        "number": number,
        "cycle": str(cycle),
        "cycle_start": cycle.start,
        "cycle_end": cycle.last_day,
        "issued_at": now,
        "value": draft.value,
        "value_total": draft.value_total,
        "status_id": InvoiceStatus.PENDIENTE,
        "paid_at": None,
        "delivery_mode": delivery,
        "path": document_path(org.slug, number),
    }


def _store_lines(session: Session, drafts: list[DraftInvoice], invoice_ids: list[int]) -> None:
    line_rows = []
    terminal_ids: list[int] = []
    charged: list[tuple[int, int]] = []
    for draft, invoice_id in zip(drafts, invoice_ids, strict=True):
        line_rows += [
            {
                "invoice_id": invoice_id,
                "kind": line.kind,
                "description": line.description[:200],
                "subscription_id": line.subscription_id,
                "start_date": line.start_date,
                "end_date": line.end_date,
                "net_amount": line.net_amount,
                "tax_rate": line.tax_rate,
                "tax_amount": line.tax_amount,
            }
            for line in draft.lines
        ]
        terminal_ids += draft.terminal_ids
        charged += [(line_id, invoice_id) for line_id in draft.penalty_line_ids]
    repository.insert_lines(session, line_rows)
    repository.bump_installments(session, terminal_ids)
    repository.charge_penalties(session, charged)
