"""Must show 1 and 3: the console in a real headless Chromium (Debian's, driven by Playwright)
against a live uvicorn server on the demo org, each step checked in the page and then through
the API. The screenshots of the main pages go to ``docs/console/`` when
``MASCUSTOMERS_SCREENSHOTS=docs`` is set (else to the test's temporary folder)."""

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.console.browser_world import CHROMIUM, CHROMIUM_FLAGS, PASSWORD, World, live_world

if not Path(CHROMIUM).exists():
    pytest.skip(
        f"no Chromium at {CHROMIUM}: install Debian's chromium (apt-get install chromium), "
        "as .ci/run does, to run the browser tests",
        allow_module_level=True,
    )

from playwright.sync_api import Browser, Page, expect, sync_playwright

DOCS = Path(__file__).resolve().parents[2] / "docs" / "console"
CONVERGENT_EMAIL = "lucia.garcia@example.es"
MOBILE_EMAIL = "javier.martin@example.es"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Iterator[World]:
    with live_world(tmp_path_factory.mktemp("browser"), f"console_{worker_id}") as found:
        yield found


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="es-ES")
    opened = context.new_page()
    opened.on("dialog", lambda dialog: dialog.accept())  # hx-confirm's questions
    opened.set_default_timeout(15_000)
    yield opened
    context.close()


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    if os.environ.get("MASCUSTOMERS_SCREENSHOTS") == "docs":
        DOCS.mkdir(parents=True, exist_ok=True)
        return DOCS
    return tmp_path


class Api:
    def __init__(self, world: World) -> None:
        self.http = httpx.Client(
            base_url=f"{world.url}/v2/orgs/telco", headers={"x-api-key": world.key}, timeout=30
        )

    def get(self, path: str, **params: Any) -> Any:
        answer = self.http.get(path, params=params)
        assert answer.status_code == 200, answer.text
        return answer.json()


def sign_in(page: Page, world: World, username: str) -> None:
    page.goto(f"{world.url}/console/")
    expect(page).to_have_url(re.compile(r"/console/login"))
    page.get_by_label("Organisation").fill("telco")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_test_id("who")).to_contain_text(username)


def flash(page: Page, text: str) -> None:
    expect(page.get_by_test_id("flash")).to_contain_text(text)


def test_a_back_office_day_in_the_browser(page: Page, world: World, shots: Path) -> None:
    api = Api(world)
    sign_in(page, world, "admin")
    page.screenshot(path=str(shots / "search.png"))

    # Find a customer by phone number → the customer tree.
    tree = api.get("/users/tree", email=MOBILE_EMAIL)
    line_id = tree["accounts"][0]["subscriptions"][0]["id"]
    number = str(tree["accounts"][0]["subscriptions"][0]["identification_nr"])
    page.get_by_test_id("search-by").select_option("phone")
    page.get_by_test_id("search-value").fill(number)
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_test_id("customer-title")).to_contain_text(f"Customer {tree['customer_id']}")
    expect(page.get_by_test_id("tree")).to_contain_text(number)
    page.screenshot(path=str(shots / "customer.png"), full_page=True)
    page.get_by_test_id("line-link").first.click()
    expect(page.get_by_test_id("current-tariff")).to_contain_text("(381)")

    # Change the tariff to a compatible target.
    page.get_by_test_id("tariff-target").select_option("382")
    page.get_by_role("button", name="Change tariff").click()
    flash(page, "Tariff change to 382 now: risk decision a")
    expect(page.get_by_test_id("current-tariff")).to_contain_text("(382)")
    assert api.get(f"/subscriptions/{line_id}/products")["product"]["id"] == 382

    # Add a bonus, then remove it.
    page.get_by_test_id("bonus-choice").select_option("503")
    page.get_by_role("button", name="Add bonus").click()
    flash(page, "Bonus 503 added.")
    expect(page.get_by_test_id("bonus-503")).to_be_visible()
    assert 503 in [b["id"] for b in api.get(f"/subscriptions/{line_id}/bonuses")["items"]]
    page.screenshot(path=str(shots / "subscription.png"), full_page=True)
    page.get_by_test_id("remove-bonus-503").click()
    flash(page, "Bonus 503 removed.")
    expect(page.get_by_test_id("bonus-503")).to_have_count(0)
    assert 503 not in [b["id"] for b in api.get(f"/subscriptions/{line_id}/bonuses")["items"]]
    inactive = api.get(f"/subscriptions/{line_id}/bonuses", filter="inactive")["items"]
    assert 503 in [b["id"] for b in inactive]

    # Block the line (theft), then lift the block.
    page.get_by_test_id("block-theft").get_by_label("Reason").fill("robo en la calle")
    page.get_by_role("button", name="Block: theft (ROBO)").click()
    flash(page, "Block 1 set.")
    expect(page.get_by_test_id("block-1")).to_contain_text("robo en la calle")
    assert [b["id"] for b in api.get(f"/subscriptions/{line_id}/blocks")["items"]] == [1]
    page.get_by_test_id("unblock-1").click()
    flash(page, "Block 1 lifted.")
    expect(page.get_by_test_id("blocks")).to_contain_text("Not blocked.")
    assert api.get(f"/subscriptions/{line_id}/blocks")["items"] == []
    history = api.get(f"/subscriptions/{line_id}", include="historical_status")
    assert history["historical_status"][-1]["modified_by"] == "admin"

    # Approve a held signup.
    held = api.get("/ops/risk-holds")["holds"][0]
    page.get_by_role("link", name="Risk holds").click()
    expect(page.get_by_test_id(f"hold-{held['sell_id']}")).to_be_visible()
    page.screenshot(path=str(shots / "risk-holds.png"), full_page=True)
    page.get_by_test_id(f"approve-{held['sell_id']}").click()
    flash(page, f"Order {held['sell_id']} approved")
    expect(page.get_by_test_id(f"hold-{held['sell_id']}")).to_have_count(0)
    still_held = [h["sell_id"] for h in api.get("/ops/risk-holds")["holds"]]
    assert held["sell_id"] not in still_held
    approved_line = held["subscriptions"][0]["subscription_id"]
    status = api.get(f"/subscriptions/{approved_line}")["subscription_status"]["value"]
    assert status != "PENDIENTE RIESGO"

    # Complete a work order (the convergent customer's fibre installation).
    account = api.get("/users/tree", email=CONVERGENT_EMAIL)["accounts"][0]["id"]
    order = api.get(f"/accounts/{account}")["work_orders"][0]["work_order_id"]
    page.get_by_role("link", name="Work orders").click()
    expect(page.get_by_test_id("work-orders")).to_contain_text(order)
    page.screenshot(path=str(shots / "work-orders.png"), full_page=True)
    page.get_by_role("link", name=order).click()
    page.get_by_test_id("complete-work-order").click()
    flash(page, f"Work order {order}: COMPLETE done, now COMPLETADA")
    expect(page.get_by_test_id("work-order-status")).to_have_text("COMPLETADA")
    expect(page.get_by_test_id("work-order-history")).to_contain_text("admin")
    completed = api.get(f"/ops/work-orders/{order}")
    assert completed["status"]["value"] == "COMPLETADA"
    assert completed["history"][-1]["modified_by"] == "admin"

    # Run billing for last month, then open an invoice's PDF.
    page.get_by_role("link", name="Billing").click()
    cycle = page.get_by_test_id("billing-cycle").input_value()
    page.get_by_role("button", name="Run billing").click()
    flash(page, f"Cycle {cycle}:")
    expect(page.get_by_test_id("flash")).not_to_contain_text(": 0 invoices")
    page.screenshot(path=str(shots / "billing.png"), full_page=True)
    issued = api.get(f"/accounts/{account}/invoices")["invoices"]
    assert [invoice["number"] for invoice in issued], "the run billed the convergent account"
    number = issued[0]["number"]
    expect(page.get_by_test_id(f"invoice-{number}")).to_contain_text(cycle)
    link = page.get_by_test_id(f"pdf-{number}")
    pdf = page.context.request.get(f"{world.url}{link.get_attribute('href')}")
    assert pdf.status == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
    with page.expect_popup() as opened:
        link.click()
    opened.value.wait_for_load_state()
    assert opened.value.url.endswith(f"/console/invoices/{number}.pdf")

    # Record the invoice's payment.
    page.get_by_test_id(f"pay-{number}").click()
    flash(page, f"Invoice {number} PAGADO")
    expect(page.get_by_test_id(f"invoice-{number}")).to_contain_text("PAGADO")
    paid = api.get(f"/accounts/{account}/invoices")["invoices"][0]
    assert paid["status"]["value"] == "PAGADO"
    assert paid["pay_date"] is not None

    # The account page: its invoice, with the link to the same document.
    page.goto(f"{world.url}/console/accounts/{account}")
    expect(page.get_by_test_id("invoices")).to_contain_text(number)
    page.screenshot(path=str(shots / "account.png"), full_page=True)


def test_a_read_only_agent_gets_a_403_page_and_the_line_is_unchanged(
    page: Page, world: World, shots: Path
) -> None:
    api = Api(world)
    sign_in(page, world, "carla")
    line = api.get("/users/tree", email=CONVERGENT_EMAIL)["accounts"][0]["subscriptions"][0]["id"]
    before = api.get(f"/subscriptions/{line}/blocks")

    page.goto(f"{world.url}/console/subscriptions/{line}")
    expect(page.get_by_test_id("line-status")).to_be_visible()
    expect(page.get_by_role("button", name="Block: theft (ROBO)")).to_have_count(0)
    # A form forged in the agent's page (with its valid CSRF token) is still refused.
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    answer = page.context.request.post(
        f"{world.url}/console/subscriptions/{line}/blocks/1",
        form={"csrf_token": token or "", "active": "true"},
    )
    assert answer.status == 403
    assert "lacks the &#39;barrings&#39; permission" in answer.text()
    assert api.get(f"/subscriptions/{line}/blocks") == before


def test_the_failing_webhook_queue_in_the_browser(page: Page, world: World, shots: Path) -> None:
    """The demo's disabled endpoint is in trouble: listed marked, opened, enabled again."""
    api = Api(world)
    [endpoint] = api.get("/ops/webhooks")["webhooks"]
    assert endpoint["status"] == "DISABLED"
    sign_in(page, world, "admin")

    page.get_by_role("link", name="Webhooks").click()
    row = page.get_by_test_id(f"endpoint-{endpoint['id']}")
    expect(row).to_have_class("trouble")
    expect(page.get_by_test_id(f"endpoint-status-{endpoint['id']}")).to_have_text("DISABLED")
    page.screenshot(path=str(shots / "webhooks.png"), full_page=True)

    page.get_by_test_id(f"endpoint-link-{endpoint['id']}").click()
    page.get_by_test_id("enable").click()
    flash(page, f"Endpoint {endpoint['id']} is ENABLED.")
    expect(page.get_by_test_id("endpoint-status")).to_have_text("ENABLED")
    assert api.get(f"/ops/webhooks/{endpoint['id']}")["status"] == "ENABLED"
