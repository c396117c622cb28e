"""Helpers of the issued-invoice tests: a customer with an address, a run, tampering."""

from datetime import datetime
from decimal import Decimal
from xml.etree import ElementTree as ET

from sqlalchemy import text
from sqlalchemy.orm import Session

from mascustomers.billing import jobs as billing_jobs
from mascustomers.billing.cycles import Cycle
from mascustomers.billing.service import OrgRef
from mascustomers.kit.identity_documents import make_nif
from mascustomers.models import Account, Customer, Org, User
from tests.billing.world import madrid, make_account, make_line
from tests.catalogue_fixture import MOBILE_ONLY_20GB

NOVEMBER = Cycle(2026, 11)
CLOSED = madrid(2026, 12, 1)
SUM1 = (
    "{https://www2.agenciatributaria.gob.es/static_files/common/internet/dep/aplicaciones/es/"
    "aeat/tike/cont/ws/SuministroInformacion.xsd}"
)


_documents = iter(range(20_000_000, 30_000_000))


def customer_account(
    session: Session, *, org: Org, document: str | None = None, **account: object
) -> Account:
    """An account whose owner has a name, a NIF and an address (Madrid), one 12.00 line."""
    made = make_account(session, org=org, **account)  # type: ignore[arg-type]
    customer = session.get(Customer, made.customer_id)
    user = session.get(User, made.owner_user_id)
    assert customer is not None
    assert user is not None
    customer.document_value = document or make_nif(next(_documents))
    user.first_name, user.last_name = "Ana", "Pérez Gómez"
    user.street_name, user.street_number, user.supplement = "Calle Mayor", "5", "2º B"
    user.postal_code, user.locality, user.state_id = "28013", "Madrid", 28
    made.iban = "ES9121000418450200051332"
    make_line(session, account=made, product_id=MOBILE_ONLY_20GB)
    session.flush()
    return made


def run(session: Session, org: Org, cycle: Cycle = NOVEMBER, now: datetime = CLOSED) -> None:
    billing_jobs.run_cycle(session, org=OrgRef.of(org), cycle=cycle, now=now)


def tamper(session: Session, sql: str, **params: object) -> None:
    """Change stored records behind the database's back (as someone with its keys could)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text("ALTER TABLE billing_record DISABLE TRIGGER billing_record_append_only")
        )
        session.execute(text(sql), params)
        session.execute(
            text("ALTER TABLE billing_record ENABLE TRIGGER billing_record_append_only")
        )
    else:
        session.execute(text("DROP TRIGGER billing_record_no_update"))
        session.execute(text(sql), params)
    session.flush()


def alta_text(record: ET.Element) -> str:
    """The canonical text of a RegistroAlta, read from its XML by the AEAT's definition."""

    def value(path: str) -> str:
        found = record.find(path.replace("/", f"/{SUM1}").join([SUM1, ""]))
        assert found is not None, path
        return (found.text or "").strip()

    chaining = record.find(f"{SUM1}Encadenamiento/{SUM1}RegistroAnterior/{SUM1}Huella")
    previous = "" if chaining is None else (chaining.text or "")
    return (
        f"IDEmisorFactura={value('IDFactura/IDEmisorFactura')}"
        f"&NumSerieFactura={value('IDFactura/NumSerieFactura')}"
        f"&FechaExpedicionFactura={value('IDFactura/FechaExpedicionFactura')}"
        f"&TipoFactura={value('TipoFactura')}"
        f"&CuotaTotal={value('CuotaTotal')}"
        f"&ImporteTotal={value('ImporteTotal')}"
        f"&Huella={previous}"
        f"&FechaHoraHusoGenRegistro={value('FechaHoraHusoGenRegistro')}"
    )


D = Decimal
