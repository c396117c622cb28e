"""``mascustomers billing issuer|rectify|cancel|verify-chain`` against a real database, each
checked against its API twin (``GET/PUT ops/billing/issuer``, ``POST ops/invoices/{number}/
rectify|cancel``, ``GET ops/billing/records/verify``) on the same database.

The database holds four accounts billed for November 2026 (each a 12.00 tariff and a 75.00
penalty, IVA 21 %: 105.27 with tax) and the org's test clock stands at 5 December 2026 10:00
(Madrid), so the API and the CLI issue at the same instant. Twin accounts are rectified or
cancelled one through the API and one through the CLI, and what each left behind is compared.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from mascustomers.api.app import create_app
from mascustomers.cli.main import app as cli
from mascustomers.db import migrate
from mascustomers.db.engine import make_engine
from mascustomers.models import BillingRecord, Invoice, InvoiceIssuer, PenaltyLine
from mascustomers.scheduler import clocks
from mascustomers.settings import Settings
from tests.billing.issued import SUM1, customer_account, run, tamper
from tests.billing.world import add_penalty, madrid
from tests.catalogue_fixture import load_test_catalogue
from tests.databases import fresh_database_url
from tests.factories import ApiCaller, make_key, make_org

runner = CliRunner()
ORG = "telco"
NOW = madrid(2026, 12, 5, 10)
Details = dict[str, Any]
LINE_FIELDS = (
    "kind",
    "description",
    "start_date",
    "end_date",
    "net_amount",
    "tax_rate",
    "tax_amount",
)


@dataclass
class Billed:
    engine: Engine
    api: ApiCaller
    numbers: list[str]  # the November invoice of each account

    def details(self, number: str) -> Details:
        response = self.api.get(f"/ops/invoices/{number}/details")
        assert response.status_code == 200, response.text
        return dict(response.json())

    def issuer(self) -> Details:
        response = self.api.get("/ops/billing/issuer")
        assert response.status_code == 200, response.text
        return dict(response.json())

    def count(self, model: type[Invoice] | type[BillingRecord]) -> int:
        with Session(self.engine) as session:
            return session.scalar(select(func.count()).select_from(model)) or 0


def billing(*arguments: str) -> Any:
    return runner.invoke(cli, ["billing", *arguments, "--org", ORG])


@pytest.fixture
def billed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, worker_id: str) -> Iterator[Billed]:
    url = fresh_database_url(f"cli_billing_{worker_id}", tmp_path)
    monkeypatch.setenv("MASCUSTOMERS_DATABASE_URL", url)
    migrate.upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        org = make_org(session, slug=ORG)
        load_test_catalogue(session, org)
        accounts = [customer_account(session, org=org) for _ in range(4)]
        for account in accounts:
            add_penalty(session, account=account, value="75.00")
        session.commit()
        run(session, org)
        clocks.move_to(session, org_id=org.id, org_slug=org.slug, instant=NOW)
        session.commit()
        numbers = [
            session.scalars(select(Invoice.number).where(Invoice.account_id == account.id)).one()
            for account in accounts
        ]
        key = make_key(session, org_slug=ORG)
    app = create_app(Settings(database_url=url, log_level="WARNING", api_key_cache_seconds=0))
    with TestClient(app, raise_server_exceptions=False) as client:
        yield Billed(engine, ApiCaller(client, key, ORG), numbers)
    app.state.engine.dispose()
    engine.dispose()


def shown(output: str) -> dict[str, str]:
    """``name: value`` lines of ``billing issuer``."""
    return dict(line.split(": ", 1) for line in output.splitlines())


def as_printed(view: Details) -> dict[str, str]:
    return {name: str(value) for name, value in view.items()}


def test_issuer_shows_and_changes_the_settings_as_the_api_does(billed: Billed) -> None:
    before = billed.issuer()
    listed = billing("issuer")
    assert listed.exit_code == 0, listed.output
    assert shown(listed.output) == as_printed(before)

    change = {
        "legal_name": "Telco Canarias, S.L.",
        "tax_id": "b-1234567-4",
        "payment_days": 30,
        "simplified_invoices": True,
    }
    # The API twin: the whole settings with the change, then back as they were.
    settings = {key: item for key, item in before.items() if key != "updated_at"}
    through_api = billed.api.put("/ops/billing/issuer", json={**settings, **change})
    assert through_api.status_code == 200, through_api.text
    restored = billed.api.put("/ops/billing/issuer", json=settings)
    assert restored.status_code == 200, restored.text

    # The CLI: only the options given change, the others stay.
    changed = billing(
        "issuer",
        "--legal-name",
        "Telco Canarias, S.L.",
        "--tax-id",
        "b-1234567-4",
        "--payment-days",
        "30",
        "--simplified",
    )
    assert changed.exit_code == 0, changed.output
    after = billed.issuer()
    assert shown(changed.output) == as_printed(after)
    assert {name: value for name, value in after.items() if name != "updated_at"} == {
        name: value for name, value in through_api.json().items() if name != "updated_at"
    }
    assert (after["tax_id"], after["street"], after["series"]) == (
        "B12345674",  # normalised as the API normalises it
        before["street"],
        before["series"],
    )


@pytest.mark.parametrize(
    ("option", "value", "field"),
    [
        ("--tax-id", "A39200018", "tax_id"),  # a CIF with the wrong check character
        ("--tax-id", "12345678A", "tax_id"),  # a DNI with the wrong check letter
        ("--series", "MMR", "rectifying_series must differ from series"),
        ("--postal-code", "2804", "postal_code"),
    ],
)
def test_issuer_refuses_bad_settings_and_changes_nothing(
    billed: Billed, option: str, value: str, field: str
) -> None:
    before = billed.issuer()
    settings = {key: item for key, item in before.items() if key != "updated_at"}
    name = option.removeprefix("--").replace("-", "_")
    twin = billed.api.put("/ops/billing/issuer", json={**settings, name: value})
    assert (twin.status_code, twin.json()["code"]) == (400, "0001")

    refused = billing("issuer", option, value)
    assert refused.exit_code == 1
    assert isinstance(refused.exception, SystemExit)  # a message, not a traceback
    [message] = refused.output.splitlines()
    assert message.startswith("error: ")
    assert field in message
    if name == "tax_id":
        assert f"NIF {value} is not a valid NIF, NIE or CIF" in message
        assert message.removeprefix("error: ") == twin.json()["detailMsg"]
    assert billed.issuer() == before  # updated_at too: nothing was written


def test_issuer_of_an_org_without_one(billed: Billed) -> None:
    with Session(billed.engine) as session:
        session.execute(delete(InvoiceIssuer))
        session.commit()
    assert billed.api.get("/ops/billing/issuer").json()["code"] == "0104"
    missing = billing("issuer")
    assert missing.exit_code == 1
    assert missing.output.startswith("error: the org has no invoice issuer")

    # Setting part of it is refused, naming what is missing; all of it is taken.
    partial = billing("issuer", "--legal-name", "Telco Pruebas, S.A.")
    assert partial.exit_code == 1
    assert {line.split(":")[1].strip() for line in partial.output.splitlines()} == {
        "tax_id",
        "street",
        "postal_code",
        "locality",
        "province",
    }
    whole = billing(
        "issuer",
        "--legal-name",
        "Telco Pruebas, S.A.",
        "--tax-id",
        "A39200019",
        "--street",
        "Calle de Alcalá 1",
        "--postal-code",
        "28014",
        "--locality",
        "Madrid",
        "--province",
        "Madrid",
    )
    assert whole.exit_code == 0, whole.output
    made = billed.issuer()
    assert (made["street"], made["series"], made["rectifying_series"]) == (
        "Calle de Alcalá 1",
        "MM",
        "MMR",
    )


def credited(line: Details, lines: list[Details]) -> tuple[Any, ...]:
    """A credit line as the position of the line it credits and its values, the line's
    description (the line's number differs between twins) as ``Abono: <the line's>``."""
    [(position, original)] = [
        (index, item) for index, item in enumerate(lines) if item["id"] == line["credited_line_id"]
    ]
    values = {**line, "description": line["description"].replace(original["description"], "…")}
    return (position, *(values[name] for name in LINE_FIELDS))


def comparable(billed: Billed, rectifying: Details) -> Details:
    """A rectifying invoice without what differs between twins (numbers, ids, hashes, the
    recipient's document): each line by its position in the invoice it credits."""
    original = billed.details(rectifying["rectifies"])
    same = {
        name: rectifying[name]
        for name in (
            "series",
            "invoice_type",
            "status",
            "issue_date",
            "due_date",
            "cycle_start",
            "cycle_end",
            "value",
            "value_total",
            "tax_name",
            "issuer",
            "payment_method",
            "payment_reference",
            "rectification_reason",
            "rectification_note",
            "rectified_by",
        )
    }
    assert rectifying["recipient"] == original["recipient"]
    assert rectifying["number"] in original["rectified_by"]
    return {
        **same,
        "recipient": {**rectifying["recipient"], "document": None},
        "lines": [credited(line, original["lines"]) for line in rectifying["lines"]],
        "records": [(record["kind"], record["generated_at"]) for record in rectifying["records"]],
        "original_status": original["status"],
    }


def rectifying_records(billed: Billed) -> dict[str, ET.Element]:
    xml = ET.fromstring(billed.api.get("/ops/billing/records.xml").content)
    return {
        alta.findtext(f"{SUM1}IDFactura/{SUM1}NumSerieFactura") or "": alta
        for alta in xml.findall(f".//{SUM1}RegistroAlta")
        if alta.find(f"{SUM1}FacturasRectificadas") is not None
    }


def record_facts(alta: ET.Element) -> tuple[str | None, ...]:
    return tuple(
        alta.findtext(f"{SUM1}{path}")
        for path in (
            "TipoFactura",
            "TipoRectificativa",
            f"FacturasRectificadas/{SUM1}IDFacturaRectificada/{SUM1}FechaExpedicionFactura",
            "FechaOperacion",
            "CuotaTotal",
            "ImporteTotal",
            "FechaHoraHusoGenRegistro",
        )
    )


def test_rectify_issues_what_the_api_issues(billed: Billed) -> None:
    by_api, by_cli = billed.numbers[:2]
    product = {n: billed.details(n)["lines"][0] for n in (by_api, by_cli)}
    assert product[by_api]["kind"] == product[by_cli]["kind"] == "PRODUCT"
    steps: list[tuple[Details, list[str]]] = [
        (
            {"reason": "WRONG_CHARGE", "note": "Tarifa mal aplicada", "amount": "5.00"},
            ["--reason", "WRONG_CHARGE", "--note", "Tarifa mal aplicada"],
        ),
        (
            {"reason": "PENALTY_ANNULLED", "note": "Avería no imputable"},
            ["--reason", "PENALTY_ANNULLED", "--note", "Avería no imputable"],
        ),
        (
            {"reason": "WRONG_CHARGE", "note": "El resto", "amount": None},
            ["--reason", "WRONG_CHARGE", "--note", "El resto"],
        ),
    ]
    for body, options in steps:
        api_body: Details = {"reason": body["reason"], "note": body["note"]}
        cli_options = list(options)
        if "amount" in body:
            credit: Details = {"line_id": product[by_api]["id"]}
            line_option = str(product[by_cli]["id"])
            if body["amount"] is not None:
                credit["amount"] = body["amount"]
                line_option += f":{body['amount']}"
            api_body["lines"] = [credit]
            cli_options += ["--line", line_option]
        through_api = billed.api.post(f"/ops/invoices/{by_api}/rectify", json=api_body)
        assert through_api.status_code == 200, through_api.text
        through_cli = billing("rectify", "--number", by_cli, *cli_options)
        assert through_cli.exit_code == 0, through_cli.output

        issued = billed.details(billed.details(by_cli)["rectified_by"][-1])
        total = Decimal(str(issued["value_total"])).quantize(Decimal("0.01"))
        assert through_cli.output == (
            f"issued {issued['invoice_type']} {issued['number']}: total {total} "
            f"rectifying {by_cli}\n"
        )
        assert comparable(billed, issued) == comparable(billed, through_api.json())

    # All of both invoices credited: each nets to zero with its rectifications, ANULADO.
    for number in (by_api, by_cli):
        original = billed.details(number)
        credited = [billed.details(n)["value_total"] for n in original["rectified_by"]]
        assert round(original["value_total"] + sum(credited), 2) == 0.0
        assert original["status"]["value"] == "ANULADO"
    # Each rectifying invoice has its VERI*FACTU record, naming the invoice it rectifies.
    records = rectifying_records(billed)
    for api_number, cli_number in zip(
        billed.details(by_api)["rectified_by"], billed.details(by_cli)["rectified_by"], strict=True
    ):
        assert record_facts(records[api_number]) == record_facts(records[cli_number])
        rectified = f"{SUM1}FacturasRectificadas/{SUM1}IDFacturaRectificada/{SUM1}NumSerieFactura"
        assert records[cli_number].findtext(rectified) == by_cli
        assert records[api_number].findtext(rectified) == by_api


@pytest.mark.parametrize(
    ("credit", "problem"),
    [
        ("7.01", "is more than the 7.00 left to credit"),  # the API's 0106
        ("6.996", "no more than 2 decimal places"),
        ("1e0", "plain decimal number"),
        ("NaN", "plain decimal number"),
        ("0", "greater than 0"),
        ("-1", "greater than 0"),
    ],
)
def test_rectify_refuses_what_the_api_refuses(billed: Billed, credit: str, problem: str) -> None:
    number = billed.numbers[0]
    product = billed.details(number)["lines"][0]["id"]
    body = {"reason": "WRONG_CHARGE", "note": "x"}
    first = billed.api.post(
        f"/ops/invoices/{number}/rectify",
        json={**body, "lines": [{"line_id": product, "amount": "5.00"}]},
    )
    assert first.status_code == 200, first.text  # 7.00 of the tariff is left
    twin = billed.api.post(
        f"/ops/invoices/{number}/rectify",
        json={**body, "lines": [{"line_id": product, "amount": credit}]},
    )
    assert twin.status_code == 400
    invoices, records = billed.count(Invoice), billed.count(BillingRecord)

    refused = billing(
        "rectify", "--number", number, "--reason", "WRONG_CHARGE", "--note", "x",
        "--line", f"{product}:{credit}",
    )  # fmt: skip
    assert refused.exit_code != 0
    assert isinstance(refused.exception, SystemExit)  # a message, not a traceback
    assert problem in " ".join(refused.output.replace("│", " ").split())
    assert (billed.count(Invoice), billed.count(BillingRecord)) == (invoices, records)
    # What is left is still all there: the next credit takes it, numbered without a gap.
    rest = billing(
        "rectify", "--number", number, "--reason", "WRONG_CHARGE", "--note", "y",
        "--line", str(product),
    )  # fmt: skip
    assert rest.exit_code == 0, rest.output
    assert billed.details(number)["rectified_by"] == ["MMR00000001", "MMR00000002"]
    assert billed.details("MMR00000002")["value_total"] == -8.47


def comparable_cancellation(billed: Billed, number: str) -> Details:
    cancelled = billed.details(number)
    with Session(billed.engine) as session:
        invoice_id = session.scalars(select(Invoice.id).where(Invoice.number == number)).one()
        rows = session.scalars(
            select(BillingRecord)
            .where(BillingRecord.invoice_id == invoice_id)
            .order_by(BillingRecord.chain_seq)
        ).all()
        penalties = session.scalars(
            select(Invoice.number)
            .join(PenaltyLine, PenaltyLine.invoice_id == Invoice.id)
            .where(Invoice.id == invoice_id)
        ).all()
    return {
        "status": cancelled["status"],
        "value_total": cancelled["value_total"],
        "rectified_by": cancelled["rectified_by"],
        "records": [
            (record.kind, record.issue_date, record.generated_at_text, record.total)
            for record in rows
        ],
        "cancelled_numbers": [record.number for record in rows if record.kind == "ANULACION"],
        "penalties_still_charged": penalties,
    }


def test_cancel_does_what_the_api_does(billed: Billed) -> None:
    by_api, by_cli, paid = billed.numbers[:3]
    before = [comparable_cancellation(billed, n) for n in (by_api, by_cli)]
    assert [side["penalties_still_charged"] for side in before] == [[by_api], [by_cli]]
    through_api = billed.api.post(f"/ops/invoices/{by_api}/cancel", json={"note": "Por error"})
    assert through_api.status_code == 200, through_api.text
    records = billed.count(BillingRecord)
    through_cli = billing("cancel", "--number", by_cli, "--note", "Por error")
    assert through_cli.exit_code == 0, through_cli.output
    assert through_cli.output == f"cancelled {by_cli}\n"
    assert billed.count(BillingRecord) == records + 1

    api_side, cli_side = (comparable_cancellation(billed, n) for n in (by_api, by_cli))
    assert api_side["cancelled_numbers"] == [by_api]
    assert cli_side["cancelled_numbers"] == [by_cli]
    assert {**api_side, "cancelled_numbers": None} == {**cli_side, "cancelled_numbers": None}
    assert cli_side["status"]["value"] == "ANULADO"
    assert [kind for kind, *_ in cli_side["records"]] == ["ALTA", "ANULACION"]
    assert cli_side["penalties_still_charged"] == []  # may be charged again
    # Why and by whom, kept with the invoice (the API key's name; the CLI's actor).
    api_details, cli_details = billed.details(by_api), billed.details(by_cli)
    assert (api_details["cancellation_note"], api_details["cancelled_by"]) == (
        "Por error",
        "test-key",
    )
    assert (cli_details["cancellation_note"], cli_details["cancelled_by"]) == ("Por error", "cli")
    xml = ET.fromstring(billed.api.get("/ops/billing/records.xml").content)
    assert [
        item.findtext(f"{SUM1}IDFactura/{SUM1}NumSerieFacturaAnulada")
        for item in xml.findall(f".//{SUM1}RegistroAnulacion")
    ] == [by_api, by_cli]

    # What the API refuses (0107), the CLI refuses too, writing nothing.
    with Session(billed.engine) as session:
        invoice_id = session.scalars(select(Invoice.id).where(Invoice.number == paid)).one()
    assert billed.api.post(f"/ops/invoices/{invoice_id}/payment").status_code == 200
    for number in (by_cli, paid):
        twin = billed.api.post(f"/ops/invoices/{number}/cancel", json={"note": "x"})
        assert (twin.status_code, twin.json()["code"]) == (400, "0107")
        refused = billing("cancel", "--number", number, "--note", "x")
        assert refused.exit_code == 1
        assert refused.output.startswith(f"error: {number} is ")
    assert billed.count(BillingRecord) == records + 1
    unknown = billing("cancel", "--number", "MM99999999", "--note", "x")
    assert (unknown.exit_code, unknown.output) == (1, "error: invoice MM99999999 not found\n")


def test_verify_chain_after_rectify_and_cancel(billed: Billed) -> None:
    first, second = billed.numbers[:2]
    line = billed.details(first)["lines"][0]["id"]
    assert billing(
        "rectify", "--number", first, "--reason", "WRONG_CHARGE", "--note", "x",
        "--line", f"{line}:2.50",
    ).exit_code == 0  # fmt: skip
    assert billing(
        "rectify", "--number", first, "--reason", "PENALTY_ANNULLED", "--note", "y"
    ).exit_code == 0  # fmt: skip
    assert billing("cancel", "--number", second, "--note", "x").exit_code == 0
    total = billed.count(BillingRecord)
    assert total == 4 + 2 + 1  # four invoices, two rectifying invoices, one cancellation

    verified = billing("verify-chain")
    assert verified.exit_code == 0, verified.output
    [report] = billed.api.get("/ops/billing/records/verify").json()
    assert (report["intact"], report["records"]) == (True, total)
    assert verified.output == f"chain {report['issuer_tax_id']}: {total} records, intact\n"

    # It can tell: one stored amount changed behind the database's back.
    with Session(billed.engine) as session:
        tamper(session, "UPDATE billing_record SET total = total - 1 WHERE chain_seq = 6")
        session.commit()
    broken = billing("verify-chain")
    assert broken.exit_code == 1
    assert broken.output.startswith(f"chain {report['issuer_tax_id']}: broken at record 6 ")
    assert broken.output.rstrip().endswith("(5 records before it are intact)")
