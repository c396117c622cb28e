"""Numbers taken as the transaction commits (``sequences.numbers_at_commit``, ``db.at_commit``):
on PostgreSQL the account's and the work order's numbers are stand-ins until the statements
sent with the COMMIT write them in SQL; they must show the same everywhere a client or a
later reader sees them, and never as a stand-in. On SQLite they are taken at once: the same
tests hold."""

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import String as SqlString
from sqlalchemy import Table, cast, func, or_, select, text
from sqlalchemy.orm import Session

from mascustomers.accounts.service import ACCOUNT_NUMBER
from mascustomers.auth import repository as auth_repository
from mascustomers.auth.caller import Caller
from mascustomers.db import at_commit
from mascustomers.db.base import Base
from mascustomers.models import Account, Contract, Event, IdempotentRequest, WorkOrder
from mascustomers.sequences import NumberFormat
from mascustomers.signups import service as signups_service
from mascustomers.signups.schemas import SignupCreate
from mascustomers.workorders.service import WORK_ORDER_NUMBER
from tests.bodies import mobile_signup, owner
from tests.factories import ApiCaller

pytestmark = pytest.mark.usefixtures("catalogue")

ACCOUNT = re.compile(r"^MM-\d{7}$")
ORDER = re.compile(r"^OT\d{10}$")


@pytest.mark.parametrize("shown", [ACCOUNT_NUMBER, WORK_ORDER_NUMBER, NumberFormat("X-", 3)])
def test_a_number_reads_the_same_in_sql_and_in_python(
    session: Session, shown: NumberFormat
) -> None:
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("numbers are written in SQL on PostgreSQL only")
    for value in (0, 1, 42, 999, 1_000, 4_999_999, 5_000_000, 12_345_678_901):
        in_sql = session.scalar(text(f"SELECT {shown.sql(str(value))}"))
        assert in_sql == shown.text(value)


def _stand_ins(session: Session, table: type[Base], *columns: str) -> int:
    model = table.__table__
    assert isinstance(model, Table)
    found = or_(*(cast(model.c[c], SqlString).like("%#late%") for c in columns))
    return session.scalar(select(func.count()).select_from(model).where(found)) or 0


def test_the_numbers_show_the_same_everywhere(api: ApiCaller, session: Session) -> None:
    body = mobile_signup(person=owner(45_000_001))
    answer = api.post("/signups", json=body, headers={"Idempotency-Key": "late-1"})
    assert answer.status_code == 200, answer.text
    order = answer.json()
    number, work_order = order["account_info"]["account_number"], order["work_order_id"]
    assert ACCOUNT.match(number), order
    assert ORDER.match(work_order), order
    session.expire_all()
    account = session.get(Account, order["account_info"]["account_id"])
    assert account is not None
    assert account.account_number == number
    assert account.contract_path == f"/contracts/{account.org_id}/{number}"
    assert account.contract_filename == f"{number}.pdf"
    files = session.scalars(select(Contract.pdf_file_name).where(Contract.account_id == account.id))
    assert [name.split("_")[1] for name in files] == [number]
    assert session.scalars(
        select(WorkOrder.work_order_id).where(WorkOrder.sell_id == order["sell_id"])
    ).all() == [work_order]
    events = api.get("/ops/events", params={"type": "signup.accepted"}).json()["events"]
    assert [e["subject"]["work_order_id"] for e in events] == [work_order]
    assert events[0]["data"]["object"]["work_order_id"] == work_order
    stored = session.scalars(select(IdempotentRequest.response)).all()
    assert stored == [order]
    again = api.post("/signups", json=body, headers={"Idempotency-Key": "late-1"})
    assert again.json() == order
    listed = api.get("/signups", params={"work_order_id": work_order}).json()["signups"]
    assert [s["sell_id"] for s in listed] == [order["sell_id"]]
    for table, columns in (
        (Account, ("account_number", "contract_path", "contract_filename")),
        (Contract, ("pdf_file_name",)),
        (WorkOrder, ("work_order_id",)),
        (Event, ("subject", "data")),
        (IdempotentRequest, ("response",)),
    ):
        assert _stand_ins(session, table, *columns) == 0, table


def _resolved(shown: str, values: dict[str, str]) -> str:
    return at_commit.resolve(shown.encode(), values).decode()


def test_orders_sharing_a_transaction_are_numbered_in_turn(session: Session) -> None:
    """A second order in the same transaction moves the counters again: the first one's
    numbers are written before it (``at_commit.settle``)."""
    org = auth_repository.get_org_by_slug(session, "telco")
    assert org is not None
    now = datetime(2026, 12, 1, 10, tzinfo=UTC)
    caller = Caller(org_id=org.id, org_slug=org.slug, actor="t", now=now, today=now.date())
    results = [
        signups_service.create_signup(
            session,
            caller=caller,
            body=SignupCreate.model_validate(mobile_signup(person=owner(45_100_000 + i))),
        )
        for i in range(3)
    ]
    session.commit()
    values = at_commit.settled_values(session)
    shown = [
        (
            _resolved(result.account_info.account_number, values),  # type: ignore[union-attr]
            _resolved(result.work_order_id or "", values),
        )
        for result in results
    ]
    session.expire_all()
    stored = [
        (account.account_number, order.work_order_id)
        for account, order in session.execute(
            select(Account, WorkOrder)
            .join(WorkOrder, WorkOrder.account_id == Account.id)
            .where(Account.org_id == org.id)
            .order_by(Account.id)
        )
    ]
    assert stored == shown
    numbers = [int(number[3:]) for number, _ in stored]
    orders = [int(order[2:]) for _, order in stored]
    assert numbers == list(range(numbers[0], numbers[0] + 3))
    assert orders == list(range(orders[0], orders[0] + 3))
    assert _stand_ins(session, Account, "account_number") == 0
    assert _stand_ins(session, WorkOrder, "work_order_id") == 0


def test_a_rolled_back_order_leaves_its_numbers(session: Session, api: ApiCaller) -> None:
    """A refused request gives its numbers back: the next order takes them."""
    first = api.post("/signups", json=mobile_signup(person=owner(45_200_001))).json()
    bad = mobile_signup(person=owner(45_200_002))
    bad["payment"]["billing_type_id"] = 2  # a postpaid tariff on a prepaid account: refused
    assert api.post("/signups", json=bad).status_code == 400
    second = api.post("/signups", json=mobile_signup(person=owner(45_200_003))).json()
    numbers = [int(o["account_info"]["account_number"][3:]) for o in (first, second)]
    assert numbers[1] == numbers[0] + 1
    orders = [int(o["work_order_id"][2:]) for o in (first, second)]
    assert orders[1] == orders[0] + 1


def test_replacements_in_one_table_twice_all_hold(session: Session) -> None:
    """The replacements go out joined in one statement where they touch different tables; a
    statement that changed one row twice would keep only one change (``at_commit._joined``)."""
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("stand-ins are written on PostgreSQL only")
    session.execute(text("CREATE TEMP TABLE late_a (id int PRIMARY KEY, shown text, other text)"))
    session.execute(text("CREATE TEMP TABLE late_b (id int PRIMARY KEY, shown text)"))
    token = at_commit.late_text(session, sql="'seven'", value=lambda: "seven")
    session.execute(text("INSERT INTO late_a VALUES (1, :t, :t), (2, :t, :t)"), {"t": f"<{token}>"})
    session.execute(text("INSERT INTO late_b VALUES (1, :t)"), {"t": token})
    for table, row, column in (
        ("late_a", 1, "shown"),
        ("late_b", 1, "shown"),
        ("late_a", 1, "other"),  # the same row again
        ("late_a", 2, "other"),
    ):
        at_commit.fix_rows(
            session, table=table, where="id = %(id)s", params={"id": row}, columns=[column]
        )
    session.commit()
    rows = session.execute(text("SELECT id, shown, other FROM late_a ORDER BY id")).all()
    assert [tuple(row) for row in rows] == [(1, "<seven>", "<seven>"), (2, f"<{token}>", "<seven>")]
    assert session.scalar(text("SELECT shown FROM late_b")) == "seven"
