"""A signup's round trips to PostgreSQL, through the whole app on the request engine: each one
is an await, a wake-up of the server and of the worker, and 1 ms more per signup with the
database across a network (docs/performance.md (c), "fourth look"). Counted as the waits for the
server's answer: the loop watching a connection's socket."""

import asyncio
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from mascustomers.api.app import create_app
from mascustomers.settings import Settings
from tests.bodies import signups_of
from tests.databases import fresh_database_url
from tests.live_server import seed
from tests.signups.in_process import post_signups

# BEGIN with the catalogue items (a query per kind the order names, before the run); the
# customer by document, the catalogue's hash, the tax rule and the ids, sent together; a
# number and a SIM card claimed per line, each answered with the writes before it; the
# counters (with the lines' writes); the COMMIT (with the rest).
_MOBILE = 6  # products: 2 + 1 + 2 claims + COMMIT (the counters go with it)
_CONVERGENT = 13  # products, promotions, bundle, bonus, device: 6 + 1 + 2 × 2 claims
# + the new landline's counter + COMMIT


def _waits_of_the_last(url: str, key: str, bodies: list[dict[str, Any]]) -> int:
    async def requests() -> int:
        loop = asyncio.get_running_loop()
        add_reader = loop.add_reader
        waits: list[int] = []

        def counted(fd: int, callback: Any, *args: Any) -> None:
            waits.append(fd)
            add_reader(fd, callback, *args)

        app = create_app(Settings(database_url=url, log_level="WARNING"))

        def count_the_last(index: int) -> None:
            if index == len(bodies) - 1:
                loop.add_reader = counted  # type: ignore[method-assign]

        try:
            await post_signups(app, key, bodies, count_the_last)
        finally:
            loop.add_reader = add_reader  # type: ignore[method-assign]
            await app.state.database.dispose()
        return len(waits)

    return asyncio.run(requests())


@pytest.mark.parametrize("kind", ["mobile", "convergent"])
def test_a_signup_waits_for_the_database_a_bounded_number_of_times(
    kind: str, engine: Engine, tmp_path: Path
) -> None:
    url = fresh_database_url(f"round_trips_{kind}", tmp_path)
    key = seed(url)
    # The first ones open the pool's connection and the org's counters.
    bodies = signups_of(kind, 41_000_000, 3)
    waits = _waits_of_the_last(url, key, bodies)
    if engine.dialect.name != "postgresql":
        assert waits == 0  # SQLite: no sockets, nothing to wait for
        return
    assert waits <= (_MOBILE if kind == "mobile" else _CONVERGENT)
