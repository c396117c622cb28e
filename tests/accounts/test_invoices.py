"""GET accounts/{accountId}/invoices: stored invoices only, by issue date, money as numbers."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta
from sqlalchemy.orm import Session

from mascustomers.kit.clock import clock_for
from mascustomers.models import Account, Invoice
from tests.accounts.helpers import account_id, convergent
from tests.customers.shapes import assert_shape, reference_example
from tests.factories import ApiCaller

pytestmark = pytest.mark.usefixtures("catalogue")

EXAMPLE = reference_example("GET", "/accounts/{accountId}/invoices")


def add_invoice(session: Session, account: int, month: int, **extra: Any) -> Invoice:
    """An invoice as the billing run stores it: issued the 1st at midnight, Madrid time."""
    start = date(2026, month, 1)
    owner = session.get(Account, account)
    assert owner is not None
    values: dict[str, Any] = {
        "org_id": owner.org_id,
        "account_id": account,
        "number": f"MM2026{month:02d}{account:06d}",
        "cycle": f"2026-{month:02d}",
        "cycle_start": start,
        "cycle_end": start + relativedelta(months=1) - timedelta(days=1),
        # 2026-0M-01 00:00 in Madrid (winter: UTC+1)
        "issued_at": datetime(2026, month, 1, tzinfo=UTC) - timedelta(hours=1),
        "value": Decimal("47.89"),
        "value_total": Decimal("57.95"),
        "status_id": 1,
        "paid_at": None,
        "delivery_mode": "email",
        "path": f"/invoices/2026{month:02d}/{account}.pdf",
    }
    values.update(extra)
    invoice = Invoice(**values)
    session.add(invoice)
    return invoice


def test_no_invoices_before_any_billing_run(api: ApiCaller) -> None:
    account = account_id(convergent(api, 53000001))
    response = api.get(f"/accounts/{account}/invoices")
    assert response.status_code == 200, response.text
    body = response.json()
    assert_shape(body, EXAMPLE)
    assert body["invoices"] == []
    today = clock_for(None).today()
    assert body["period_date"] == {
        "start_date": (today - relativedelta(years=1)).isoformat(),
        "end_date": today.isoformat(),
    }
    assert body["account_id"] == account


def test_invoices_in_the_period(api: ApiCaller, session: Session) -> None:
    account = account_id(convergent(api, 53000002))
    add_invoice(session, account, 1)
    add_invoice(
        session,
        account,
        2,
        status_id=2,
        paid_at=datetime(2026, 2, 10, 8, 15, tzinfo=UTC),
    )
    add_invoice(session, account, 3)
    session.commit()

    response = api.get(
        f"/accounts/{account}/invoices",
        params={"start_date": "2026-01-01", "end_date": "2026-02-01"},
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert_shape(body, EXAMPLE)
    assert body["period_date"] == {"start_date": "2026-01-01", "end_date": "2026-02-01"}
    february, january = body["invoices"]
    assert february == {
        "value": 47.89,
        "value_total": 57.95,
        "delivery_mode": "email",
        "date": "2026-01-31T23:00:00Z",
        "pay_date": "2026-02-10T08:15:00Z",
        "number": f"MM202602{account:06d}",
        "path": f"/invoices/202602/{account}.pdf",
        "status": {"id": 2, "value": "PAGADO"},
        "cycle": {"start_date": "2026-01-31T23:00:00Z", "end_date": "2026-02-27T23:00:00Z"},
    }
    assert january["status"] == {"id": 1, "value": "PENDIENTE"}
    assert january["pay_date"] is None
    only_march = api.get(f"/accounts/{account}/invoices", params={"start_date": "2026-03-01"})
    assert [i["number"] for i in only_march.json()["invoices"]] == [f"MM202603{account:06d}"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start_date": "01/02/2026"}, "start_date"),
        ({"end_date": "2026-02-30"}, "end_date"),
        ({"start_date": "2026-03-01", "end_date": "2026-02-01"}, "end_date"),
    ],
)
def test_bad_dates_are_400(api: ApiCaller, params: dict[str, str], field: str) -> None:
    account = account_id(convergent(api, 53000003))
    response = api.get(f"/accounts/{account}/invoices", params=params)
    assert response.status_code == 400, response.text
    assert response.json()["code"] == "0001"
    assert field in response.json()["detailMsg"]
