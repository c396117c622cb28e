"""POST /ops/billing/run and the invoice document, through the API."""

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from mascustomers.auth import repository as auth_repository
from mascustomers.kit.clock import format_timestamp
from mascustomers.models import Org
from tests.billing.world import madrid, make_account, make_line
from tests.catalogue_fixture import MOBILE_ONLY_20GB
from tests.factories import ApiCaller

pytestmark = pytest.mark.usefixtures("catalogue")


@pytest.fixture
def org(session: Session, org_slug: str) -> Org:
    found = auth_repository.get_org_by_slug(session, org_slug)
    assert found is not None
    return found


def test_run_then_rerun(api: ApiCaller, session: Session, org: Org) -> None:
    for _ in range(3):
        make_line(session, account=make_account(session, org=org), product_id=MOBILE_ONLY_20GB)
    session.commit()
    # the org's test clock decides whether the cycle is over
    moved = api.post("/ops/clock", json={"advance_to": format_timestamp(madrid(2030, 1, 1))})
    assert moved.status_code == 200, moved.text
    open_cycle = api.post("/ops/billing/run", json={"cycle": "2030-01"})
    assert (open_cycle.status_code, open_cycle.json()["code"]) == (400, "0103")

    # the advance billed every month up to December 2029 already: a re-run adds nothing
    again = api.post("/ops/billing/run", json={"cycle": "2029-12"})
    assert again.status_code == 200, again.text
    assert (again.json()["invoices"], again.json()["accounts"]) == (0, 0)

    # a month that closed before the clock was first moved had not been billed
    older = api.post("/ops/billing/run", json={"cycle": "2026-10"})
    assert older.status_code == 200, older.text
    body = older.json()
    assert (body["invoices"], body["value"], body["value_total"]) == (3, 36.0, 43.56)
    assert (body["start_date"], body["end_date"]) == ("2026-10-01", "2026-10-31")
    assert body["issued_at"] == format_timestamp(madrid(2030, 1, 1))


@pytest.mark.parametrize(
    "body", [{"cycle": "2026-13"}, {"cycle": "0000-01"}, {"cycle": "2026-1"}, {}, {"cycle": 202611}]
)
def test_bad_cycles(api: ApiCaller, body: dict[str, object]) -> None:
    response = api.post("/ops/billing/run", json=body)
    assert (response.status_code, response.json()["code"]) == (400, "0001")


def test_invoice_document(api: ApiCaller, session: Session, org: Org) -> None:
    account = make_account(session, org=org)
    make_line(session, account=account, product_id=MOBILE_ONLY_20GB)
    session.commit()
    api.post(
        "/ops/clock", json={"advance_to": format_timestamp(madrid(2027, 1, 1) + timedelta(hours=1))}
    )
    invoices = api.get(f"/accounts/{account.id}/invoices").json()["invoices"]
    number = invoices[0]["number"]
    assert invoices[0]["path"] == f"/v2/orgs/telco/ops/invoices/{number}.pdf"
    document = api.get(f"/ops/invoices/{number}.pdf")
    assert document.status_code == 200
    assert document.headers["content-type"] == "application/pdf"
    assert document.content.startswith(b"%PDF")
    assert document.content == api.get(f"/ops/invoices/{number}.pdf").content  # deterministic
    missing = api.get("/ops/invoices/MM99999999.pdf")
    assert (missing.status_code, missing.json()["code"]) == (404, "0005")
