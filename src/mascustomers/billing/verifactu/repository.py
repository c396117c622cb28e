"""All SQL of the VERI*FACTU records: the chain head, appends and ordered reads.

An issuer's chain is numbered by the org counter ``verifactu:<NIF>`` (``sequences``): taking
the next numbers locks that counter row until the transaction ends, so two writers append to
one chain one after the other and each sees the other's last record. Records are only ever
inserted (the database refuses updates and deletes).
"""

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from mascustomers.billing.repository import reserve_numbers
from mascustomers.models import BillingRecord, BillingRecordSubmission


def chain_counter(issuer_tax_id: str) -> str:
    return f"verifactu:{issuer_tax_id}"


def take_positions(session: Session, *, org_id: int, issuer_tax_id: str, count: int) -> int:
    """The first of ``count`` consecutive chain positions, the chain locked until commit."""
    return reserve_numbers(session, org_id=org_id, name=chain_counter(issuer_tax_id), count=count)


def record_at(
    session: Session, *, org_id: int, issuer_tax_id: str, chain_seq: int
) -> BillingRecord | None:
    return session.scalars(
        select(BillingRecord).where(
            BillingRecord.org_id == org_id,
            BillingRecord.issuer_tax_id == issuer_tax_id,
            BillingRecord.chain_seq == chain_seq,
        )
    ).one_or_none()


def insert_records(session: Session, rows: list[dict[str, Any]]) -> None:
    if rows:
        session.connection().execute(insert(BillingRecord), rows)


def issuers(session: Session, *, org_id: int) -> list[str]:
    """The NIFs the org has records under (one chain each), in first-use order."""
    rows = session.execute(
        select(BillingRecord.issuer_tax_id, func.min(BillingRecord.id))
        .where(BillingRecord.org_id == org_id)
        .group_by(BillingRecord.issuer_tax_id)
        .order_by(func.min(BillingRecord.id))
    ).all()
    return [str(row[0]) for row in rows]


def chain(
    session: Session, *, org_id: int, issuer_tax_id: str, after_seq: int = 0, batch: int = 1000
) -> Iterator[BillingRecord]:
    """The chain in order from ``after_seq + 1``, read in batches. The session's identity map
    holds unchanged objects weakly, so a caller that does not keep them stays in bounded
    memory."""
    while True:
        page = session.scalars(
            select(BillingRecord)
            .where(
                BillingRecord.org_id == org_id,
                BillingRecord.issuer_tax_id == issuer_tax_id,
                BillingRecord.chain_seq > after_seq,
            )
            .order_by(BillingRecord.chain_seq)
            .limit(batch)
        ).all()
        yield from page
        if len(page) < batch:
            return
        after_seq = page[-1].chain_seq


def records_between(
    session: Session, *, org_id: int, issuer_tax_id: str, first_seq: int, last_seq: int
) -> Sequence[BillingRecord]:
    return session.scalars(
        select(BillingRecord)
        .where(
            BillingRecord.org_id == org_id,
            BillingRecord.issuer_tax_id == issuer_tax_id,
            BillingRecord.chain_seq.between(first_seq, last_seq),
        )
        .order_by(BillingRecord.chain_seq)
    ).all()


def records_of_invoice(session: Session, *, invoice_id: int) -> Sequence[BillingRecord]:
    return session.scalars(
        select(BillingRecord)
        .where(BillingRecord.invoice_id == invoice_id)
        .order_by(BillingRecord.chain_seq)
    ).all()


def last_seq(session: Session, *, org_id: int, issuer_tax_id: str) -> int:
    value = session.scalar(
        select(func.max(BillingRecord.chain_seq)).where(
            BillingRecord.org_id == org_id, BillingRecord.issuer_tax_id == issuer_tax_id
        )
    )
    return int(value or 0)


def last_submitted(session: Session, *, org_id: int, issuer_tax_id: str) -> int:
    value = session.scalar(
        select(func.max(BillingRecordSubmission.last_seq)).where(
            BillingRecordSubmission.org_id == org_id,
            BillingRecordSubmission.issuer_tax_id == issuer_tax_id,
        )
    )
    return int(value or 0)


def add_submission(session: Session, submission: BillingRecordSubmission) -> None:
    session.add(submission)
    session.flush()
