"""A Hypothesis state machine over the HTTP API, with the system's invariants after each step.

Steps: signups (mobile-only, prepaid, convergent), added lines, product changes, bonuses on and
off, theft/loss blocks, SIM replacements, penalties computed and confirmed, terminations and
test-clock advances. Refusals (4xx) are part of the game; a 5xx never is.
"""

import itertools
import os
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    invariant,
    multiple,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from mascustomers.auth.caller import test_clocks
from mascustomers.kit.clock import clear_org_time
from tests.bodies import convergent_signup, mobile_line, mobile_signup, owner, sales_info
from tests.catalogue_fixture import (
    ADDITIONAL_5GB,
    BONUS_3GB,
    MOBILE_ONLY_30GB,
    PREPAID_5GB,
    load_test_catalogue,
    sim_iccid,
)
from tests.factories import ApiCaller, make_key, make_org

INVARIANT_QUERIES = {
    "two live lines share a number": """
        SELECT org_id, identification_nr FROM subscription
        WHERE ended_at IS NULL AND identification_nr IS NOT NULL
        GROUP BY org_id, identification_nr HAVING COUNT(*) > 1""",
    "two live lines share a SIM": """
        SELECT org_id, iccid FROM subscription WHERE ended_at IS NULL AND iccid IS NOT NULL
        GROUP BY org_id, iccid HAVING COUNT(*) > 1""",
    "a customer without an account": """
        SELECT id FROM customer WHERE id NOT IN (SELECT customer_id FROM account)""",
    "a taken number without a line": """
        SELECT msisdn FROM msisdn WHERE status <> 'AVAILABLE' AND subscription_id IS NULL""",
    "an active SIM without a line": """
        SELECT iccid FROM sim_card WHERE status_id = 3 AND subscription_id IS NULL""",
    "a SIM bound to a line that does not use it": """
        SELECT s.iccid FROM sim_card s JOIN subscription l ON l.id = s.subscription_id
        WHERE l.iccid <> s.iccid""",
    "a line without status history": """
        SELECT id FROM subscription
        WHERE id NOT IN (SELECT subscription_id FROM subscription_status_change)""",
    "a line without a current tariff": """
        SELECT id FROM subscription WHERE id NOT IN
        (SELECT subscription_id FROM subscription_product WHERE ended_at IS NULL)""",
    "a negative penalty": "SELECT id FROM penalty_line WHERE value < 0",
    "a negative installment": """
        SELECT id FROM subscription_terminal WHERE monthly_fee < 0 OR price < 0""",
    "an invoice below zero": "SELECT id FROM invoice WHERE value_total < 0",
}


class Lifecycle(RuleBasedStateMachine):
    lines = Bundle("lines")
    prepaid_lines = Bundle("prepaid_lines")
    accounts = Bundle("accounts")

    def __init__(self, app: FastAPI, engine: Engine) -> None:
        super().__init__()
        self.connection = engine.connect()
        self.outer = self.connection.begin()
        app.state.sessionmaker = sessionmaker(
            bind=self.connection, join_transaction_mode="create_savepoint", expire_on_commit=False
        )
        app.state.key_cache.clear()
        self.session = Session(bind=self.connection, join_transaction_mode="create_savepoint")
        org = make_org(self.session, slug="telco")
        load_test_catalogue(self.session, org, numbers=300, sims=300)
        self.session.commit()
        self.api = ApiCaller(
            TestClient(app, raise_server_exceptions=False), make_key(self.session), "telco"
        )
        self.people = itertools.count(40_000_000)
        self.free_sims = iter(range(200, 300))
        self.history: dict[int, list[tuple[Any, ...]]] = {}

    def teardown(self) -> None:
        # The example's clock advance is rolled back below: the process-wide clock cache
        # (kept up to a second) must forget it too, or the next example runs on it.
        test_clocks.forget()
        clear_org_time("telco")
        self.session.close()
        self.outer.rollback()
        self.connection.close()

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.api.request(method, path, **kwargs)
        assert response.status_code < 500, (method, path, response.text)
        if response.status_code >= 400:
            assert set(response.json()) == {"code", "status", "message", "detailMsg"}
        return response

    @rule(target=lines, shop_sim=st.booleans(), scoring=st.sampled_from([None, 100, 300, 900]))
    def signup_mobile(self, shop_sim: bool, scoring: int | None) -> Any:
        line = mobile_line(iccid=sim_iccid(next(self.free_sims))) if shop_sim else mobile_line()
        body = mobile_signup(
            person=owner(next(self.people)),
            line=line,
            scoring=None if scoring is None else {"scoring_value": scoring},
        )
        response = self.call("POST", "/signups", json=body)
        if response.status_code != 200:
            return multiple()
        return response.json()["account_info"]["subscriptions"][0]["subscription_id"]

    @rule(target=prepaid_lines)
    def signup_prepaid(self) -> Any:
        body = mobile_signup(
            person=owner(next(self.people)), billing_type_id=2, line=mobile_line(PREPAID_5GB)
        )
        response = self.call("POST", "/signups", json=body)
        return (
            response.json()["account_info"]["subscriptions"][0]["subscription_id"]
            if response.status_code == 200
            else multiple()
        )

    @rule(target=accounts)
    def signup_convergent(self) -> Any:
        response = self.call(
            "POST",
            "/signups",
            json=convergent_signup(person=owner(next(self.people)), with_tv=False),
        )
        return (
            response.json()["account_info"]["account_id"]
            if response.status_code == 200
            else multiple()
        )

    @rule(account=accounts)
    def add_line(self, account: int) -> None:
        body = {
            "sales_info": sales_info(),
            "account": {
                "account_id": account,
                "subscriptions": {
                    "mobile_lines": [{"type": "additional", "product_id": ADDITIONAL_5GB}]
                },
            },
        }
        self.call("POST", "/signups/subscriptions", json=body)

    @rule(line=lines)
    def change_product(self, line: int) -> None:
        self.call("PATCH", f"/subscriptions/{line}/products", json={"productId": MOBILE_ONLY_30GB})

    @rule(line=lines, on=st.booleans())
    def bonus(self, line: int, on: bool) -> None:
        if on:
            self.call("PUT", f"/subscriptions/{line}/bonuses", json={"bonusId": BONUS_3GB})
        else:
            self.call("DELETE", f"/subscriptions/{line}/bonuses/{BONUS_3GB}")

    @rule(line=lines, block=st.sampled_from([1, 2, 3]), active=st.booleans())
    def block(self, line: int, block: int, active: bool) -> None:
        self.call(
            "PATCH",
            f"/subscriptions/{line}/blocks/{block}",
            json={"active": active, "reason": "prueba"},
        )

    @rule(line=lines)
    def replace_sim(self, line: int) -> None:
        body = {
            "dealer_id": "D001",
            "shop_id": "S001",
            "logistic": False,
            "new_icc": sim_iccid(next(self.free_sims, 299)),
        }
        self.call("PATCH", f"/subscriptions/{line}/sim-replacement", json=body)

    @rule(line=prepaid_lines, amount=st.sampled_from(["5.00", "10.00", "20.00"]))
    def recharge(self, line: int, amount: str) -> None:
        self.call(
            "POST",
            f"/v2/orgs/telco/ops/subscriptions/{line}/recharges",
            json={"amount": amount, "origin_id": 1, "movement_type_id": 1},
        )

    @rule(account=accounts, confirm=st.booleans())
    def penalties(self, account: int, confirm: bool) -> None:
        response = self.call("GET", f"/penalties/{account}", params={"reason": "unsubscribe"})
        if confirm and response.status_code == 200:
            self.call("PUT", f"/penalties/{response.json()[0]['computed_penalty_id']}")

    @rule(line=consumes(lines))
    def terminate(self, line: int) -> None:
        self.call(
            "POST", f"/v2/orgs/telco/ops/subscriptions/{line}/termination", json={"motive_id": 1}
        )

    @rule(days=st.integers(min_value=1, max_value=45))
    def advance_clock(self, days: int) -> None:
        current = self.call("GET", "/v2/orgs/telco/ops/clock")
        if current.status_code != 200:
            return
        now = current.json().get("now") or current.json().get("current_time")
        if not now:
            return
        from datetime import datetime

        target = datetime.fromisoformat(now.replace("Z", "+00:00")) + timedelta(days=days)
        self.call(
            "POST",
            "/v2/orgs/telco/ops/clock",
            json={"advance_to": target.strftime("%Y-%m-%dT%H:%M:%SZ")},
        )

    @invariant()
    def database_is_consistent(self) -> None:
        self.session.expire_all()
        for problem, query in INVARIANT_QUERIES.items():
            rows = self.session.execute(text(query)).all()
            assert rows == [], f"{problem}: {rows[:5]}"

    @invariant()
    def reserved_sims_belong_to_a_line_or_a_held_order(self) -> None:
        held = (
            self.session.execute(text("SELECT request FROM sell WHERE status = 'HELD'"))
            .scalars()
            .all()
        )
        held_text = " ".join(str(request) for request in held)
        loose = (
            self.session.execute(
                text("SELECT iccid FROM sim_card WHERE status_id = 2 AND subscription_id IS NULL")
            )
            .scalars()
            .all()
        )
        assert [iccid for iccid in loose if iccid not in held_text] == []

    @invariant()
    def histories_only_grow_in_order(self) -> None:
        rows = self.session.execute(
            text(
                "SELECT subscription_id, id, status_id, changed_at FROM subscription_status_change"
                " ORDER BY subscription_id, id"
            )
        ).all()
        current: dict[int, list[tuple[Any, ...]]] = {}
        for subscription_id, row_id, status_id, changed_at in rows:
            current.setdefault(subscription_id, []).append((row_id, status_id, changed_at))
        for subscription_id, seen in self.history.items():
            assert current.get(subscription_id, [])[: len(seen)] == seen, (
                f"history of {subscription_id} rewritten"
            )
        for changes in current.values():
            times = [c[2] for c in changes]
            assert times == sorted(times), "status history out of order"
        self.history = current


@pytest.mark.slow
def test_lifecycle_state_machine(app: FastAPI, engine: Engine) -> None:
    run_state_machine_as_test(
        lambda: Lifecycle(app, engine),
        settings=settings(
            max_examples=int(os.environ.get("MASCUSTOMERS_STATEFUL_EXAMPLES", "8")),
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
            # Shrinking a failing run can take minutes; set MASCUSTOMERS_SHRINK=1 to shrink.
            phases=list(Phase)
            if os.environ.get("MASCUSTOMERS_SHRINK")
            else [Phase.explicit, Phase.generate],
        ),
    )
