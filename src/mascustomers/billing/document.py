"""The invoice document: a PDF rendered with ReportLab from the invoice's stored lines.

Rendered on demand (``GET /v2/orgs/{orgId}/ops/invoices/{number}.pdf``), never written to
disk: the stored lines are the invoice, the PDF is a view of them, so there is no file store
to back up, share between API processes or keep in step after a correction. Rendering is
deterministic (ReportLab's invariant mode): the same invoice gives the same bytes.
"""

import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from mascustomers.kit.clock import local_date


@dataclass(frozen=True)
class DocumentLine:
    description: str
    start_date: date | None
    end_date: date | None
    net_amount: Decimal
    tax_rate: Decimal
    tax_amount: Decimal


@dataclass(frozen=True)
class InvoiceDocument:
    org_name: str
    timezone: str
    number: str
    account_number: str
    cycle_start: date
    cycle_end: date
    issued_at: datetime
    status: str
    value: Decimal
    value_total: Decimal
    lines: list[DocumentLine]


def euros(amount: Decimal) -> str:
    """``1234.5`` → ``1.234,50 €`` (Spanish grouping and decimal comma)."""
    text = f"{amount:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")
    return f"{text} €"


def _day(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value is not None else ""


def _rate(rate: Decimal) -> str:
    return f"{rate.normalize():f} %".replace(".", ",")


def _line_rows(document: InvoiceDocument) -> list[list[Any]]:
    cell = ParagraphStyle("cell", fontName="Helvetica", fontSize=8, leading=10)
    rows: list[list[Any]] = [["Concepto", "Periodo", "Base", "Impuesto", "Cuota"]]
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


def _tax_rows(document: InvoiceDocument, tax_name: str) -> list[list[Any]]:
    by_rate: defaultdict[Decimal, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for line in document.lines:
        by_rate[line.tax_rate][0] += line.net_amount
        by_rate[line.tax_rate][1] += line.tax_amount
    rows: list[list[Any]] = [["Base imponible", euros(document.value)]]
    for rate, (base, tax) in sorted(by_rate.items()):
        rows.append([f"{tax_name} {_rate(rate)} sobre {euros(base)}", euros(tax)])
    rows.append(["Total factura", euros(document.value_total)])
    return rows


def render_pdf(document: InvoiceDocument, *, tax_name: str = "Impuestos") -> bytes:
    """The invoice as PDF bytes."""
    buffer = io.BytesIO()
    pdf = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=f"Factura {document.number}",
        author=document.org_name,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        invariant=1,
    )
    styles = getSampleStyleSheet()
    issued = local_date(document.issued_at, document.timezone)
    header = [
        ["Factura", document.number],
        ["Cuenta", document.account_number],
        ["Fecha de emisión", _day(issued)],
        ["Periodo facturado", f"{_day(document.cycle_start)} - {_day(document.cycle_end)}"],
        ["Estado", document.status],
    ]
    story: list[Any] = [
        Paragraph(escape(document.org_name), styles["Title"]),
        Table(header, colWidths=[45 * mm, 80 * mm], hAlign="LEFT"),
        Spacer(1, 8 * mm),
        _table(_line_rows(document), [80 * mm, 42 * mm, 22 * mm, 17 * mm, 19 * mm]),
        Spacer(1, 6 * mm),
        _table(_tax_rows(document, tax_name), [120 * mm, 30 * mm], totals=True),
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
        style += [("FONTNAME", (0, -1), (-1, -1), "Helvetica-Bold")]
    else:
        style += [
            ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
            ("ALIGN", (2, 0), (-1, -1), "RIGHT"),
        ]
    table.setStyle(TableStyle(style))
    return table
