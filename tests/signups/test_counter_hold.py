"""An order holds its org's gap-free counter rows (``org_sequence``) from the statement that
takes them until it commits, and every concurrent signup of the org queues on them. On
PostgreSQL, through the request path's own engine, the account's and the work order's numbers
are taken as the order commits (``sequences.numbers_at_commit``): from the statement that
advances those counters to the COMMIT nothing waits for an answer — the numbers are written in
SQL by the statements sent with it (``db.at_commit``). Each wait while the rows are locked was
measured as signups queueing on them (docs/performance.md (c))."""

import asyncio
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, event

from mascustomers.api.app import create_app
from mascustomers.db.pipelining import is_running
from mascustomers.settings import Settings
from tests.bodies import signups_of
from tests.databases import fresh_database_url
from tests.live_server import seed
from tests.signups.in_process import post_signups

WAIT = "(waits for an answer)"


def _timeline_of_one_signup(url: str, key: str, bodies: list[dict[str, Any]]) -> list[str]:
    """The statements of the last signup of ``bodies`` and, between them, each wait for the
    server's answer (the loop watching the connection's socket), through the whole app; the
    first signups create the org's counters, as its first signup does."""
    timeline: list[str] = []

    def record(conn: Any, _c: Any, statement: str, _p: Any, _context: Any, _m: bool) -> None:
        timeline.append(" ".join(statement.split()))

    async def requests() -> list[int]:
        loop = asyncio.get_running_loop()
        add_reader = loop.add_reader

        def waits(fd: int, callback: Any, *args: Any) -> None:
            timeline.append(WAIT)
            add_reader(fd, callback, *args)

        app = create_app(Settings(database_url=url, log_level="WARNING"))
        engine = app.state.database.request_engine
        transport = httpx.ASGITransport(app=app)
        statuses = []
        try:
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
                for index, body in enumerate(bodies):
                    if index == len(bodies) - 1:
                        event.listen(engine, "before_cursor_execute", record)
                        loop.add_reader = waits  # type: ignore[method-assign]
                    answer = await client.post(
                        "/v2/orgs/telco/signups",
                        content=json.dumps(body),
                        headers={"x-api-key": key, "content-type": "application/json"},
                    )
                    statuses.append(answer.status_code)
        finally:
            loop.add_reader = add_reader  # type: ignore[method-assign]
            event.remove(engine, "before_cursor_execute", record)
            await app.state.database.dispose()
        return statuses

    assert asyncio.run(requests()) == [200] * len(bodies)
    return timeline


@pytest.mark.parametrize("kind", ["mobile", "convergent"])
def test_from_the_counters_to_the_commit_nothing_waits(
    kind: str, engine: Engine, tmp_path: Path
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer and no round trips: nothing queues on the rows")
    url = fresh_database_url("counter_hold", tmp_path)
    key = seed(url)
    timeline = _timeline_of_one_signup(url, key, signups_of(kind, 40_000_000, 2))
    at_commit = [i for i, sql in enumerate(timeline) if "SELECT %(org)s, counter.name" in sql]
    assert len(at_commit) == 1, timeline  # the account's and work order's counters
    after = timeline[at_commit[0] + 1 :]
    # The only wait left is the COMMIT's, with the statements that write the numbers.
    assert after.count(WAIT) == 1, after
    assert after[-1] == WAIT, after
    # The account's number is written there (joined with the other replacements), and only
    # there: not first as a stand-in, then replaced.
    assert any("UPDATE account SET account_number = replace(" in sql for sql in after)
    assert sum("UPDATE account SET" in sql for sql in timeline) == 1, timeline
    if kind == "convergent":
        # A new landline's number is taken before: it shows in rows written before then.
        landline = [
            i for i, sql in enumerate(timeline) if "FOR UPDATE" in sql and "org_sequence" in sql
        ]
        assert len(landline) == 1, timeline
        assert landline[0] < at_commit[0], timeline
        assert timeline[landline[0] :].count(WAIT) == 2, timeline[landline[0] :]


def test_the_statements_after_the_counters_join_the_commits_run(
    engine: Engine, tmp_path: Path
) -> None:
    """Checked where they are sent: in the run (``db.pipelining.is_running``)."""
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's pipeline mode")
    url = fresh_database_url("counter_run", tmp_path)
    key = seed(url)
    seen: list[tuple[str, bool]] = []

    async def requests() -> None:
        app = create_app(Settings(database_url=url, log_level="WARNING"))
        engine = app.state.database.request_engine

        def record(conn: Any, _c: Any, statement: str, *_: Any) -> None:
            seen.append((" ".join(statement.split())[:120], is_running(conn)))

        def watch_the_second(index: int) -> None:
            if index == 1:
                event.listen(engine, "before_cursor_execute", record)

        try:
            await post_signups(app, key, signups_of("mobile", 40_100_000, 2), watch_the_second)
        finally:
            event.remove(engine, "before_cursor_execute", record)
            await app.state.database.dispose()

    asyncio.run(requests())
    first = next(i for i, (sql, _) in enumerate(seen) if "SELECT %(org)s, counter.name" in sql)
    assert all(in_run for _, in_run in seen[first:]), seen[first:]
