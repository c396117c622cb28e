"""Verifying an issuer's stored chain: every fingerprint recomputed, every link followed.

For each record in chain order: its position is the next one (no record missing), its
``previous_hash`` is the stored fingerprint of the record before it (none for the first), and
the fingerprint recomputed from its stored fields is the stored one. The first record failing
any of these is the first broken link; nothing after it is trusted.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from mascustomers.billing.verifactu import repository
from mascustomers.billing.verifactu.fingerprint import (
    AltaFields,
    AnulacionFields,
    fingerprint,
    record_amount,
    record_date,
)
from mascustomers.billing.verifactu.records import ALTA
from mascustomers.models import BillingRecord


@dataclass(frozen=True)
class BrokenLink:
    chain_seq: int
    record_id: int | None
    number: str | None
    problem: str

    def describe(self) -> str:
        what = f"record {self.chain_seq}"
        if self.record_id is not None:
            what += f" (id {self.record_id}, {self.number})"
        return f"{what}: {self.problem}"


@dataclass(frozen=True)
class ChainReport:
    issuer_tax_id: str
    records: int
    broken: BrokenLink | None

    @property
    def intact(self) -> bool:
        return self.broken is None


def stored_fields(record: BillingRecord) -> AltaFields | AnulacionFields:
    """The record's fingerprinted fields, from what is stored."""
    previous = record.previous_hash or ""
    if record.kind == ALTA:
        return AltaFields(
            issuer_tax_id=record.issuer_tax_id,
            number=record.number,
            issue_date=record_date(record.issue_date),
            invoice_type=record.invoice_type or "",
            tax_total=record_amount(record.tax_total) if record.tax_total is not None else "",
            total=record_amount(record.total) if record.total is not None else "",
            previous_hash=previous,
            generated_at=record.generated_at_text,
        )
    return AnulacionFields(
        issuer_tax_id=record.issuer_tax_id,
        number=record.number,
        issue_date=record_date(record.issue_date),
        previous_hash=previous,
        generated_at=record.generated_at_text,
    )


def check(records: Iterable[BillingRecord], *, issuer_tax_id: str) -> ChainReport:
    """Walk ``records`` (chain order) and stop at the first broken link."""
    expected_seq, previous_hash, count = 1, None, 0
    for record in records:
        problem = None
        if record.chain_seq != expected_seq:
            problem = f"expected record {expected_seq} here, found {record.chain_seq}"
            return ChainReport(
                issuer_tax_id,
                count,
                BrokenLink(expected_seq, None, None, problem),
            )
        recomputed = fingerprint(stored_fields(record))
        if record.previous_hash != previous_hash:
            problem = (
                f"points back to {record.previous_hash or 'nothing'}, "
                f"but the record before it has {previous_hash or 'nothing (first record)'}"
            )
        elif recomputed != record.hash:
            problem = f"stored fingerprint {record.hash}, recomputed {recomputed}"
        if problem is not None:
            return ChainReport(
                issuer_tax_id,
                count,
                BrokenLink(record.chain_seq, record.id, record.number, problem),
            )
        count += 1
        expected_seq += 1
        previous_hash = record.hash
    return ChainReport(issuer_tax_id, count, None)


def verify(session: Session, *, org_id: int) -> list[ChainReport]:
    """Every chain of the org (one per issuer NIF it has records under)."""
    return [
        check(
            repository.chain(session, org_id=org_id, issuer_tax_id=tax_id),
            issuer_tax_id=tax_id,
        )
        for tax_id in repository.issuers(session, org_id=org_id)
    ]
