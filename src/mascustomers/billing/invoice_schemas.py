"""Back-office bodies of issued invoices: issuer settings, an invoice as issued, rectifying
and cancelling, the records' chain check."""

from datetime import date
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer

from mascustomers.billing.rectifying import Credit, RectificationReason
from mascustomers.billing.verifactu.chain import ChainReport
from mascustomers.catalog.issuer_section import IssuerSection
from mascustomers.catalog.statuses import InvoiceStatus
from mascustomers.kit.clock import format_timestamp, local_date
from mascustomers.kit.request_fields import PositiveId
from mascustomers.kit.schemas import money_from_json
from mascustomers.models import BillingRecord, Invoice, InvoiceIssuer, InvoiceLine

Amount = Annotated[Decimal, PlainSerializer(float, return_type=float, when_used="json")]


CreditAmount = Annotated[
    Decimal, BeforeValidator(money_from_json), Field(gt=0, max_digits=12, decimal_places=2)
]


class IssuerView(IssuerSection):
    updated_at: str

    @classmethod
    def of(cls, row: InvoiceIssuer) -> "IssuerView":
        values = {name: getattr(row, name) for name in IssuerSection.model_fields}
        return cls(**values, updated_at=format_timestamp(row.updated_at))


class CreditLine(BaseModel):
    model_config = ConfigDict(extra="forbid")

    line_id: PositiveId = Field(description="a line of the invoice rectified")
    amount: CreditAmount | None = Field(
        default=None, description="net EUR to credit; omit for all that is left of the line"
    )


class RectifyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: RectificationReason = Field(
        description="WRONG_CHARGE (R1, names its lines), PENALTY_ANNULLED (R1, the penalty "
        "lines), RETURNED_PAYMENT (R4, a DEVUELTO invoice, all of it); R5 for a simplified one"
    )
    note: str = Field(min_length=1, max_length=500, description="why, in the operator's words")
    lines: list[CreditLine] = Field(default_factory=list, max_length=500)

    def credits(self) -> list[Credit]:
        return [Credit(line.line_id, line.amount) for line in self.lines]


class CancelCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    note: str = Field(min_length=1, max_length=500, description="why it should not exist")


class PartyView(BaseModel):
    name: str | None
    tax_id: str | None = None
    document_type: str | None = None
    document: str | None = None
    address: str | None


class IssuedLine(BaseModel):
    id: int
    kind: str
    description: str
    start_date: date | None
    end_date: date | None
    net_amount: Amount
    tax_rate: Amount
    tax_amount: Amount
    credited_line_id: int | None


class RecordView(BaseModel):
    chain_seq: int
    kind: str
    hash: str
    previous_hash: str | None
    generated_at: str

    @classmethod
    def of(cls, record: BillingRecord) -> "RecordView":
        return cls(
            chain_seq=record.chain_seq,
            kind=record.kind,
            hash=record.hash,
            previous_hash=record.previous_hash,
            generated_at=record.generated_at_text,
        )


class IssuedStatus(BaseModel):
    id: int
    value: str


class IssuedInvoice(BaseModel):
    """An invoice as issued: parties, type, series, lines, its records and its QR URL."""

    number: str
    series: str | None
    invoice_type: str
    status: IssuedStatus
    issue_date: date
    due_date: date | None
    cycle_start: date
    cycle_end: date
    value: Amount
    value_total: Amount
    tax_name: str | None
    issuer: PartyView
    recipient: PartyView
    payment_method: str | None
    payment_reference: str | None
    rectifies: str | None
    rectification_reason: str | None
    rectification_note: str | None
    rectified_by: list[str]
    cancellation_note: str | None
    cancelled_by: str | None
    lines: list[IssuedLine]
    records: list[RecordView]
    qr_url: str | None

    @classmethod
    def of(
        cls,
        invoice: Invoice,
        *,
        lines: list[InvoiceLine],
        records: list[BillingRecord],
        rectifies: str | None,
        rectified_by: list[str],
        qr_url: str | None,
        tz: str,
    ) -> "IssuedInvoice":
        status = InvoiceStatus(invoice.status_id)
        return cls(
            number=invoice.number,
            series=invoice.series,
            invoice_type=invoice.invoice_type,
            status=IssuedStatus(id=status, value=status.label),
            issue_date=local_date(invoice.issued_at, tz),
            due_date=invoice.due_date,
            cycle_start=invoice.cycle_start,
            cycle_end=invoice.cycle_end,
            value=invoice.value,
            value_total=invoice.value_total,
            tax_name=invoice.tax_name,
            issuer=PartyView(
                name=invoice.issuer_name,
                tax_id=invoice.issuer_tax_id,
                address=invoice.issuer_address,
            ),
            recipient=PartyView(
                name=invoice.recipient_name,
                document_type=invoice.recipient_document_type,
                document=invoice.recipient_document,
                address=invoice.recipient_address,
            ),
            payment_method=invoice.payment_method,
            payment_reference=invoice.payment_reference,
            rectifies=rectifies,
            rectification_reason=invoice.rectification_reason,
            rectification_note=invoice.rectification_note,
            rectified_by=rectified_by,
            cancellation_note=invoice.cancellation_note,
            cancelled_by=invoice.cancelled_by,
            lines=[
                IssuedLine(
                    id=line.id,
                    kind=line.kind,
                    description=line.description,
                    start_date=line.start_date,
                    end_date=line.end_date,
                    net_amount=line.net_amount,
                    tax_rate=line.tax_rate,
                    tax_amount=line.tax_amount,
                    credited_line_id=line.credited_line_id,
                )
                for line in lines
            ],
            records=[RecordView.of(record) for record in records],
            qr_url=qr_url,
        )


class ChainView(BaseModel):
    issuer_tax_id: str
    records: int = Field(description="records checked before the first broken link (or all)")
    intact: bool
    broken_at: int | None = Field(description="chain position of the first broken link")
    problem: str | None

    @classmethod
    def of(cls, report: ChainReport) -> "ChainView":
        return cls(
            issuer_tax_id=report.issuer_tax_id,
            records=report.records,
            intact=report.intact,
            broken_at=report.broken.chain_seq if report.broken else None,
            problem=report.broken.describe() if report.broken else None,
        )
