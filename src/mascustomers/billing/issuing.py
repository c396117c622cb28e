"""What a billing batch freezes on each invoice it issues, and the records it appends.

At issue an invoice copies its issuer (legal name, NIF, fiscal address), its recipient (name,
document, billing address), its payment method (masked) and gets its type (F1, or F2 where the
org issues simplified invoices), tax name and due date; then every invoice of the batch gets
its VERI*FACTU record, chained in the same transaction.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy.orm import Session

from mascustomers.billing import invoice_repository
from mascustomers.billing.cycles import Cycle
from mascustomers.billing.issuer import Issuer
from mascustomers.billing.parties import (
    Recipient,
    invoice_type,
    payment_reference,
    recipient,
)
from mascustomers.billing.pricing import DraftInvoice
from mascustomers.billing.repository import Window
from mascustomers.billing.verifactu import records
from mascustomers.billing.verifactu.records import Chain, InvoiceRecordFacts, tax_breakdown
from mascustomers.kit.clock import local_date

SIMPLIFIED = ("F2", "R5")


def recipient_block(party: Recipient, kind: str) -> dict[str, Any] | None:
    """``Destinatarios`` of a record: none on a simplified invoice; a NIF, or a passport as
    ``IDOtro`` (IDType 03)."""
    if kind in SIMPLIFIED:
        return None
    if party.has_nif:
        return {"NombreRazon": party.name, "NIF": party.document}
    return {"NombreRazon": party.name, "IDOtro": {"IDType": "03", "ID": party.document[:20]}}


def period_text(start: date, end: date) -> str:
    return f"del {start:%d/%m/%Y} al {end:%d/%m/%Y}"


@cache
def describe(cycle: Cycle) -> str:
    """DescripcionOperacion of a cycle's invoices (the same for the whole run)."""
    return "Servicios de telecomunicaciones " + period_text(cycle.start, cycle.last_day)


@dataclass
class BatchParties:
    """The batch accounts' recipients and payment instruments, and the issue's dates."""

    issuer: Issuer
    issue_date: date
    recipients: dict[int, Recipient]
    payments: dict[int, tuple[str, str | None]]

    @classmethod
    def load(
        cls, session: Session, *, window: Window, issuer: Issuer, now: datetime, tz: str
    ) -> "BatchParties":
        recipients, payments = {}, {}
        for row in invoice_repository.parties(session, window=window):
            recipients[row[0]] = recipient(
                customer_type_id=row[4],
                document_type_id=row[5],
                document_value=row[6],
                names=(row[7], row[8], row[9]),
                company=row[10],
                address=(row[11], row[12], row[13], row[14], row[15], row[16]),
            )
            payments[row[0]] = (
                row[1],
                payment_reference(row[1], iban=row[2], card_masked_number=row[3]),
            )
        return cls(issuer, local_date(now, tz), recipients, payments)

    def columns(self, draft: DraftInvoice, *, tax_name: str) -> dict[str, Any]:
        """The invoice's frozen columns."""
        party = self.recipients[draft.account_id]
        method, reference = self.payments[draft.account_id]
        return {
            "series": self.issuer.series,
            "invoice_type": invoice_type(
                simplified_allowed=self.issuer.simplified_invoices,
                recipient=party,
                total=draft.value_total,
            ),
            "tax_name": tax_name,
            "due_date": self.issue_date + timedelta(days=self.issuer.payment_days),
            "issuer_name": self.issuer.legal_name,
            "issuer_tax_id": self.issuer.tax_id,
            "issuer_address": self.issuer.address,
            "recipient_name": party.name,
            "recipient_document_type": party.document_type,
            "recipient_document": party.document,
            "recipient_address": party.address,
            "payment_method": method,
            "payment_reference": reference,
        }

    def record(
        self, row: dict[str, Any], draft: DraftInvoice, *, invoice_id: int, cycle: Cycle
    ) -> InvoiceRecordFacts:
        party = self.recipients[draft.account_id]
        last_day = cycle.last_day
        return InvoiceRecordFacts(
            invoice_id=invoice_id,
            number=row["number"],
            issue_date=self.issue_date,
            invoice_type=row["invoice_type"],
            tax_total=draft.value_total - draft.value,
            total=draft.value_total,
            description=describe(cycle),
            breakdown=tax_breakdown(
                row["tax_name"],
                ((line.tax_rate, line.net_amount, line.tax_amount) for line in draft.lines),
            ),
            recipient=recipient_block(party, row["invoice_type"]),
            operation_date=last_day if last_day != self.issue_date else None,
        )


def chain_of(issuer: Issuer, tz: str) -> Chain:
    return Chain(
        org_id=issuer.org_id,
        issuer_tax_id=issuer.tax_id,
        issuer_name=issuer.legal_name,
        timezone=tz,
    )


def append_records(
    session: Session,
    *,
    parties: BatchParties,
    issued: Sequence[tuple[dict[str, Any], DraftInvoice, int]],
    cycle: Cycle,
    tz: str,
    now: datetime,
) -> None:
    """One invoice record per issued invoice ``(row, draft, invoice id)``, in number order."""
    records.append(
        session,
        chain=chain_of(parties.issuer, tz),
        entries=[
            parties.record(row, draft, invoice_id=invoice_id, cycle=cycle)
            for row, draft, invoice_id in issued
        ],
        now=now,
    )
