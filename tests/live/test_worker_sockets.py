"""`mascustomers serve --workers N`: each worker accepts on a listening socket of its own, the
kernel spreads connections opened at once across them, and the parent's life bounds theirs.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from tests.live.proc_sockets import ESTABLISHED, LISTEN, by_worker, gone
from tests.live_server import free_port, kill_hard, live_server, opened_at_once, start

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def _wait_for(check: Callable[[], bool], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def _listening_workers(parent: int, port: int, count: int) -> dict[int, set[str]]:
    _wait_for(lambda: len(by_worker(parent, port, LISTEN)) == count)
    return by_worker(parent, port, LISTEN)


def _serve_until_it_stops(port: int, database_url: str) -> "subprocess.CompletedProcess[str]":
    """`mascustomers serve --workers 2`, expected to stop by itself (within a minute)."""
    serve = ["serve", "--port", str(port), "--workers", "2"]
    return subprocess.run(
        [sys.executable, "-m", "mascustomers.cli.main", *serve],
        env={**os.environ, "MASCUSTOMERS_DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_connections_opened_at_once_spread_over_the_workers(tmp_path: Path, worker_id: str) -> None:
    with live_server(tmp_path, f"live_sockets_{worker_id}", workers=2) as server:
        listening = _listening_workers(server.process.pid, server.port, 2)
        first, second = listening.values()
        assert len(first) == len(second) == 1, listening
        assert not first & second, listening

        with opened_at_once(server.port, 32, "/health/live") as heads:
            assert all(head.startswith(b"HTTP/1.1 200") for head in heads)
            split = {
                pid: len(inodes)
                for pid, inodes in by_worker(server.process.pid, server.port, ESTABLISHED).items()
            }
        print(f"\n32 connections opened at once, per worker: {sorted(split.values())}")
        assert sum(split.values()) == 32, split
        assert len(split) == 2, split


def test_a_killed_parent_leaves_no_worker_serving(tmp_path: Path, worker_id: str) -> None:
    with live_server(tmp_path, f"live_orphans_{worker_id}", workers=2) as server:
        workers = list(_listening_workers(server.process.pid, server.port, 2))
        kill_hard(server.process)
        _wait_for(lambda: all(gone(pid) for pid in workers), seconds=15)
        # the port is free again: a new server starts on it and answers
        again = start(server.database_url, server.port, workers=2)
        try:
            with server.client() as client:
                assert client.get("/v2/orgs/telco/signups/master-data").status_code == 200
        finally:
            again.terminate()
            again.wait(timeout=10)


def test_a_taken_port_stops_the_start(tmp_path: Path) -> None:
    port = free_port()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", port))
        taken.listen()
        ended = _serve_until_it_stops(port, f"sqlite:///{tmp_path / 'x.db'}")
    assert ended.returncode == 3
    assert "cannot serve on 127.0.0.1 port" in ended.stderr


def test_a_dead_worker_is_replaced_on_its_socket(tmp_path: Path, worker_id: str) -> None:
    with live_server(tmp_path, f"live_replaced_{worker_id}", workers=2) as server:
        before = _listening_workers(server.process.pid, server.port, 2)
        dead, inodes = next(iter(before.items()))
        os.kill(dead, signal.SIGKILL)
        # new connections meanwhile: the ones the kernel hands to the dead worker's socket
        # wait for its replacement
        statuses = []
        for _ in range(30):
            with httpx.Client(base_url=server.url, timeout=30) as client:
                statuses.append(client.get("/health/live").status_code)
        after = _listening_workers(server.process.pid, server.port, 2)
        assert dead not in after
        assert inodes in after.values()
        assert statuses == [200] * 30


def test_a_worker_that_cannot_start_stops_the_server(tmp_path: Path) -> None:
    """Broken settings fail every replacement the same way: the server stops, it does not
    start workers forever."""
    ended = _serve_until_it_stops(free_port(), "nosuchdatabase://")
    assert ended.returncode == 3
    assert "ended before it served" in ended.stderr
