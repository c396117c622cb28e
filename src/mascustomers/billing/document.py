"""The invoice document: a PDF rendered with ReportLab from the invoice as stored.

Rendered on demand (``GET /v2/orgs/{orgId}/ops/invoices/{number}.pdf`` and ``mascustomers
billing pdf``, through this one template), never written to disk: the stored invoice is the
invoice, the PDF a view of it. Rendering is deterministic (ReportLab's invariant mode): the
same invoice gives the same bytes.

The page, as an operator's bill reads: the issuer (legal name, NIF, fiscal address) and the
VERI*FACTU QR code ("QR tributario:" above it, the "VERI*FACTU" legend below, 36 mm square
with its quiet zone, error correction M); the invoice's type, number, series, dates and the
invoice it rectifies; the customer (name, document, billing address, account); the lines with
their periods; the tax breakdown per rate (IVA, IGIC or IPSI); the totals; how and when it is
paid (masked IBAN or card, due date).
"""

import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from reportlab.graphics.shapes import Drawing, Rect
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from mascustomers.billing.verifactu.qr import HEADING, LEGEND
from mascustomers.kit.clock import local_date

QR_SIZE = 36 * mm
TYPE_TITLES = {
    "F1": "Factura",
    "F2": "Factura simplificada",
    "F3": "Factura en sustitución de simplificadas",
}
ACCENT = colors.HexColor("#1f4e79")


@dataclass(frozen=True)
class DocumentLine:
    description: str
    start_date: date | None
    end_date: date | None
    net_amount: Decimal
    tax_rate: Decimal
    tax_amount: Decimal


@dataclass(frozen=True)
class Party:
    name: str
    document: str | None = None
    address: str | None = None


@dataclass(frozen=True)
class InvoiceDocument:
    issuer: Party
    recipient: Party | None
    timezone: str
    number: str
    invoice_type: str
    account_number: str
    cycle_start: date
    cycle_end: date
    issued_at: datetime
    status: str
    value: Decimal
    value_total: Decimal
    lines: list[DocumentLine]
    tax_name: str = "Impuestos"
    series: str | None = None
    due_date: date | None = None
    payment: str | None = None
    # The AEAT verification URL the QR code encodes (None: an invoice without a record).
    qr_url: str | None = None
    # A rectifying invoice: "MM00000012 de 30/11/2026" and why.
    rectifies: str | None = None
    rectification: str | None = None


def euros(amount: Decimal) -> str:
    """``1234.5`` → ``1.234,50 €`` (Spanish grouping and decimal comma)."""
    text = f"{amount:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")
    return f"{text} €"


def _day(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value is not None else ""


def _rate(rate: Decimal) -> str:
    return f"{rate.normalize():f} %".replace(".", ",")


def title(invoice_type: str) -> str:
    if invoice_type.startswith("R"):
        return "Factura rectificativa"
    return TYPE_TITLES.get(invoice_type, "Factura")


def qr_drawing(url: str, size: float = QR_SIZE) -> Drawing:
    """The QR code of ``url`` (error correction M, 4-module quiet zone) as vector squares."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=4)
    code.add_data(url)
    code.make(fit=True)
    matrix = code.get_matrix()
    module = size / len(matrix)
    drawing = Drawing(size, size)
    drawing.add(Rect(0, 0, size, size, fillColor=colors.white, strokeColor=None))
    for row, cells in enumerate(matrix):
        for column, dark in enumerate(cells):
            if dark:
                y = size - (row + 1) * module
                drawing.add(
                    Rect(
                        column * module, y, module, module, fillColor=colors.black, strokeColor=None
                    )
                )
    return drawing


def _styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    return {
        "issuer": ParagraphStyle("issuer", parent=base["Title"], alignment=0, fontSize=15),
        "small": ParagraphStyle("small", fontName="Helvetica", fontSize=8, leading=10),
        "label": ParagraphStyle(
            "label", fontName="Helvetica-Bold", fontSize=8, leading=10, textColor=ACCENT
        ),
        "party": ParagraphStyle("party", fontName="Helvetica", fontSize=9, leading=11.5),
        "heading": ParagraphStyle(
            "heading", fontName="Helvetica-Bold", fontSize=13, leading=16, textColor=ACCENT
        ),
        "center": ParagraphStyle(
            "center", fontName="Helvetica-Bold", fontSize=8, leading=10, alignment=1
        ),
        "cell": ParagraphStyle("cell", fontName="Helvetica", fontSize=8, leading=10),
    }


def _party(label: str, party: Party | None, extra: str | None = None) -> list[Any]:
    styles = _styles()
    if party is None:
        return [Paragraph(label, styles["label"])]
    lines = [f"<b>{escape(party.name)}</b>"]
    if party.document:
        lines.append(escape(party.document))
    if party.address:
        lines.append(escape(party.address))
    if extra:
        lines.append(escape(extra))
    return [Paragraph(label, styles["label"]), Paragraph("<br/>".join(lines), styles["party"])]


def _header(document: InvoiceDocument) -> Table:
    styles = _styles()
    issuer = [
        Paragraph(escape(document.issuer.name), styles["issuer"]),
        Paragraph(
            "<br/>".join(
                escape(text)
                for text in (
                    f"NIF {document.issuer.document}" if document.issuer.document else "",
                    document.issuer.address or "",
                )
                if text
            ),
            styles["party"],
        ),
    ]
    qr: list[Any] = []
    if document.qr_url is not None:
        qr = [
            Paragraph(HEADING, styles["center"]),
            qr_drawing(document.qr_url),
            Paragraph(LEGEND, styles["center"]),
        ]
    table = Table([[issuer, qr]], colWidths=[140 * mm, 40 * mm])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (1, 0), (1, 0), "CENTER"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


def _facts(document: InvoiceDocument) -> list[Any]:
    styles = _styles()
    issued = local_date(document.issued_at, document.timezone)
    rows = [
        ["Número", document.number],
        ["Serie", document.series or ""],
        ["Tipo", document.invoice_type],
        ["Fecha de emisión", _day(issued)],
        ["Periodo facturado", f"{_day(document.cycle_start)} - {_day(document.cycle_end)}"],
        ["Estado", document.status],
    ]
    if document.rectifies:
        rows.insert(3, ["Rectifica", document.rectifies])
    heading = Paragraph(escape(title(document.invoice_type)), styles["heading"])
    facts = Table(rows, colWidths=[30 * mm, 55 * mm], hAlign="LEFT")
    facts.setStyle(
        TableStyle(
            [
                ("FONTSIZE", (0, 0), (-1, -1), 8),
                ("FONTNAME", (0, 0), (0, -1), "Helvetica-Bold"),
                ("TEXTCOLOR", (0, 0), (0, -1), ACCENT),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    account = f"Cuenta {document.account_number}" if document.account_number else None
    customer = _party("Cliente", document.recipient, account)
    table = Table([[[heading, facts], customer]], colWidths=[90 * mm, 90 * mm])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BOX", (1, 0), (1, 0), 0.5, colors.grey),
                ("LEFTPADDING", (0, 0), (0, 0), 0),
                ("LEFTPADDING", (1, 0), (1, 0), 6),
                ("TOPPADDING", (1, 0), (1, 0), 5),
                ("BOTTOMPADDING", (1, 0), (1, 0), 6),
            ]
        )
    )
    story: list[Any] = [table]
    if document.rectification:
        story += [
            Spacer(1, 3 * mm),
            Paragraph(f"<b>Motivo:</b> {escape(document.rectification)}", styles["party"]),
        ]
    return story


def _line_rows(document: InvoiceDocument) -> list[list[Any]]:
    cell = _styles()["cell"]
    rows: list[list[Any]] = [["Concepto", "Periodo", "Base", "Tipo", "Cuota"]]
    for line in document.lines:
        period = (
            f"{_day(line.start_date)} - {_day(line.end_date)}"
            if line.start_date is not None
            else ""
        )
        rows.append(
            [
                Paragraph(escape(line.description), cell),
                period,
                euros(line.net_amount),
                _rate(line.tax_rate),
                euros(line.tax_amount),
            ]
        )
    return rows


def tax_breakdown(lines: list[DocumentLine]) -> list[tuple[Decimal, Decimal, Decimal]]:
    """``(rate, base, tax)`` per rate, ascending."""
    by_rate: defaultdict[Decimal, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for line in lines:
        by_rate[line.tax_rate][0] += line.net_amount
        by_rate[line.tax_rate][1] += line.tax_amount
    return [(rate, base, tax) for rate, (base, tax) in sorted(by_rate.items())]


def _tax_rows(document: InvoiceDocument) -> list[list[Any]]:
    rows: list[list[Any]] = [["Impuesto", "Base imponible", "Cuota"]]
    for rate, base, tax in tax_breakdown(document.lines):
        rows.append([f"{document.tax_name} {_rate(rate)}", euros(base), euros(tax)])
    return rows


def _total_rows(document: InvoiceDocument) -> list[list[Any]]:
    return [
        ["Base imponible", euros(document.value)],
        [f"{document.tax_name}", euros(document.value_total - document.value)],
        ["Total factura", euros(document.value_total)],
    ]


def _payment(document: InvoiceDocument) -> Paragraph:
    parts = []
    if document.payment:
        parts.append(f"<b>Forma de pago:</b> {escape(document.payment)}")
    if document.due_date is not None:
        parts.append(f"<b>Vencimiento:</b> {_day(document.due_date)}")
    return Paragraph("&nbsp;&nbsp;&nbsp;&nbsp;".join(parts), _styles()["party"])


def render_pdf(document: InvoiceDocument) -> bytes:
    """The invoice as PDF bytes."""
    buffer = io.BytesIO()
    pdf = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=f"{title(document.invoice_type)} {document.number}",
        author=document.issuer.name,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=12 * mm,
        invariant=1,
    )
    story: list[Any] = [
        _header(document),
        Spacer(1, 4 * mm),
        *_facts(document),
        Spacer(1, 6 * mm),
        _table(_line_rows(document), [78 * mm, 40 * mm, 22 * mm, 17 * mm, 23 * mm]),
        Spacer(1, 5 * mm),
        _table(_tax_rows(document), [40 * mm, 30 * mm, 25 * mm]),
        Spacer(1, 3 * mm),
        _table(_total_rows(document), [55 * mm, 30 * mm], totals=True),
        Spacer(1, 6 * mm),
        _payment(document),
    ]
    pdf.build(story)
    return buffer.getvalue()


def _table(rows: list[list[Any]], widths: list[float], *, totals: bool = False) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=0 if totals else 1, hAlign="RIGHT")
    style = [
        ("FONTSIZE", (0, 0), (-1, -1), 8),
        ("ALIGN", (-1, 0), (-1, -1), "RIGHT"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.grey),
    ]
    if totals:
        style += [
            ("FONTNAME", (0, -1), (-1, -1), "Helvetica-Bold"),
            ("FONTSIZE", (0, -1), (-1, -1), 10),
            ("LINEABOVE", (0, -1), (-1, -1), 0.8, ACCENT),
        ]
    else:
        style += [
            ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
            ("TEXTCOLOR", (0, 0), (-1, 0), ACCENT),
            ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ]
    table.setStyle(TableStyle(style))
    return table
