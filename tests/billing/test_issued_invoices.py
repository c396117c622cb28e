"""Invoices as issued, through the ops API: frozen parties, rectifying invoices that net,
cancellations, the VERI*FACTU records (append-only, XML, chain check) and the QR code.

Figures by hand: the test line is MOBILE_ONLY_20GB, 12.00 a month, a full November at IVA
21 % → 12.00 + 2.52 = 14.52; a confirmed penalty of 75.00 → 75.00 + 15.75 = 90.75.
"""

import hashlib
from decimal import Decimal
from xml.etree import ElementTree as ET

import numpy as np
import pypdfium2
import pytest
import zxingcpp
from sqlalchemy import delete, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from mascustomers.auth import repository as auth_repository
from mascustomers.billing.cycles import Cycle
from mascustomers.catalog.statuses import InvoiceStatus
from mascustomers.models import BillingRecord, Customer, Invoice, InvoiceIssuer, Org, User
from tests.billing.issued import (
    SUM1,
    alta_text,
    customer_account,
    run,
    tamper,
)
from tests.billing.world import add_penalty, madrid
from tests.catalogue_fixture import ISSUER_NAME, ISSUER_TAX_ID
from tests.factories import ApiCaller

pytestmark = pytest.mark.usefixtures("catalogue")
D = Decimal
DECEMBER = Cycle(2026, 12)


@pytest.fixture
def org(session: Session, org_slug: str) -> Org:
    found = auth_repository.get_org_by_slug(session, org_slug)
    assert found is not None
    return found


def details(api: ApiCaller, number: str) -> dict:  # type: ignore[type-arg]
    response = api.get(f"/ops/invoices/{number}/details")
    assert response.status_code == 200, response.text
    return dict(response.json())


def number_of(session: Session, account_id: int, cycle: str = "2026-11") -> str:
    return session.scalars(
        select(Invoice.number).where(Invoice.account_id == account_id, Invoice.cycle == cycle)
    ).one()


def pdf_text(content: bytes) -> str:
    page = pypdfium2.PdfDocument(content)[0]
    return str(page.get_textpage().get_text_range())


def test_the_recipient_is_frozen_at_issue(api: ApiCaller, session: Session, org: Org) -> None:
    account = customer_account(session, org=org, document="12345678Z")
    run(session, org)
    number = number_of(session, account.id)
    # After issue: the customer moves, changes name and document; the issuer moves too.
    user = session.get(User, account.owner_user_id)
    customer = session.get(Customer, account.customer_id)
    assert user is not None
    assert customer is not None
    user.last_name, user.street_name, user.postal_code = "Ruiz", "Gran Vía", "28004"
    customer.document_value = "87654321X"
    issuer = api.get("/ops/billing/issuer").json()
    moved = {**issuer, "street": "Calle Nueva 1", "legal_name": "Otra Razón, S.A."}
    del moved["updated_at"]
    assert api.put("/ops/billing/issuer", json=moved).status_code == 200
    session.commit()

    issued = details(api, number)
    assert issued["recipient"] == {
        "name": "Ana Pérez Gómez",
        "tax_id": None,
        "document_type": "NIF",
        "document": "12345678Z",
        "address": "Calle Mayor 5, 2º B, 28013 Madrid",
    }
    assert issued["issuer"] == {
        "name": ISSUER_NAME,
        "tax_id": ISSUER_TAX_ID,
        "document_type": None,
        "document": None,
        "address": "Paseo de la Castellana 100, 28046 Madrid (Madrid)",
    }
    assert (issued["invoice_type"], issued["series"], issued["tax_name"]) == ("F1", "MM", "IVA")
    assert (issued["issue_date"], issued["due_date"]) == ("2026-12-01", "2026-12-11")
    assert issued["payment_reference"] == "ES91 **** **** **** **** 1332"
    shown = pdf_text(api.get(f"/ops/invoices/{number}.pdf").content)
    for frozen in ("Ana Pérez Gómez", "NIF 12345678Z", "Calle Mayor 5", ISSUER_NAME, "MM"):
        assert frozen in shown
    for later in ("Ruiz", "Gran Vía", "87654321X", "Otra Razón", "Calle Nueva"):
        assert later not in shown

    # The next invoice is issued with what is true then.
    run(session, org, cycle=DECEMBER, now=madrid(2027, 1, 1))
    later = details(api, number_of(session, account.id, "2026-12"))
    assert later["recipient"]["name"] == "Ana Ruiz"
    assert later["recipient"]["document"] == "87654321X"
    assert later["issuer"]["name"] == "Otra Razón, S.A."


def test_rectifying_invoices_reference_the_original_and_net(
    api: ApiCaller, session: Session, org: Org
) -> None:
    account = customer_account(session, org=org)
    add_penalty(session, account=account, value="75.00")
    run(session, org)
    number = number_of(session, account.id)
    original = details(api, number)
    assert (original["value"], original["value_total"]) == (87.0, 105.27)
    product, penalty = original["lines"]
    assert (product["kind"], penalty["kind"]) == ("PRODUCT", "PENALTY")

    # 5.00 of the tariff charged by mistake: −5.00 and −1.05 of IVA.
    first = api.post(
        f"/ops/invoices/{number}/rectify",
        json={
            "reason": "WRONG_CHARGE",
            "note": "Tarifa mal aplicada",
            "lines": [{"line_id": product["id"], "amount": "5.00"}],
        },
    )
    assert first.status_code == 200, first.text
    body = first.json()
    assert (body["number"], body["series"], body["invoice_type"]) == ("MMR00000001", "MMR", "R1")
    assert (body["rectifies"], body["rectification_reason"]) == (number, "WRONG_CHARGE")
    assert (body["value"], body["value_total"]) == (-5.0, -6.05)
    assert [
        (line["credited_line_id"], line["net_amount"], line["tax_amount"]) for line in body["lines"]
    ] == [(product["id"], -5.0, -1.05)]
    assert body["recipient"] == original["recipient"]

    # The penalty is annulled: its line, all of it.
    second = api.post(
        f"/ops/invoices/{number}/rectify",
        json={"reason": "PENALTY_ANNULLED", "note": "Baja por avería no imputable"},
    )
    assert second.status_code == 200, second.text
    assert (second.json()["number"], second.json()["value_total"]) == ("MMR00000002", -90.75)

    # 7.00 of the tariff is left: 7.01 is refused, nothing written.
    too_much = api.post(
        f"/ops/invoices/{number}/rectify",
        json={
            "reason": "WRONG_CHARGE",
            "note": "x",
            "lines": [{"line_id": product["id"], "amount": "7.01"}],
        },
    )
    assert (too_much.status_code, too_much.json()["code"]) == (400, "0106")
    rest = api.post(
        f"/ops/invoices/{number}/rectify",
        json={"reason": "WRONG_CHARGE", "note": "El resto", "lines": [{"line_id": product["id"]}]},
    )
    assert rest.status_code == 200, rest.text
    # What was left, tax included: 7.00 and 2.52 − 1.05 = 1.47.
    assert (rest.json()["number"], rest.json()["value_total"]) == ("MMR00000003", -8.47)

    after = details(api, number)
    assert round(105.27 - 6.05 - 90.75 - 8.47, 2) == 0.0
    assert after["lines"] == original["lines"]  # never edited
    assert (after["value_total"], after["rectified_by"]) == (
        105.27,
        ["MMR00000001", "MMR00000002", "MMR00000003"],
    )
    assert after["status"] == {"id": InvoiceStatus.ANULADO, "value": "ANULADO"}
    again = api.post(
        f"/ops/invoices/{number}/rectify", json={"reason": "WRONG_CHARGE", "note": "x"}
    )
    assert (again.status_code, again.json()["code"]) == (400, "0105")
    credit_note = api.post("/ops/invoices/MMR00000001/cancel", json={"note": "x"})
    assert (credit_note.status_code, credit_note.json()["code"]) == (400, "0107")
    listed = api.get(f"/accounts/{account.id}/invoices").json()["invoices"]
    assert sum(D(str(item["value_total"])) for item in listed) == D("0.00")

    # Each rectifying invoice has its record, naming the invoice it rectifies.
    xml = ET.fromstring(api.get("/ops/billing/records.xml").content)
    altas = xml.findall(f".//{SUM1}RegistroAlta")
    assert [alta.findtext(f"{SUM1}TipoFactura") for alta in altas] == ["F1", "R1", "R1", "R1"]
    for alta in altas[1:]:
        assert alta.findtext(f"{SUM1}TipoRectificativa") == "I"
        rectified = alta.find(f"{SUM1}FacturasRectificadas/{SUM1}IDFacturaRectificada")
        assert rectified is not None
        assert rectified.findtext(f"{SUM1}NumSerieFactura") == number
        assert rectified.findtext(f"{SUM1}FechaExpedicionFactura") == "01-12-2026"
    assert [alta.findtext(f"{SUM1}ImporteTotal") for alta in altas] == [
        "105.27",
        "-6.05",
        "-90.75",
        "-8.47",
    ]


def test_a_returned_payment_is_credited_whole_with_r4(
    api: ApiCaller, session: Session, org: Org
) -> None:
    account = customer_account(session, org=org)
    run(session, org)
    number = number_of(session, account.id)
    body = {"reason": "RETURNED_PAYMENT", "note": "Recibo devuelto, no se reclama"}
    pending = api.post(f"/ops/invoices/{number}/rectify", json=body)
    assert (pending.status_code, pending.json()["code"]) == (400, "0105")
    session.execute(
        update(Invoice).where(Invoice.number == number).values(status_id=InvoiceStatus.DEVUELTO)
    )
    session.commit()
    credited = api.post(f"/ops/invoices/{number}/rectify", json=body)
    assert credited.status_code == 200, credited.text
    assert (credited.json()["invoice_type"], credited.json()["value_total"]) == ("R4", -14.52)
    assert details(api, number)["status"]["value"] == "ANULADO"


def test_simplified_invoices_and_their_r5(api: ApiCaller, session: Session, org: Org) -> None:
    settings = api.get("/ops/billing/issuer").json()
    del settings["updated_at"]
    assert (
        api.put("/ops/billing/issuer", json={**settings, "simplified_invoices": True}).status_code
        == 200
    )
    person = customer_account(session, org=org)
    company = customer_account(session, org=org, document="A58818501")
    company_customer = session.get(Customer, company.customer_id)
    assert company_customer is not None
    company_customer.type_id, company_customer.document_type_id = 2, 3
    owner = session.get(User, company.owner_user_id)
    assert owner is not None
    owner.company = "Talleres Pérez, S.L."
    session.commit()
    run(session, org)
    simplified = details(api, number_of(session, person.id))
    complete = details(api, number_of(session, company.id))
    assert simplified["invoice_type"] == "F2"
    assert (complete["invoice_type"], complete["recipient"]["name"]) == (
        "F1",
        "Talleres Pérez, S.L.",
    )
    xml = ET.fromstring(api.get("/ops/billing/records.xml").content)
    by_number = {
        alta.findtext(f"{SUM1}IDFactura/{SUM1}NumSerieFactura"): alta
        for alta in xml.findall(f".//{SUM1}RegistroAlta")
    }
    assert by_number[simplified["number"]].find(f"{SUM1}Destinatarios") is None
    recipient = by_number[complete["number"]].find(f"{SUM1}Destinatarios/{SUM1}IDDestinatario")
    assert recipient is not None
    assert recipient.findtext(f"{SUM1}NIF") == "A58818501"
    rectified = api.post(
        f"/ops/invoices/{simplified['number']}/rectify",
        json={
            "reason": "WRONG_CHARGE",
            "note": "x",
            "lines": [{"line_id": simplified["lines"][0]["id"]}],
        },
    )
    assert rectified.json()["invoice_type"] == "R5"


def test_a_cancelled_invoice_gets_a_cancellation_record(
    api: ApiCaller, session: Session, org: Org
) -> None:
    cancelled, paid = customer_account(session, org=org), customer_account(session, org=org)
    add_penalty(session, account=cancelled, value="75.00")
    run(session, org)
    number, paid_number = number_of(session, cancelled.id), number_of(session, paid.id)
    paid_id = session.scalars(select(Invoice.id).where(Invoice.number == paid_number)).one()
    assert api.post(f"/ops/invoices/{paid_id}/payment").status_code == 200
    refused = api.post(f"/ops/invoices/{paid_number}/cancel", json={"note": "x"})
    assert (refused.status_code, refused.json()["code"]) == (400, "0107")

    done = api.post(f"/ops/invoices/{number}/cancel", json={"note": "Emitida por error"})
    assert done.status_code == 200, done.text
    assert done.json()["status"]["value"] == "ANULADO"
    assert [record["kind"] for record in done.json()["records"]] == ["ALTA", "ANULACION"]
    alta, anulacion = done.json()["records"]
    assert anulacion["previous_hash"] not in (None, alta["previous_hash"])
    xml = ET.fromstring(api.get("/ops/billing/records.xml").content)
    cancellation = xml.find(f".//{SUM1}RegistroAnulacion")
    assert cancellation is not None
    assert cancellation.findtext(f"{SUM1}IDFactura/{SUM1}NumSerieFacturaAnulada") == number
    assert cancellation.findtext(f"{SUM1}Huella") == anulacion["hash"]
    twice = api.post(f"/ops/invoices/{number}/cancel", json={"note": "x"})
    assert (twice.status_code, twice.json()["code"]) == (400, "0107")
    assert api.get("/ops/billing/records/verify").json()[0]["intact"] is True


def test_the_database_refuses_to_change_or_delete_records(session: Session, org: Org) -> None:
    customer_account(session, org=org)
    run(session, org)
    assert session.scalars(select(BillingRecord)).all()
    for statement in (
        update(BillingRecord).values(total=D("0.00")),
        delete(BillingRecord),
    ):
        with pytest.raises(DBAPIError, match="append-only"), session.begin_nested():
            session.execute(statement)
    assert len(session.scalars(select(BillingRecord)).all()) == 1


def test_the_xml_carries_exactly_what_was_fingerprinted(
    api: ApiCaller, session: Session, org: Org
) -> None:
    for _ in range(3):
        customer_account(session, org=org)
    run(session, org)
    response = api.get("/ops/billing/records.xml", params={"after_seq": 0, "limit": 10})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/xml")
    root = ET.fromstring(response.content)
    header = root.find(f"{{{SUM1[1:-1].replace('SuministroInformacion', 'SuministroLR')}}}Cabecera")
    assert header is not None
    assert header.findtext(f"{SUM1}ObligadoEmision/{SUM1}NIF") == ISSUER_TAX_ID
    altas = root.findall(f".//{SUM1}RegistroAlta")
    assert len(altas) == 3
    assert altas[0].findtext(f"{SUM1}Encadenamiento/{SUM1}PrimerRegistro") == "S"
    for index, alta in enumerate(altas):
        # The hash recomputed here from the XML's own values, by the AEAT's definition.
        recomputed = hashlib.sha256(alta_text(alta).encode()).hexdigest().upper()
        assert alta.findtext(f"{SUM1}Huella") == recomputed
        if index:
            before = alta.findtext(f"{SUM1}Encadenamiento/{SUM1}RegistroAnterior/{SUM1}Huella")
            assert before == altas[index - 1].findtext(f"{SUM1}Huella")
        assert alta.findtext(f"{SUM1}TipoHuella") == "01"
        detail = alta.find(f"{SUM1}Desglose/{SUM1}DetalleDesglose")
        assert detail is not None
        assert [detail.findtext(f"{SUM1}{name}") for name in (
            "Impuesto", "ClaveRegimen", "CalificacionOperacion", "TipoImpositivo",
            "BaseImponibleOimporteNoSujeto", "CuotaRepercutida",
        )] == ["01", "01", "S1", "21.00", "12.00", "2.52"]  # fmt: skip
        assert alta.findtext(f"{SUM1}FechaOperacion") == "30-11-2026"
    later = ET.fromstring(api.get("/ops/billing/records.xml", params={"after_seq": 2}).content)
    [third] = later.findall(f".//{SUM1}RegistroAlta")
    assert third.findtext(f"{SUM1}Encadenamiento/{SUM1}RegistroAnterior/{SUM1}Huella") == (
        altas[1].findtext(f"{SUM1}Huella")
    )


def test_tampering_with_one_record_is_found_there(
    api: ApiCaller, session: Session, org: Org
) -> None:
    for _ in range(4):
        customer_account(session, org=org)
    run(session, org)
    assert [c["intact"] for c in api.get("/ops/billing/records/verify").json()] == [True]
    tamper(
        session,
        "UPDATE billing_record SET total = total - 10 WHERE chain_seq = 3 AND org_id = :org",
        org=org.id,
    )
    session.commit()
    [report] = api.get("/ops/billing/records/verify").json()
    assert (report["intact"], report["broken_at"], report["records"]) == (False, 3, 2)
    assert "recomputed" in report["problem"]


def test_the_qr_code_decodes_to_the_verification_url(
    api: ApiCaller, session: Session, org: Org
) -> None:
    account = customer_account(session, org=org)
    run(session, org)
    number = number_of(session, account.id)
    assert number == "MM00000001"
    # The documented URL, written out: the AEAT test environment (a sandbox org), the
    # issuer's NIF, series and number, issue date dd-mm-yyyy, total with tax.
    expected = (
        "https://prewww2.aeat.es/wlpl/TIKE-CONT/ValidarQR"
        f"?nif={ISSUER_TAX_ID}&numserie=MM00000001&fecha=01-12-2026&importe=14.52"
    )
    content = api.get(f"/ops/invoices/{number}.pdf").content
    page = pypdfium2.PdfDocument(content)[0]
    pixels = page.render(scale=3, grayscale=True).to_numpy()
    found = zxingcpp.read_barcodes(np.ascontiguousarray(pixels.squeeze()))
    assert [(code.text, code.ec_level) for code in found] == [(expected, "M")]
    assert details(api, number)["qr_url"] == expected
    shown = pdf_text(content)
    assert "QR tributario:" in shown
    assert "VERI*FACTU" in shown


def test_issuer_settings_through_the_api(api: ApiCaller, session: Session, org: Org) -> None:
    current = api.get("/ops/billing/issuer").json()
    assert (current["tax_id"], current["series"]) == (ISSUER_TAX_ID, "MM")
    del current["updated_at"]
    bad = api.put("/ops/billing/issuer", json={**current, "tax_id": "A39200018"})
    assert (bad.status_code, bad.json()["code"]) == (400, "0001")
    assert "tax_id" in bad.json()["detailMsg"]
    same = api.put("/ops/billing/issuer", json={**current, "series": "MMR"})
    assert same.status_code == 400
    changed = api.put("/ops/billing/issuer", json={**current, "tax_id": "b-1234567-4"})
    assert (changed.status_code, changed.json()["tax_id"]) == (200, "B12345674")

    session.execute(delete(InvoiceIssuer).where(InvoiceIssuer.org_id == org.id))
    customer_account(session, org=org)
    session.commit()
    missing = api.get("/ops/billing/issuer")
    assert (missing.status_code, missing.json()["code"]) == (400, "0104")
    refused = api.post("/ops/billing/run", json={"cycle": "2026-11"})
    assert (refused.status_code, refused.json()["code"]) == (400, "0104")
