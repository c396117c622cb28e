"""What the invoice PDF shows, read back as text and checked against the invoice as stored.

RD 1619/2012 art. 6 (a complete invoice): number and series, issue date, the issuer's legal
name, NIF and address, the recipient's name, NIF and address, each operation with the date
(period) it was rendered, the tax rate(s) with the base and the tax of each, the total; art. 15:
a rectifying invoice says so and names the invoice it rectifies. Orden HAC/1177/2024 art. 21:
the "QR tributario:" code and the "VERI*FACTU" legend. Beside them, how and when it is paid,
with the IBAN masked (the full account number is not printed on a document that is mailed).

Every expected value is read from the database (invoice, lines, issuer, account, customer) or
the ``details`` API of that invoice; only the Spanish way of writing them (``1.150,00 €``,
``7 %``, ``01/12/2026``) is written here, by hand.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pypdfium2
import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from mascustomers.accounts import service as accounts_service
from mascustomers.auth import repository as auth_repository
from mascustomers.billing.rectifying import RectificationReason
from mascustomers.kit.clock import local_date
from mascustomers.models import (
    Account,
    CatalogueTaxRule,
    Customer,
    Invoice,
    InvoiceIssuer,
    InvoiceLine,
    Org,
    User,
)
from tests.billing.issued import customer_account, run
from tests.billing.world import add_penalty, add_terminal, madrid, make_line
from tests.catalogue_fixture import IPHONE, MOBILE_ONLY_30GB
from tests.factories import ApiCaller

pytestmark = pytest.mark.usefixtures("catalogue")
D = Decimal
PAYMENT_LABELS = {"BANK_ACCOUNT": "Domiciliación bancaria"}


@dataclass(frozen=True)
class Province:
    state_id: int
    tax_name: str  # the tax the law applies there
    street: tuple[str, str]
    postal_code: str
    locality: str


MADRID = Province(28, "IVA", ("Calle Mayor", "5"), "28013", "Madrid")
LAS_PALMAS = Province(35, "IGIC", ("Calle Triana", "48"), "35002", "Las Palmas de Gran Canaria")
CEUTA = Province(51, "IPSI", ("Paseo del Revellín", "12"), "51001", "Ceuta")


@pytest.fixture
def org(session: Session, org_slug: str) -> Org:
    found = auth_repository.get_org_by_slug(session, org_slug)
    assert found is not None
    return found


def pdf_lines(content: bytes) -> list[str]:
    """The text of every page, one entry per text line."""
    document = pypdfium2.PdfDocument(content)
    text = "\n".join(str(page.get_textpage().get_text_range()) for page in document)
    return [line.strip() for line in text.replace("\r\n", "\n").split("\n") if line.strip()]


def euros(amount: Decimal) -> str:
    """``-1150.5`` → ``-1.150,50 €``."""
    units, cents = f"{abs(amount):.2f}".split(".")
    groups: list[str] = []
    while units:
        groups.insert(0, units[-3:])
        units = units[:-3]
    return f"{'-' if amount < 0 else ''}{'.'.join(groups)},{cents} €"


def rate(value: Decimal) -> str:
    """``7.00`` → ``7 %``, ``9.50`` → ``9,5 %``."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return f"{text.replace('.', ',')} %"


def day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def masked(iban: str) -> str:
    """Country and check digits, the last four digits, the rest hidden in groups of four."""
    hidden = "*" * (len(iban) - 8)
    shown = iban[:4] + hidden + iban[-4:]
    return " ".join(shown[i : i + 4] for i in range(0, len(shown), 4))


def stored(session: Session, number: str) -> tuple[Invoice, list[InvoiceLine]]:
    invoice = session.scalars(select(Invoice).where(Invoice.number == number)).one()
    lines = session.scalars(
        select(InvoiceLine).where(InvoiceLine.invoice_id == invoice.id).order_by(InvoiceLine.id)
    ).all()
    return invoice, list(lines)


def line_row(line: InvoiceLine) -> str:
    """A row of the lines table: concept, period (when the line has one), base, rate, tax."""
    period = []
    if line.start_date is not None and line.end_date is not None:
        period = [f"{day(line.start_date)} - {day(line.end_date)}"]
    amounts = [euros(line.net_amount), rate(line.tax_rate), euros(line.tax_amount)]
    return " ".join([line.description, *period, *amounts])


def breakdown(tax_name: str, lines: list[InvoiceLine]) -> list[str]:
    """One row per tax rate: the base and the tax of the lines at that rate."""
    by_rate: defaultdict[Decimal, list[Decimal]] = defaultdict(lambda: [D(0), D(0)])
    for line in lines:
        by_rate[line.tax_rate][0] += line.net_amount
        by_rate[line.tax_rate][1] += line.tax_amount
    return [
        f"{tax_name} {rate(value)} {euros(base)} {euros(tax)}"
        for value, (base, tax) in sorted(by_rate.items())
    ]


def recipient_block(invoice: Invoice) -> str:
    """The customer's box as the invoice froze it: name, document, billing address."""
    assert invoice.recipient_name is not None
    assert invoice.recipient_address is not None
    document = f"{invoice.recipient_document_type} {invoice.recipient_document}"
    return " ".join([invoice.recipient_name, document, invoice.recipient_address])


def between(shown: list[str], first: str, last_prefix: str) -> list[str]:
    start = shown.index(first) + 1
    end = next(i for i in range(start, len(shown)) if shown[i].startswith(last_prefix))
    return shown[start:end]


def assert_no_iban(shown: list[str], iban: str) -> None:
    text = "\n".join(shown)
    grouped = " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))
    for full in (iban, grouped, iban[4:-4], grouped[5:-5]):
        assert full not in text


def move_to(session: Session, account: Account, province: Province) -> None:
    """The customer lives in ``province`` and its tax moved there in October (the catalogue's
    rule for the province, as the back office's tax-province change applies it)."""
    accounts_service.move_tax_province(
        session, account=account, state_id=province.state_id, now=madrid(2026, 10, 15)
    )
    owner = session.get(User, account.owner_user_id)
    assert owner is not None
    owner.street_name, owner.street_number = province.street
    owner.supplement = None
    owner.postal_code, owner.locality, owner.state_id = (
        province.postal_code,
        province.locality,
        province.state_id,
    )
    session.flush()


@pytest.mark.parametrize(
    ("province", "terminal_rate"),
    [(MADRID, None), (LAS_PALMAS, None), (CEUTA, None), (LAS_PALMAS, D("15"))],
    ids=["IVA-Madrid", "IGIC-Las-Palmas", "IPSI-Ceuta", "IGIC-terminals-at-another-rate"],
)
def test_the_pdf_shows_what_a_spanish_invoice_needs(
    api: ApiCaller,
    session: Session,
    org: Org,
    province: Province,
    terminal_rate: Decimal | None,
) -> None:
    if terminal_rate is not None:
        # The org's catalogue taxes terminals in the province at a rate of their own.
        session.execute(
            update(CatalogueTaxRule)
            .where(
                CatalogueTaxRule.org_id == org.id,
                CatalogueTaxRule.state_id == province.state_id,
            )
            .values(terminal_tax_rate=terminal_rate)
        )
    account = customer_account(session, org=org)  # one line, all November
    move_to(session, account, province)
    later = make_line(
        session, account=account, product_id=MOBILE_ONLY_30GB, activated_at=madrid(2026, 11, 10)
    )
    add_terminal(
        session,
        line=later,
        catalogue_id=IPHONE,
        monthly_fee="37.45",
        installments=24,
        last_fee="37.45",
        billed=2,
    )
    add_penalty(session, account=account, value="1150.00")
    session.commit()
    run(session, org)
    number = session.scalars(select(Invoice.number).where(Invoice.account_id == account.id)).one()
    invoice, lines = stored(session, number)
    issuer = session.scalars(select(InvoiceIssuer).where(InvoiceIssuer.org_id == org.id)).one()
    customer = session.get(Customer, account.customer_id)
    owner = session.get(User, account.owner_user_id)
    assert customer is not None
    assert owner is not None
    assert account.iban is not None
    details = api.get(f"/ops/invoices/{number}/details").json()

    # What is stored is what the customer and the issuer were, and it adds up.
    assert invoice.tax_name == province.tax_name
    assert [line.kind for line in lines] == ["PRODUCT", "PRODUCT", "INSTALLMENT", "PENALTY"]
    assert {line.tax_rate for line in lines} == (
        {lines[0].tax_rate} if terminal_rate is None else {lines[0].tax_rate, terminal_rate}
    )
    assert sum(line.net_amount for line in lines) == invoice.value
    assert sum(line.tax_amount for line in lines) == invoice.value_total - invoice.value
    assert (invoice.issuer_name, invoice.issuer_tax_id) == (issuer.legal_name, issuer.tax_id)
    assert invoice.recipient_document == customer.document_value
    assert invoice.recipient_name == f"{owner.first_name} {owner.last_name}"
    assert invoice.recipient_address is not None
    for part in (*province.street, province.postal_code, province.locality):
        assert part in invoice.recipient_address
    issued_on = local_date(invoice.issued_at, org.timezone)
    assert invoice.due_date == issued_on + timedelta(days=issuer.payment_days)
    assert invoice.payment_reference == masked(account.iban)
    assert details["issue_date"] == issued_on.isoformat()

    shown = pdf_lines(api.get(f"/ops/invoices/{number}.pdf").content)
    # The issuer: legal name, NIF, fiscal address; the QR code's heading and legend.
    assert issuer.legal_name in shown
    assert f"NIF {issuer.tax_id}" in shown
    assert invoice.issuer_address in shown
    assert all(part in invoice.issuer_address for part in (issuer.street, issuer.postal_code))
    assert "QR tributario:" in shown
    assert "VERI*FACTU" in shown
    # Type, number, series, issue date, the period billed.
    assert "Factura" in shown
    assert f"Número {invoice.number}" in shown
    assert f"Serie {invoice.series}" in shown
    assert invoice.number.startswith(issuer.series)
    assert f"Tipo {invoice.invoice_type}" in shown
    assert f"Fecha de emisión {day(issued_on)}" in shown
    assert f"Periodo facturado {day(invoice.cycle_start)} - {day(invoice.cycle_end)}" in shown
    # The recipient: name, document, billing address (a long address wraps in its box).
    assert " ".join(between(shown, "Cliente", "Cuenta ")) == recipient_block(invoice)
    # Each line with its period, base, rate and tax, in the invoice's order.
    rows = between(shown, "Concepto Periodo Base Tipo Cuota", "Impuesto Base imponible")
    assert rows == [line_row(line) for line in lines]
    assert lines[1].start_date == date(2026, 11, 10)  # the line that started mid-cycle
    # The breakdown: one row per rate, named after the account's tax.
    taxes = between(shown, "Impuesto Base imponible Cuota", "Base imponible ")
    assert taxes == breakdown(province.tax_name, lines)
    assert len(taxes) == (1 if terminal_rate is None else 2)
    # The totals.
    assert f"Base imponible {euros(invoice.value)}" in shown
    assert f"{province.tax_name} {euros(invoice.value_total - invoice.value)}" in shown
    assert f"Total factura {euros(invoice.value_total)}" in shown
    assert invoice.value_total > 1000  # so the thousands separator is on the page
    # How and when it is paid, the IBAN masked and nowhere in full.
    payment = f"Forma de pago: {PAYMENT_LABELS[account.payment_method]} {masked(account.iban)}"
    assert f"{payment} Vencimiento: {day(invoice.due_date)}" in shown
    assert_no_iban(shown, account.iban)


def test_a_rectifying_invoice_names_the_invoice_it_rectifies(
    api: ApiCaller, session: Session, org: Org
) -> None:
    account = customer_account(session, org=org)
    add_penalty(session, account=account, value="75.00")
    session.commit()
    run(session, org)
    number = session.scalars(select(Invoice.number).where(Invoice.account_id == account.id)).one()
    original, original_lines = stored(session, number)
    before = api.get(f"/ops/invoices/{number}.pdf").content
    product = original_lines[0]
    bodies: list[dict[str, Any]] = [
        {
            "reason": "WRONG_CHARGE",
            "note": "Tarifa mal aplicada",
            "lines": [{"line_id": product.id, "amount": "5.00"}],
        },
        {"reason": "PENALTY_ANNULLED", "note": "Avería no imputable"},
    ]
    for body in bodies:
        response = api.post(f"/ops/invoices/{number}/rectify", json=body)
        assert response.status_code == 200, response.text
        rectifying, lines = stored(session, response.json()["number"])
        assert rectifying.rectified_invoice_id == original.id
        assert (rectifying.rectification_reason, rectifying.rectification_note) == (
            body["reason"],
            body["note"],
        )
        assert all(line.net_amount < 0 for line in lines)
        shown = pdf_lines(api.get(f"/ops/invoices/{rectifying.number}.pdf").content)

        assert "Factura rectificativa" in shown
        assert f"Número {rectifying.number}" in shown
        assert f"Serie {rectifying.series}" in shown
        assert rectifying.series != original.series
        assert f"Tipo {rectifying.invoice_type}" in shown
        # The invoice it rectifies, by number and issue date, and why.
        issued_on = day(local_date(original.issued_at, org.timezone))
        assert f"Rectifica {original.number} de {issued_on}" in shown
        reason = RectificationReason(rectifying.rectification_reason or "").label
        why = f"{reason} ({rectifying.invoice_type}): {rectifying.rectification_note}"
        assert f"Motivo: {why}" in shown
        # The same recipient; the credited lines and totals as negative amounts.
        assert " ".join(between(shown, "Cliente", "Cuenta ")) == recipient_block(original)
        rows = between(shown, "Concepto Periodo Base Tipo Cuota", "Impuesto Base imponible")
        assert rows == [line_row(line) for line in lines]
        assert f"Total factura {euros(rectifying.value_total)}" in shown
        assert "VERI*FACTU" in shown
    # The original is never edited: a partial credit leaves its document byte for byte.
    status = api.get(f"/ops/invoices/{number}/details").json()["status"]["value"]
    assert status == "PENDIENTE"  # the tariff is only partly credited
    assert api.get(f"/ops/invoices/{number}.pdf").content == before


def test_a_long_invoice_loses_no_line_over_its_pages(
    api: ApiCaller, session: Session, org: Org
) -> None:
    account = customer_account(session, org=org)
    for _ in range(59):
        make_line(session, account=account, product_id=MOBILE_ONLY_30GB)
    session.commit()
    run(session, org)
    number = session.scalars(select(Invoice.number).where(Invoice.account_id == account.id)).one()
    invoice, lines = stored(session, number)
    content = api.get(f"/ops/invoices/{number}.pdf").content
    assert len(pypdfium2.PdfDocument(content)) > 1
    shown = pdf_lines(content)
    for line in lines:
        assert line_row(line) in shown
    assert len(lines) == 60
    assert f"Total factura {euros(invoice.value_total)}" in shown
    assert shown.count(f"Total factura {euros(invoice.value_total)}") == 1
