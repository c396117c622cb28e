"""Appending VERI*FACTU records to an issuer's chain, in the transaction that issues.

Every issued invoice (cycle or rectifying) gets an invoice record (alta) and every cancelled
invoice a cancellation record (anulación), written in the same transaction as the invoice, so
an invoice never exists without its record. Appending takes the issuer's next chain positions
(the counter row stays locked until commit: appends to one chain queue up), reads the last
record's fingerprint once, and chains the new records in memory before one bulk insert.

The generation instant of a record is the caller's "now", never earlier than the previous
record's: a chain's instants never go backwards.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from mascustomers.billing.verifactu import repository
from mascustomers.billing.verifactu.fingerprint import (
    AltaFields,
    AnulacionFields,
    fingerprint,
    record_amount,
    record_date,
    record_instant,
)
from mascustomers.billing.verifactu.system import system_info
from mascustomers.kit.money import ZERO

ALTA, ANULACION = "ALTA", "ANULACION"
# Impuesto (list L1): 01 IVA, 02 IPSI (Ceuta and Melilla), 03 IGIC (Canarias).
TAX_CODES = {"IVA": "01", "IPSI": "02", "IGIC": "03"}
# ClaveRegimen (lists L8A/L8B) for IVA and IGIC: 01 general regime. Not given for IPSI.
GENERAL_REGIME = "01"
# CalificacionOperacion (list L9): S1, subject and not exempt, no reverse charge.
SUBJECT_NOT_EXEMPT = "S1"
# TipoRectificativa: I, by differences (the rectifying invoice carries the change only).
BY_DIFFERENCES = "I"


@dataclass(frozen=True)
class Chain:
    """Which chain records go to: the org's issuer NIF, and what every record repeats."""

    org_id: int
    issuer_tax_id: str
    issuer_name: str
    timezone: str

    def system(self) -> dict[str, Any]:
        return system_info(
            producer_name=self.issuer_name,
            producer_tax_id=self.issuer_tax_id,
            installation=f"mascustomers-org-{self.org_id}",
        )


@dataclass(frozen=True)
class TaxLine:
    """One line of the tax breakdown (DetalleDesglose): a tax and rate, base and amount."""

    tax_name: str
    rate: Decimal
    base: Decimal
    amount: Decimal

    def as_details(self) -> dict[str, str | None]:
        code = TAX_CODES.get(self.tax_name, "01")
        return {
            "tax": code,
            "regime": GENERAL_REGIME if code in ("01", "03") else None,
            "qualification": SUBJECT_NOT_EXEMPT,
            "rate": record_amount(self.rate),
            "base": record_amount(self.base),
            "amount": record_amount(self.amount),
        }


def tax_breakdown(
    tax_name: str, lines: Iterable[tuple[Decimal, Decimal, Decimal]]
) -> list[TaxLine]:
    """``(rate, net, tax)`` of each invoice line, summed by rate (ascending)."""
    by_rate: dict[Decimal, tuple[Decimal, Decimal]] = {}
    for rate, net, tax in lines:
        base, amount = by_rate.get(rate, (ZERO, ZERO))
        by_rate[rate] = (base + net, amount + tax)
    return [
        TaxLine(tax_name, rate, base, amount) for rate, (base, amount) in sorted(by_rate.items())
    ]


@dataclass(frozen=True)
class InvoiceRecordFacts:
    """What an invoice record says about its invoice."""

    invoice_id: int
    number: str
    issue_date: date
    invoice_type: str
    tax_total: Decimal
    total: Decimal
    description: str
    breakdown: list[TaxLine]
    # NombreRazon and NIF, or NombreRazon and IDOtro; None on a simplified invoice.
    recipient: dict[str, Any] | None
    operation_date: date | None = None
    rectified: tuple[tuple[str, date], ...] = field(default_factory=tuple)

    def fields(self, chain: Chain, previous_hash: str, generated_at: str) -> AltaFields:
        return AltaFields(
            issuer_tax_id=chain.issuer_tax_id,
            number=self.number,
            issue_date=record_date(self.issue_date),
            invoice_type=self.invoice_type,
            tax_total=record_amount(self.tax_total),
            total=record_amount(self.total),
            previous_hash=previous_hash,
            generated_at=generated_at,
        )

    def row(self) -> dict[str, Any]:
        return {
            "kind": ALTA,
            "invoice_id": self.invoice_id,
            "number": self.number,
            "issue_date": self.issue_date,
            "invoice_type": self.invoice_type,
            "tax_total": self.tax_total,
            "total": self.total,
        }

    def details(self) -> dict[str, Any]:
        rectifying = bool(self.rectified)
        return {
            "description": self.description[:500],
            "operation_date": (
                record_date(self.operation_date) if self.operation_date is not None else None
            ),
            "recipient": self.recipient,
            "breakdown": [line.as_details() for line in self.breakdown],
            "rectification_type": BY_DIFFERENCES if rectifying else None,
            "rectified": [
                {"number": number, "issue_date": record_date(day)} for number, day in self.rectified
            ],
        }


@dataclass(frozen=True)
class CancellationFacts:
    """The invoice a cancellation record (anulación) cancels."""

    invoice_id: int
    number: str
    issue_date: date

    def fields(self, chain: Chain, previous_hash: str, generated_at: str) -> AnulacionFields:
        return AnulacionFields(
            issuer_tax_id=chain.issuer_tax_id,
            number=self.number,
            issue_date=record_date(self.issue_date),
            previous_hash=previous_hash,
            generated_at=generated_at,
        )

    def row(self) -> dict[str, Any]:
        return {
            "kind": ANULACION,
            "invoice_id": self.invoice_id,
            "number": self.number,
            "issue_date": self.issue_date,
            "invoice_type": None,
            "tax_total": None,
            "total": None,
        }

    def details(self) -> dict[str, Any]:
        return {}


def append(
    session: Session,
    *,
    chain: Chain,
    entries: Sequence[InvoiceRecordFacts | CancellationFacts],
    now: datetime,
) -> list[str]:
    """Chain ``entries`` after the issuer's last record and insert them; their fingerprints."""
    if not entries:
        return []
    first = repository.take_positions(
        session, org_id=chain.org_id, issuer_tax_id=chain.issuer_tax_id, count=len(entries)
    )
    previous = (
        repository.record_at(
            session, org_id=chain.org_id, issuer_tax_id=chain.issuer_tax_id, chain_seq=first - 1
        )
        if first > 1
        else None
    )
    if first > 1 and previous is None:  # pragma: no cover - the counter and the rows agree
        raise RuntimeError(f"chain {chain.issuer_tax_id}: record {first - 1} is missing")
    previous_hash = previous.hash if previous is not None else ""
    at = max(now, previous.generated_at) if previous is not None else now
    generated_at = record_instant(at, chain.timezone)
    shared = {"issuer_name": chain.issuer_name, "system": chain.system()}
    rows, hashes = [], []
    for offset, entry in enumerate(entries):
        digest = fingerprint(entry.fields(chain, previous_hash, generated_at))
        rows.append(
            {
                **entry.row(),
                "org_id": chain.org_id,
                "issuer_tax_id": chain.issuer_tax_id,
                "chain_seq": first + offset,
                "previous_hash": previous_hash or None,
                "generated_at": at,
                "generated_at_text": generated_at,
                "hash": digest,
                "details": {**entry.details(), **shared},
            }
        )
        hashes.append(digest)
        previous_hash = digest
    repository.insert_records(session, rows)
    return hashes
