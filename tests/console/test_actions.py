"""Console actions call the API's service functions: same effects, same refusals, and the
staff user's name as the actor in the histories the API writes."""

import re

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from mascustomers.models import SubscriptionBlock, SubscriptionStatusChange
from tests.catalogue_fixture import BONUS_3GB
from tests.console.conftest import sign_up
from tests.console.support import Console
from tests.factories import ApiCaller


def _refusal(html: str) -> dict[str, str]:
    """The ErrorMessage fields the refusal page shows."""
    fields = {}
    for name, key in (
        ("error-code", "code"),
        ("error-message", "message"),
        ("error-detail", "detailMsg"),
    ):
        found = re.search(rf'data-testid="{name}">([^<]*)<', html)
        assert found is not None, html
        fields[key] = found.group(1).replace("&#39;", "'").replace("&#34;", '"')
    return fields


@pytest.mark.usefixtures("catalogue")
def test_a_refusal_shows_the_api_error_message(admin: Console, api: ApiCaller) -> None:
    line = sign_up(api)
    sub = line["subscription_id"]
    api_answer = api.patch(f"/subscriptions/{sub}/products", json={"productId": 2202})
    assert api_answer.status_code == 400

    console_answer = admin.post(f"/console/subscriptions/{sub}/product", {"product_id": "2202"})

    assert console_answer.status_code == 400
    expected = api_answer.json()
    assert _refusal(console_answer.text) == {
        key: expected[key] for key in ("code", "message", "detailMsg")
    }


@pytest.mark.usefixtures("catalogue")
def test_a_block_set_and_lifted_in_the_console_names_the_staff_user(
    admin: Console, api: ApiCaller, session: Session
) -> None:
    line = sign_up(api)
    sub = line["subscription_id"]

    blocked = admin.post(
        f"/console/subscriptions/{sub}/blocks/1", {"active": "true", "reason": "robado"}
    )
    assert blocked.status_code == 303, blocked.text
    assert [b["id"] for b in api.get(f"/subscriptions/{sub}/blocks").json()["items"]] == [1]
    lifted = admin.post(f"/console/subscriptions/{sub}/blocks/1", {"active": "false"})
    assert lifted.status_code == 303, lifted.text

    assert api.get(f"/subscriptions/{sub}/blocks").json()["items"] == []
    rows = session.scalars(
        select(SubscriptionBlock).where(SubscriptionBlock.subscription_id == sub)
    ).all()
    assert {row.modified_by for row in rows} == {"ana"}


@pytest.mark.usefixtures("catalogue")
def test_a_line_ended_in_the_console_has_the_staff_user_in_its_status_history(
    admin: Console, api: ApiCaller, session: Session
) -> None:
    sub = sign_up(api)["subscription_id"]
    status = api.get(f"/subscriptions/{sub}").json()["subscription_status"]["id"]
    motive = "1" if status in (1, 3) else "101"  # live: termination; not yet: cancellation

    ended = admin.post(f"/console/subscriptions/{sub}/termination", {"motive_id": motive})

    assert ended.status_code == 303, ended.text
    history = api.get(f"/subscriptions/{sub}", params={"include": "historical_status"}).json()
    assert history["subscription_status"]["value"] in ("BAJA", "CANCELADO")
    assert history["historical_status"][-1]["modified_by"] == "ana"
    actors = session.scalars(
        select(SubscriptionStatusChange.modified_by)
        .where(SubscriptionStatusChange.subscription_id == sub)
        .order_by(SubscriptionStatusChange.id)
    ).all()
    assert actors[0] == "test-key"  # the signup, by the API key
    assert actors[-1] == "ana"


@pytest.mark.usefixtures("catalogue")
def test_a_bonus_added_and_removed_in_the_console_is_what_the_api_lists(
    admin: Console, api: ApiCaller
) -> None:
    sub = sign_up(api)["subscription_id"]

    added = admin.post(f"/console/subscriptions/{sub}/bonuses", {"bonus_id": str(BONUS_3GB)})
    assert added.status_code == 303, added.text
    assert BONUS_3GB in [b["id"] for b in api.get(f"/subscriptions/{sub}/bonuses").json()["items"]]
    page = admin.get(f"/console/subscriptions/{sub}")
    assert f'data-testid="bonus-{BONUS_3GB}"' in page.text
    assert f"Bonus {BONUS_3GB} added." in page.text  # the flash, shown once
    assert f"Bonus {BONUS_3GB} added." not in admin.get(f"/console/subscriptions/{sub}").text

    removed = admin.post(f"/console/subscriptions/{sub}/bonuses/{BONUS_3GB}/remove")
    assert removed.status_code == 303, removed.text
    assert api.get(f"/subscriptions/{sub}/bonuses").json()["items"] == []
    inactive = api.get(f"/subscriptions/{sub}/bonuses", params={"filter": "inactive"}).json()
    assert [b["id"] for b in inactive["items"]] == [BONUS_3GB]


@pytest.mark.usefixtures("catalogue")
@pytest.mark.parametrize("by", ["phone", "email", "document", "account", "iccid"])
def test_every_search_finds_the_customer(admin: Console, api: ApiCaller, by: str) -> None:
    line = sign_up(api, number=23456789)
    account = api.get(f"/accounts/{line['account_id']}").json()
    detail = api.get(f"/subscriptions/{line['subscription_id']}").json()
    value = {
        "phone": line["number"],
        "email": line["email"].upper(),
        "document": "23456789D",
        "account": account["account_number"],
        "iccid": detail["iccid"],
    }[by]

    found = admin.get(
        "/console/search",
        params={"by": by, "q": value, "document_type": "NIF"},
        follow_redirects=False,
    )

    assert found.status_code == 303, found.text
    assert found.headers["location"] == f"/console/customers/{line['customer_id']}"
    missed = admin.get(
        "/console/search", params={"by": by, "q": "600000001" if by == "phone" else "x9"}
    )
    assert missed.status_code in (400, 404)


@pytest.mark.usefixtures("catalogue")
def test_every_page_renders_for_a_signed_up_customer(admin: Console, api: ApiCaller) -> None:
    line = sign_up(api)
    for path in (
        "/console/",
        f"/console/customers/{line['customer_id']}",
        f"/console/accounts/{line['account_id']}",
        f"/console/subscriptions/{line['subscription_id']}",
        "/console/queues/risk-holds",
        "/console/queues/work-orders",
        "/console/queues/work-orders?status=33",
        "/console/billing",
        "/console/clock",
    ):
        page = admin.get(path)
        assert page.status_code == 200, (path, page.text)
        assert 'data-testid="who">ana · Admin' in page.text
    assert admin.get("/console/customers/999999").status_code == 404
    assert admin.get("/console/accounts/abc").status_code == 400
    assert admin.get("/console/customers/1?users_page=0").status_code == 400


def test_signed_out_pages_go_to_the_sign_in_page(client: object) -> None:
    answer = client.get("/console/billing", follow_redirects=False)  # type: ignore[attr-defined]
    assert answer.status_code == 303
    assert answer.headers["location"] == "/console/login?next=/console/billing"
