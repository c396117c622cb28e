"""The console's other changes, each made through its page's form as a browser makes it (the
page fetched, its form's hidden fields and CSRF token posted, the redirect followed), then
read back in the page and through the v2 API or the database, with the staff user's name as
the actor wherever the history has one."""

import re
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from html import unescape
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from mascustomers.catalog.statuses import WorkOrderStatus
from mascustomers.console.paging import PAGE_SIZE
from mascustomers.console.roles import StaffRole
from mascustomers.inventory.states import SimStatus
from mascustomers.kit.clock import format_timestamp, start_of_day
from mascustomers.models import (
    ScheduledOperation,
    Sell,
    SubscriptionServiceChange,
    SubscriptionStatusChange,
    WorkOrder,
)
from tests.bodies import mobile_signup, owner
from tests.catalogue_fixture import MOBILE_ONLY_20GB, MOBILE_ONLY_30GB, sim_iccid
from tests.console.conftest import sign_up
from tests.console.support import Console, csrf_of, make_staff, signed_in
from tests.factories import ApiCaller
from tests.ops.test_holds import REVIEW
from tests.penalties.support import OrgTime, convergent_with_device, frozen_org_time, post_signup
from tests.penalties.test_confirm_delete import stored
from tests.penalties.test_endpoints import BUNDLE_DUE, HALF_YEAR, PROMO_LINE_DUE, TERMINAL_DUE
from tests.scheduler.test_clock_api import advance, at, month_after_next
from tests.subscriptions.conftest import mobile
from tests.subscriptions.test_products import in_days
from tests.subscriptions.test_products import orders as tariff_orders
from tests.subscriptions.test_sim_replacement import sim, sim_orders

pytestmark = pytest.mark.usefixtures("catalogue")


@pytest.fixture
def back_office(client: TestClient, session: Session, org_slug: str) -> Console:
    make_staff(session, org_slug=org_slug, username="bruno", role=StaffRole.BACK_OFFICE)
    return signed_in(client, org=org_slug, username="bruno")


@pytest.fixture
def clock(org_slug: str) -> Iterator[OrgTime]:
    yield from frozen_org_time(org_slug)


# --- a browser's view of the pages ---------------------------------------------------------


def _form(html: str, action: str) -> dict[str, str]:
    """The hidden fields of the page's form that posts to ``action`` (the CSRF token and the
    page to come back to among them)."""
    found = re.search(rf'<form[^>]*action="{re.escape(action)}"[^>]*>(.*?)</form>', html, re.S)
    assert found is not None, f"no form posting to {action} on the page"
    fields = {}
    for tag in re.findall(r"<input[^>]*>", found.group(1)):
        name, value = re.search(r'name="([^"]*)"', tag), re.search(r'value="([^"]*)"', tag)
        if 'type="hidden"' in tag and name is not None:
            fields[name.group(1)] = unescape(value.group(1) if value else "")
    assert fields["csrf_token"] == csrf_of(found.group(0))
    return fields


def _submit(console: Console, page: str, action: str, **fields: str) -> httpx.Response:
    """GET ``page``, fill in its form to ``action`` with ``fields`` and post it."""
    shown = console.get(page)
    assert shown.status_code == 200, shown.text
    data = {**_form(shown.text, action), **fields}
    return console.client.post(action, data=data, follow_redirects=False)


def _landed(console: Console, answer: httpx.Response, where: str) -> str:
    """The page a 303 after a post leads to (with its one-time flash message)."""
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == where
    page = console.get(where)
    assert page.status_code == 200, page.text
    return page.text


def _flash(html: str) -> str:
    found = re.search(r'data-testid="flash">([^<]*)<', html)
    assert found is not None, "no flash message on the page"
    return unescape(found.group(1))


def _shown(html: str, testid: str) -> str:
    found = re.search(rf'data-testid="{testid}">(.*?)</', html, re.S)
    assert found is not None, f"no {testid} on the page"
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", found.group(1))).split())


def _rows(html: str, testid: str) -> list[list[str]]:
    """The cells of the body rows of the table (or of the one table in the section) named
    ``testid``, as text."""
    found = re.search(rf'<(table|section)[^>]* data-testid="{testid}">(.*?)</\1>', html, re.S)
    assert found is not None, f"no {testid} on the page"
    body = found.group(2).split("<tbody>", 1)[1]
    return [
        [
            " ".join(unescape(re.sub(r"<[^>]+>", " ", cell)).split())
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]


def _ok(answer: httpx.Response, status: int = 200) -> Any:
    assert answer.status_code == status, answer.text
    return answer.json()


def _work_order(api: ApiCaller, work_order_id: str) -> dict[str, Any]:
    return dict(_ok(api.get(f"/ops/work-orders/{work_order_id}")))


# --- 1. account penalties ------------------------------------------------------------------


def test_an_account_penalty_computed_confirmed_and_deleted_in_the_console(
    back_office: Console, api: ApiCaller, session: Session, clock: OrgTime
) -> None:
    account_id = convergent_with_device(api)["account_info"]["account_id"]
    clock.on(HALF_YEAR)
    page = f"/console/accounts/{account_id}"

    computed = _submit(
        back_office, page, f"/console/accounts/{account_id}/penalties", reason="unsubscribe"
    )

    html = _landed(back_office, computed, page)
    flash = re.fullmatch(r"Penalty (\d+) computed: 3 lines, ([\d.]+) €\.", _flash(html))
    assert flash is not None, _flash(html)
    penalty_id, total = int(flash.group(1)), Decimal(flash.group(2))
    assert total == sum(Decimal(str(due)) for due in (PROMO_LINE_DUE, TERMINAL_DUE, BUNDLE_DUE))
    [row] = _rows(html, "penalties")
    assert row[:4] == [str(penalty_id), "—", "unsubscribe", "COMPUTED"]
    assert row[5] == f"{total} €"
    # The API's computation of the same account and reason is the one the console stored.
    answer = _ok(api.get(f"/penalties/{account_id}", params={"reason": "unsubscribe"}))
    assert answer[0]["computed_penalty_id"] == penalty_id
    assert sorted(item["value"] for item in answer[0]["penalties"]) == sorted(
        [PROMO_LINE_DUE, TERMINAL_DUE, BUNDLE_DUE]
    )

    confirmed = _submit(back_office, page, f"/console/penalties/{penalty_id}/confirm")

    html = _landed(back_office, confirmed, page)
    assert _flash(html) == f"Penalty {penalty_id} confirmed."
    assert _rows(html, "penalties")[0][3] == "CONFIRMED"
    penalty, lines = stored(session, penalty_id)
    assert (penalty.status, penalty.confirmed_at) == ("CONFIRMED", clock.now)
    assert [line.confirmed for line in lines] == [True, True, True]
    again = api.put(f"/penalties/{penalty_id}")
    assert (again.status_code, again.json()["code"]) == (400, "0080")  # already confirmed

    deleted = _submit(back_office, page, f"/console/penalties/{penalty_id}/delete")

    html = _landed(back_office, deleted, page)
    assert _flash(html) == f"Penalty {penalty_id} deleted."
    assert _rows(html, "penalties")[0][3] == "DELETED"
    assert f"/console/penalties/{penalty_id}/" not in html  # nothing left to confirm or delete
    penalty, _ = stored(session, penalty_id)
    assert (penalty.status, penalty.deleted_at) == ("DELETED", clock.now)
    gone = api.delete(f"/penalties/{penalty_id}")
    assert (gone.status_code, gone.json()["code"]) == (400, "0082")  # only a confirmed one


# --- 2. services ---------------------------------------------------------------------------


def test_a_service_switched_off_and_on_in_the_console_names_the_staff_user(
    back_office: Console, api: ApiCaller, session: Session
) -> None:
    sub = sign_up(api)["subscription_id"]
    page = f"/console/subscriptions/{sub}"
    roaming = f"/console/subscriptions/{sub}/services/3"
    assert _form(back_office.get(page).text, roaming)["active"] == "false"  # on: offers "off"

    off = _submit(back_office, page, roaming)

    html = _landed(back_office, off, page)
    assert _flash(html) == "Service 3 deactivated."
    assert ["ROAMING (3)", "inactive"] in [row[:2] for row in _rows(html, "services")]
    assert _form(html, roaming)["active"] == "true"
    services = f"/subscriptions/{sub}/services"
    assert [i["id"] for i in _ok(api.get(services, params={"filter": "inactive"}))["items"]] == [3]

    on = _submit(back_office, page, roaming)

    html = _landed(back_office, on, page)
    assert _flash(html) == "Service 3 activated."
    assert ["ROAMING (3)", "active"] in [row[:2] for row in _rows(html, "services")]
    assert _ok(api.get(services, params={"filter": "inactive"}))["items"] == []
    changes = session.scalars(
        select(SubscriptionServiceChange)
        .where(SubscriptionServiceChange.subscription_id == sub)
        .order_by(SubscriptionServiceChange.id)
    ).all()
    assert [(c.service_id, c.active, c.modified_by) for c in changes] == [
        (3, False, "bruno"),
        (3, True, "bruno"),
    ]


# --- 3. SIM replacement --------------------------------------------------------------------


def test_a_sim_replaced_in_the_console_is_the_lines_sim_and_names_the_staff_user(
    back_office: Console, api: ApiCaller, session: Session
) -> None:
    sub = mobile(api, sim=1)
    page = f"/console/subscriptions/{sub}"

    replaced = _submit(
        back_office,
        page,
        f"/console/subscriptions/{sub}/sim",
        dealer_id="D001",
        shop_id="S001",
        logistic="false",
        new_icc=sim_iccid(10),
    )

    html = _landed(back_office, replaced, page)
    assert _flash(html) == "SIM replacement: risk decision a (applied)."
    assert _shown(html, "line-iccid") == sim_iccid(10)
    assert _ok(api.get(f"/subscriptions/{sub}"))["iccid"] == sim_iccid(10)
    old, new = sim(session, sim_iccid(1)), sim(session, sim_iccid(10))
    assert (old.status_id, old.subscription_id) == (SimStatus.SUSTITUIDA, None)
    assert (new.status_id, new.subscription_id) == (SimStatus.ACTIVA, sub)
    sell = session.scalars(select(Sell).where(Sell.kind == "SIM_REPLACEMENT")).one()
    assert (sell.status, sell.created_by, sell.request["old_icc"]) == (
        "COMPLETED",
        "bruno",
        sim_iccid(1),
    )
    [order] = sim_orders(session, sub)
    history = _work_order(api, order.work_order_id)["history"]
    assert [step["modified_by"] for step in history] == ["bruno"]


# --- 4. tax province -----------------------------------------------------------------------


def test_a_tax_province_changed_in_the_console_is_the_accounts_tax(
    admin: Console, api: ApiCaller
) -> None:
    account_id = sign_up(api)["account_id"]
    page = f"/console/accounts/{account_id}"
    assert _shown(admin.get(page).text, "tax-province").startswith("28 ")

    moved = _submit(admin, page, f"/console/accounts/{account_id}/tax-province", state_id="35")

    html = _landed(admin, moved, page)
    flash = re.fullmatch(r"Tax province changed: (\w+) ([\d.]+) %\.", _flash(html))
    assert flash is not None, _flash(html)
    assert _shown(html, "tax-province").startswith("35 ")
    tax = _ok(api.get(f"/accounts/{account_id}/tax", params={"include_historical_changes": True}))
    assert (tax["state_id"], tax["description"], tax["tax_value"]) == (35, "IGIC", 7)
    assert (flash.group(1), float(flash.group(2))) == (tax["description"], tax["tax_value"])
    assert [period["state_id"] for period in tax["historical_changes"]] == [28]
    # The tax periods keep no actor (the API's history has none either).


# --- 5. risk hold rejected -----------------------------------------------------------------


def test_a_held_signup_rejected_in_the_console_is_cancelled_by_the_staff_user(
    admin: Console, api: ApiCaller, session: Session
) -> None:
    held = post_signup(api, mobile_signup(person=owner(), scoring=REVIEW), status=202)
    sell_id, order_id = held["sell_id"], held["work_order_id"]
    [line] = held["account_info"]["subscriptions"]
    sub = line["subscription_id"]
    queue = "/console/queues/risk-holds"
    assert f'data-testid="hold-{sell_id}"' in admin.get(queue).text

    rejected = _submit(admin, queue, f"{queue}/{sell_id}/reject")

    html = _landed(admin, rejected, queue)
    assert _flash(html) == f"Order {sell_id} rejected."
    assert f'data-testid="hold-{sell_id}"' not in html
    assert _ok(api.get("/ops/risk-holds"))["holds"] == []
    detail = _ok(api.get(f"/subscriptions/{sub}", params={"include": "historical_status"}))
    assert detail["subscription_status"]["value"] == "CANCELADO"
    assert detail["historical_status"][-1]["modified_by"] == "ana"
    order = _work_order(api, order_id)
    assert order["status"]["value"] == "CANCELADA"
    assert order["history"][-1]["modified_by"] == "ana"
    session.expire_all()
    sell = session.get(Sell, sell_id)
    assert sell is not None
    assert sell.status == "REJECTED"
    actors = session.scalars(
        select(SubscriptionStatusChange.modified_by)
        .where(SubscriptionStatusChange.subscription_id == sub)
        .order_by(SubscriptionStatusChange.id)
    ).all()
    assert list(actors) == ["test-key", "ana"]  # held by the API key, rejected by ana


# --- 6. work order cancelled ---------------------------------------------------------------


def test_a_work_order_cancelled_in_the_console_has_the_staff_user_in_its_history(
    back_office: Console, api: ApiCaller
) -> None:
    signup = post_signup(api, mobile_signup(person=owner()))
    order_id = signup["work_order_id"]
    sub = signup["account_info"]["subscriptions"][0]["subscription_id"]
    page = f"/console/work-orders/{order_id}"
    assert _work_order(api, order_id)["status"]["value"] == "PENDIENTE CREAR OT"

    cancelled = _submit(back_office, page, f"{page}/cancel", reason="cliente desiste")

    html = _landed(back_office, cancelled, page)
    assert _flash(html) == f"Work order {order_id}: CANCEL done, now CANCELADA."
    assert _shown(html, "work-order-status") == "CANCELADA"
    last = _rows(html, "work-order-history")[-1]
    assert (last[0], last[2]) == ("CANCELADA", "bruno")
    assert "cliente desiste" in last[3]
    order = _work_order(api, order_id)
    assert order["status"]["value"] == "CANCELADA"
    assert order["subscriptions"][0]["status"]["value"] == "CANCELADO"
    assert order["history"][-1]["modified_by"] == "bruno"
    assert "cliente desiste" in order["history"][-1]["reason"]
    line = _ok(api.get(f"/subscriptions/{sub}", params={"include": "historical_status"}))
    assert line["historical_status"][-1]["modified_by"] == "bruno"


# --- 7. a dated tariff change --------------------------------------------------------------


def test_a_tariff_change_scheduled_in_the_console_waits_for_its_day(
    back_office: Console, api: ApiCaller, session: Session
) -> None:
    sub = sign_up(api)["subscription_id"]
    page = f"/console/subscriptions/{sub}"
    day = in_days(10)

    scheduled = _submit(
        back_office,
        page,
        f"/console/subscriptions/{sub}/product",
        product_id=str(MOBILE_ONLY_30GB),
        scheduled_date=day,
    )

    html = _landed(back_office, scheduled, page)
    assert _flash(html) == (
        f"Tariff change to {MOBILE_ONLY_30GB} on {day}: risk decision a (applied)."
    )
    assert _shown(html, "current-tariff") == f"TARIFA MOVIL 20GB ({MOBILE_ONLY_20GB})"
    assert _shown(html, "scheduled-tariff").startswith(f"TARIFA MOVIL 30GB on {day}")
    product = _ok(api.get(f"/subscriptions/{sub}/products"))["product"]
    assert product["id"] == MOBILE_ONLY_20GB
    assert product["scheduled"]["destination_product"]["id"] == MOBILE_ONLY_30GB
    due = start_of_day(date.fromisoformat(day), "Europe/Madrid")
    assert product["scheduled"]["scheduled_date"] == format_timestamp(due)
    operation = session.scalars(
        select(ScheduledOperation).where(
            ScheduledOperation.subscription_id == sub, ScheduledOperation.kind == "PRODUCT_CHANGE"
        )
    ).one()
    assert (operation.status, operation.due_at, operation.requested_by) == ("PENDING", due, "bruno")
    [order] = tariff_orders(session, sub)
    assert [step["modified_by"] for step in _work_order(api, order.work_order_id)["history"]] == [
        "bruno"
    ]


# --- 8. the test clock ---------------------------------------------------------------------


def test_the_clock_advanced_in_the_console_runs_what_fell_due_and_shows_it(
    admin: Console, api: ApiCaller, session: Session
) -> None:
    month = month_after_next()
    advance(api, at(month.start + timedelta(days=4), 10))  # the 5th, 10:00
    sub = sign_up(api)["subscription_id"]
    change_day = month.start + timedelta(days=14)
    _ok(
        api.patch(
            f"/subscriptions/{sub}/products",
            json={"productId": MOBILE_ONLY_30GB, "scheduled_date": change_day.isoformat()},
        ),
        201,
    )
    target = at(month.start + timedelta(days=19))

    answer = _submit(
        admin, "/console/clock", "/console/clock/advance", advance_to=format_timestamp(target)
    )

    assert answer.status_code == 200, answer.text  # the page that advanced says what ran
    assert _shown(answer.text, "clock-now") == format_timestamp(target)
    assert f"to {format_timestamp(target)}: 1 ran" in answer.text
    [row] = _rows(answer.text, "clock-ran")
    assert row[:5] == [
        "operation",
        format_timestamp(at(change_day)),
        "PRODUCT_CHANGE",
        str(sub),
        "DONE",
    ]
    clock = _ok(api.get("/ops/clock"))
    assert (clock["test_clock"], clock["now"]) == (True, format_timestamp(target))
    product = _ok(api.get(f"/subscriptions/{sub}/products"))["product"]
    assert product["id"] == MOBILE_ONLY_30GB
    assert product["scheduled"]["destination_product"] is None
    session.expire_all()
    operation = session.scalars(
        select(ScheduledOperation).where(ScheduledOperation.subscription_id == sub)
    ).one()
    assert (operation.status, operation.done_at) == ("DONE", at(change_day))


# --- 9. a paginated list -------------------------------------------------------------------


def test_the_work_order_queue_pages_forward_by_its_cursor_showing_each_order_once(
    back_office: Console, api: ApiCaller, session: Session
) -> None:
    made = [
        post_signup(api, mobile_signup(person=owner(20000000 + i)))["work_order_id"]
        for i in range(2 * PAGE_SIZE + 1)
    ]
    path: str | None = "/console/queues/work-orders?status=32"
    pages: list[list[str]] = []
    while path is not None:
        page = back_office.get(path)
        assert page.status_code == 200, page.text
        pages.append([row[0] for row in _rows(page.text, "work-orders")])
        following = re.search(r'<a href="([^"]+)">Next →</a>', page.text)
        path = unescape(following.group(1)) if following else None
        assert path is None or re.search(r"[?&]after=\d+", path), path  # a cursor, no offset
        assert len(pages) <= 3, "the cursor does not move on"

    assert [len(shown) for shown in pages] == [PAGE_SIZE, PAGE_SIZE, 1]
    seen = [order for shown in pages for order in shown]
    assert seen == made  # each once, oldest first
    in_queue = session.scalars(
        select(WorkOrder.work_order_id)
        .where(WorkOrder.status_id == WorkOrderStatus.PENDIENTE_CREAR_OT)
        .order_by(WorkOrder.id)
    ).all()
    assert list(in_queue) == made
    for order in (made[0], made[PAGE_SIZE], made[-1]):
        assert _work_order(api, order)["status"]["id"] == WorkOrderStatus.PENDIENTE_CREAR_OT
