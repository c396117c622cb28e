"""An order holds its org's gap-free counter rows (``org_sequence``) from the statement that
takes them until it commits, and every concurrent signup of the org queues on them. On
PostgreSQL, through the request path's own engine, everything after that statement — the
numbers written, the work order, the contracts, the events and the COMMIT — must go out as one
run (``db.pipelining``): each round trip more while the rows are locked was measured as
signups waiting in line (docs/performance.md (c))."""

import asyncio
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, event

from mascustomers.api.app import create_app
from mascustomers.db.pipelining import NEEDS_NO_ANSWER, is_running
from mascustomers.settings import Settings
from tests.bodies import signups_of
from tests.databases import fresh_database_url
from tests.live_server import seed


def _statements_of_one_signup(
    url: str, key: str, bodies: list[dict[str, Any]]
) -> list[tuple[str, bool]]:
    """(statement, sent in a run) for each statement of the last signup of ``bodies``, through
    the whole app (the first ones create the org's counters, as its first signup does)."""
    seen: list[tuple[str, bool]] = []

    def record(conn: Any, _c: Any, statement: str, _p: Any, context: Any, _m: bool) -> None:
        marked = context is not None and bool(context.execution_options.get(NEEDS_NO_ANSWER))
        # Listeners run in order: pipelining's own ended any run before an unmarked one.
        seen.append((" ".join(statement.split())[:200], marked and is_running(conn)))

    async def requests() -> list[int]:
        app = create_app(Settings(database_url=url, log_level="WARNING"))
        engine = app.state.database.request_engine
        transport = httpx.ASGITransport(app=app)
        statuses = []
        try:
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
                for index, body in enumerate(bodies):
                    if index == len(bodies) - 1:
                        event.listen(engine, "before_cursor_execute", record)
                    answer = await client.post(
                        "/v2/orgs/telco/signups",
                        content=json.dumps(body),
                        headers={"x-api-key": key, "content-type": "application/json"},
                    )
                    statuses.append(answer.status_code)
        finally:
            event.remove(engine, "before_cursor_execute", record)
            await app.state.database.dispose()
        return statuses

    assert asyncio.run(requests()) == [200] * len(bodies)
    return seen


@pytest.mark.parametrize("kind", ["mobile", "convergent"])
def test_after_the_counters_an_order_is_one_round_trip(
    kind: str, engine: Engine, tmp_path: Path
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer and no round trips: nothing queues on the rows")
    url = fresh_database_url("counter_hold", tmp_path)
    key = seed(url)
    bodies = signups_of(kind, 40_000_000, 2)
    statements = _statements_of_one_signup(url, key, bodies)
    events = [i for i, (sql, _) in enumerate(statements) if sql.startswith("WITH advanced")]
    taken = [
        i for i, (sql, _) in enumerate(statements) if "org_sequence" in sql and i not in events
    ]
    assert len(taken) == 1, statements  # the order's counters: one statement
    assert len(events) == 1, statements
    assert events[0] > taken[0], statements  # the events are numbered at commit
    after = statements[taken[0] + 1 :]
    left_out = [sql for sql, in_run in after if not in_run]
    assert left_out == [], f"sent on their own while the counter rows are locked: {left_out}"
