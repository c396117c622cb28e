"""Working examples of issued invoices: issuer, an invoice as issued, rectify, cancel, records.

The demo bills last month for three customers (convergent, mobile, the line kept to
terminate): the payment example pays the last unpaid one, the rectifying example credits a
euro of the convergent customer's invoice, the cancellation cancels the mobile customer's.
"""

from mascustomers.billing import invoice_repository
from mascustomers.catalog.issuer_section import IssuerSection
from mascustomers.catalog.statuses import InvoiceStatus
from mascustomers.demo import repository
from mascustomers.demo.customers import Role
from mascustomers.demo.examples import Registry, WorkingExample
from mascustomers.demo.world import DemoWorld
from mascustomers.models import Invoice

example = Registry()
OPS = "/ops"


def _invoice_of(world: DemoWorld, role: Role) -> Invoice | None:
    party = world.party(role)
    if party is None or party.account is None:
        return None
    found = [
        invoice
        for invoice in repository.invoices_of(world.session, account_id=party.account.id)
        if invoice.rectified_invoice_id is None
    ]
    return found[0] if found else None


@example("GET", f"{OPS}/billing/issuer")
def _issuer(world: DemoWorld) -> WorkingExample:
    return WorkingExample("Who issues the demo org's invoices")


@example("PUT", f"{OPS}/billing/issuer")
def _put_issuer(world: DemoWorld) -> WorkingExample | None:
    row = invoice_repository.issuer(world.session, org_id=world.org.id)
    if row is None:
        return None
    values = {name: getattr(row, name) for name in IssuerSection.model_fields}
    return WorkingExample(
        "The issuer settings, due dates moved to 15 days after issue",
        body={**values, "payment_days": 15},
    )


@example("GET", f"{OPS}/invoices/{{number}}/details")
def _details(world: DemoWorld) -> WorkingExample | None:
    invoice = _invoice_of(world, Role.CONVERGENT)
    if invoice is None:
        return None
    return WorkingExample(
        "The convergent customer's invoice as issued", path={"number": invoice.number}
    )


@example("POST", f"{OPS}/invoices/{{number}}/rectify")
def _rectify(world: DemoWorld) -> WorkingExample | None:
    invoice = _invoice_of(world, Role.CONVERGENT)
    if invoice is None or invoice.status_id == InvoiceStatus.ANULADO:
        return None
    lines = invoice_repository.lines(world.session, invoice_id=invoice.id)
    line = next((item for item in lines if item.net_amount >= 1), None)
    if line is None:
        return None
    return WorkingExample(
        f"Credit 1 EUR of a line of {invoice.number} charged by mistake (R1)",
        path={"number": invoice.number},
        body={
            "reason": "WRONG_CHARGE",
            "note": "Cargo revisado con el cliente",
            "lines": [{"line_id": line.id, "amount": "1.00"}],
        },
    )


@example("POST", f"{OPS}/invoices/{{number}}/cancel")
def _cancel(world: DemoWorld) -> WorkingExample | None:
    invoice = _invoice_of(world, Role.MOBILE)
    if invoice is None or invoice.status_id != InvoiceStatus.PENDIENTE:
        return None
    if invoice_repository.rectifications(world.session, invoice_id=invoice.id):
        return None
    return WorkingExample(
        f"Cancel {invoice.number}, issued by mistake (a cancellation record)",
        path={"number": invoice.number},
        body={"note": "Emitida por error"},
    )


@example("GET", f"{OPS}/billing/records.xml")
def _records(world: DemoWorld) -> WorkingExample:
    return WorkingExample(
        "The first ten VERI*FACTU records as the AEAT's XML", query={"after_seq": 0, "limit": 10}
    )


@example("GET", f"{OPS}/billing/records/verify")
def _verify(world: DemoWorld) -> WorkingExample:
    return WorkingExample("Recompute the demo org's record chain")
