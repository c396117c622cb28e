"""Several uvicorn workers, each accepting on a listening socket of its own (SO_REUSEPORT).

uvicorn's workers share one listening socket, and asyncio accepts every connection waiting on
it in one go: a client that opened its 16 connections together found all of them on one of two
workers in 7 of 16 runs, a fifth of the CPU idle (bench/bench_worker_sockets.py; signups on
PostgreSQL 5–28 % slower than the same round with a socket per worker, docs/performance.md).
With one socket per worker, all in one SO_REUSEPORT group, the kernel hands each new connection
to a socket by a hash of its addresses.

- The parent binds and listens on every socket before the workers start, and keeps them. Were a
  socket to join the group only when its worker had started, a client opening its connections
  while the other worker was still starting would get them all on the first (seen in 2 of 5 runs
  of bench/bench_worker_sockets.py); this way a connection handed to a worker still starting
  waits for it. A worker that dies is replaced on the same socket, so the connections queued on
  it wait for the replacement instead of being reset.
- Before that the parent binds the address once without SO_REUSEPORT, so a server already
  listening there — workers left behind by a killed parent included — stops the start instead
  of silently sharing the port with it.
- Each worker asks the kernel for SIGTERM when the parent dies (PR_SET_PDEATHSIG), so a kill -9
  of the parent leaves no worker serving on.
"""

import ctypes
import logging
import os
import signal
import socket
import sys
import threading

from uvicorn import Config
from uvicorn.config import STARTUP_FAILURE
from uvicorn.supervisors.multiprocess import Multiprocess, Process

logger = logging.getLogger("uvicorn.error")

_PR_SET_PDEATHSIG = 1


def serve(config: Config) -> None:
    """Serve ``config.app`` (an import string) with ``config.workers`` workers until SIGTERM."""
    if not sys.platform.startswith("linux"):
        # elsewhere SO_REUSEPORT does not spread connections (or does not exist)
        Multiprocess(config, sockets=[config.bind_socket()]).run()
        return
    _Supervisor(config, listening_sockets(config)).run()


def listening_sockets(config: Config) -> list[socket.socket]:
    """One listening socket per worker on ``config.host``:``config.port``; exits if taken."""
    family = socket.AF_INET6 if ":" in config.host else socket.AF_INET
    with socket.socket(family) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((config.host, config.port))
        except OSError as exc:
            logger.error("cannot serve on %s port %s: %s", config.host, config.port, exc)
            sys.exit(STARTUP_FAILURE)
        port = probe.getsockname()[1]  # the port the kernel chose when asked for port 0
    sockets = []
    for _ in range(config.workers):
        sock = socket.socket(family)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((config.host, port))
        sock.listen(config.backlog)
        sockets.append(sock)
    return sockets


class _Worker(Process):
    """uvicorn's worker process (health pings over a pipe), bound to the parent's life."""

    def __init__(self, config: Config, sock: socket.socket) -> None:
        self.parent_pid = os.getpid()
        self.has_served = False
        super().__init__(config, [sock])

    def answers(self, timeout: float) -> bool:
        """Whether the worker answers its health ping; notes when its app has started."""
        if not self.process.is_alive():
            return False
        started = self._healthcheck(timeout)
        self.has_served = self.has_served or bool(started)
        return started is not None

    def target(self, sockets: list[socket.socket] | None = None) -> None:  # pragma: no cover
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != self.parent_pid:  # the parent died before the request was made
            return
        super().target(sockets)


class _Supervisor:
    def __init__(self, config: Config, sockets: list[socket.socket]) -> None:
        self.config = config
        self.sockets = sockets
        self.should_exit = threading.Event()
        self.failed = False

    def run(self) -> None:
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT):
            signal.signal(sig, lambda *_: self.should_exit.set())
        workers = [self._start(sock) for sock in self.sockets]
        while not self.should_exit.wait(0.5):
            for index, worker in enumerate(workers):
                if not self.should_exit.is_set() and not worker.answers(
                    self.config.timeout_worker_healthcheck
                ):
                    workers[index] = self._replace(worker, self.sockets[index])
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.join()
        for sock in self.sockets:
            sock.close()
        if self.failed:
            sys.exit(STARTUP_FAILURE)

    def _replace(self, worker: _Worker, sock: socket.socket) -> _Worker:
        worker.kill()  # dead, or alive but not answering its health pings
        worker.join()
        if not worker.has_served and (worker.exitcode or 0) >= 0:
            # it ended by itself before serving (not killed by a signal): the app or its
            # settings are broken, and every replacement would fail the same way
            logger.error(
                "worker %s ended before it served (%s); stopping", worker.pid, worker.exitcode
            )
            self.failed = True
            self.should_exit.set()
            return worker
        logger.warning("worker %s ended (%s); starting another", worker.pid, worker.exitcode)
        return self._start(sock)

    def _start(self, sock: socket.socket) -> _Worker:
        worker = _Worker(self.config, sock)
        worker.start()
        return worker
