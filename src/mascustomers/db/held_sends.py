"""psycopg's async connection, able to hold what it sends in the kernel until it waits for an
answer (TCP_CORK).

In a run of statements (``db.pipelining``) psycopg sends each statement as it is queued, and
the kernel makes a segment of each: one wake-up of the server and a system call more on both
sides for every row an order writes. Held, they leave together, in as few segments as fit,
when psycopg first waits for the server to answer: every wait of the connection goes through
``wait``, which lets them go before it waits to read — so nothing is ever held while an answer
is awaited (a held Sync waits for the kernel's 200 ms ceiling: the stall to avoid). No-op on
a Unix socket and where the kernel has no cork (Linux has).
"""

import socket
from collections.abc import Generator
from typing import Any

import psycopg
from psycopg.abc import PQGen
from psycopg.rows import TupleRow
from psycopg.waiting import Ready, Wait

_CORK: int | None = getattr(socket, "TCP_CORK", None)
_TCP_FAMILIES = (socket.AF_INET, socket.AF_INET6)


class HoldingConnection(psycopg.AsyncConnection[TupleRow]):
    """See the module text. ``hold()`` holds from now on; ``hold(False)`` stops holding: what
    is held leaves with the next wait for an answer, or at once with ``now=True``."""

    _wanted = False  # held between waits for an answer
    _held = False  # held on the socket now
    _over_tcp: bool | None = None

    def hold(self, on: bool = True, *, now: bool = False) -> None:
        self._wanted = on
        if on or now:
            self._cork(on)

    @property
    def is_held(self) -> bool:
        return self._held

    async def wait(self, gen: PQGen[Any], *args: Any, **kwargs: Any) -> Any:
        if self._held:
            gen = self._letting_go(gen)
        return await super().wait(gen, *args, **kwargs)

    def _letting_go(self, gen: PQGen[Any]) -> Generator[Any, Ready | int, Any]:
        """``gen``, letting what is held go while it waits only to read (the server's
        answer), holding again after if still wanted."""
        try:
            state = next(gen)
            while True:
                if state & Wait.W:
                    state = gen.send((yield state))
                    continue
                self._cork(False)
                ready = yield state
                if self._wanted:  # what it sends next, once answered, is held again
                    self._cork(True)
                state = gen.send(ready)
        except StopIteration as done:
            return done.value
        finally:
            if self._wanted:
                self._cork(True)

    def _cork(self, on: bool) -> None:
        if on == self._held or self._over_tcp is False:
            return
        fileno = self.pgconn.socket
        on_socket = socket.socket(fileno=fileno)
        try:
            if self._over_tcp is None:
                self._over_tcp = _CORK is not None and on_socket.family in _TCP_FAMILIES
            if self._over_tcp:
                on_socket.setsockopt(socket.IPPROTO_TCP, _CORK, int(on))  # type: ignore[arg-type]
        finally:
            on_socket.detach()  # libpq's socket: not to be closed here
        self._held = on and self._over_tcp
