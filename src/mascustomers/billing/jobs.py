"""The billing run: every billable account of an org for one cycle, streamed in batches.

Accounts are read in id order with keyset pagination (``id > last``, ``LIMIT batch``), each
batch is priced and stored, and the batch's transaction is committed before the next one is
read, so memory and transaction size follow the batch size, never the customer base. A run
that stops half-way (crash, error) keeps the batches it committed; running the cycle again
bills only the accounts still without an invoice for it. Two runs of one cycle at once are
safe: each batch locks the series' counter row before choosing its accounts, so the runs
take turns batch by batch and each skips what the others billed; the unique
``(account_id, cycle)`` stays the backstop (a batch that loses a race is retried).
"""

import logging
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mascustomers.billing import issuer as issuer_service
from mascustomers.billing import repository, service
from mascustomers.billing.cycles import Cycle, InvalidCycle
from mascustomers.db.engine import begin_for_write
from mascustomers.errors import ValidationFailed
from mascustomers.kit.money import ZERO

DEFAULT_BATCH_SIZE = 500
_ATTEMPTS_PER_BATCH = 3
log = logging.getLogger(__name__)


@dataclass
class BillingRun:
    cycle: Cycle
    start_date: date
    end_date: date
    issued_at: datetime
    accounts: int = 0
    invoices: int = 0
    value: Decimal = ZERO
    value_total: Decimal = ZERO
    first_number: str | None = None
    last_number: str | None = None
    batches: int = 0

    def add(self, batch: service.BatchResult) -> None:
        self.batches += 1
        self.accounts += batch.accounts
        self.invoices += batch.invoices
        self.value += batch.value
        self.value_total += batch.value_total
        if batch.numbers:
            self.first_number = self.first_number or batch.numbers[0]
            self.last_number = batch.numbers[-1]


def commit_batch(session: Session) -> None:
    """End the batch's transaction and open the next one as a writer."""
    session.commit()
    begin_for_write(session)


def parse_cycle(text: str, *, field: str = "cycle") -> Cycle:
    try:
        return Cycle.parse(text)
    except InvalidCycle as error:
        raise ValidationFailed(f"{field}: {error}", field=field) from error


def run_cycle(
    session: Session,
    *,
    org: service.OrgRef,
    cycle: Cycle,
    now: datetime,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> BillingRun:
    """Bill ``cycle`` for every billable account of ``org``; commits once per batch."""
    service.require_closed(cycle, tz=org.timezone, now=now)
    prices = service.load_prices(session, org_id=org.id)
    # Read once; required only when the run has an invoice to issue.
    issuer = issuer_service.find(session, org_id=org.id)
    run = BillingRun(cycle=cycle, start_date=cycle.start, end_date=cycle.last_day, issued_at=now)
    closes_at = cycle.closes_at(org.timezone)
    after_id = 0
    while True:
        for attempt in range(1, _ATTEMPTS_PER_BATCH + 1):
            if issuer is not None:
                repository.lock_counter(session, org_id=org.id, name=issuer.counter())
            accounts = repository.billable_accounts(
                session,
                org_id=org.id,
                cycle=str(cycle),
                closes_at=closes_at,
                after_id=after_id,
                limit=batch_size,
            )
            if not accounts:
                return run
            try:
                batch = service.bill_accounts(
                    session,
                    org=org,
                    cycle=cycle,
                    accounts=accounts,
                    prices=prices,
                    now=now,
                    issuer=issuer,
                )
                commit_batch(session)
                break
            except IntegrityError:
                # Another run of the cycle billed some of these accounts first.
                session.rollback()
                begin_for_write(session)
                if attempt == _ATTEMPTS_PER_BATCH:
                    raise
                log.info("billing batch after account %s retried", after_id)
        run.add(batch)
        after_id = accounts[-1].id
