"""A real server (`mascustomers serve`) in a subprocess on 127.0.0.1, on its own database."""

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy.orm import Session

from mascustomers.db import migrate
from mascustomers.db.engine import make_engine
from tests.catalogue_fixture import load_test_catalogue
from tests.databases import fresh_database_url
from tests.factories import make_key, make_org


@dataclass
class LiveServer:
    url: str
    key: str
    database_url: str
    process: subprocess.Popen[bytes]
    port: int

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, headers={"x-api-key": self.key}, timeout=30)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def seed(database_url: str, *, numbers: int = 100, sims: int = 60) -> str:
    """Migrate, create org telco with the test catalogue, return an all-permission key."""
    migrate.upgrade(database_url)
    engine = make_engine(database_url)
    with Session(engine) as session:
        org = make_org(session, slug="telco")
        load_test_catalogue(session, org, numbers=numbers, sims=sims)
        session.commit()
        key = make_key(session, org_slug="telco")
    engine.dispose()
    return key


def start(
    database_url: str, port: int, workers: int = 1, env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "MASCUSTOMERS_DATABASE_URL": database_url,
        "MASCUSTOMERS_LOG_LEVEL": "WARNING",
        **(env or {}),
    }
    # served as operators serve it: several workers each accept on a socket of their own
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mascustomers.cli.main",
            "serve",
            "--port",
            str(port),
            "--workers",
            str(workers),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if _every_worker_answers(port, workers):
            return process
        time.sleep(0.1)
    process.kill()
    raise RuntimeError("the server did not start")


def _every_worker_answers(port: int, workers: int) -> bool:
    """Whether a burst of connections is answered at once: each worker listens on a socket of
    its own from the start, and a connection the kernel hands to a worker still starting waits
    for it (16 connections all on one of 2 workers: 1 in 32,768)."""
    try:
        with opened_at_once(port, 1 if workers == 1 else 16, "/health/ready", timeout=1) as heads:
            return all(head.startswith(b"HTTP/1.1 200") for head in heads)
    except OSError:  # refused, reset or timed out: not serving yet
        return False


@contextmanager
def opened_at_once(
    port: int, count: int, path: str, *, timeout: float | None = None
) -> Iterator[list[bytes]]:
    """``count`` connections opened before the first request is sent (as wrk opens them), each
    sent ``GET path``; the start of each answer, the connections kept open until the block
    ends."""
    connections: list[socket.socket] = []
    try:
        for _ in range(count):
            connections.append(socket.create_connection(("127.0.0.1", port), timeout=timeout))
        for connection in connections:
            connection.sendall(f"GET {path} HTTP/1.1\r\nHost: t\r\n\r\n".encode())
        yield [connection.recv(64) for connection in connections]
    finally:
        for connection in connections:
            connection.close()


def kill_hard(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)


@contextmanager
def live_server(
    tmp: Path,
    name: str,
    *,
    workers: int = 1,
    env: dict[str, str] | None = None,
    prepare: "Callable[[str], None] | None" = None,
) -> Iterator[LiveServer]:
    """A fresh database seeded with org telco (and whatever ``prepare`` adds), served."""
    database_url = fresh_database_url(name, tmp)
    key = seed(database_url)
    if prepare is not None:
        prepare(database_url)
    port = free_port()
    process = start(database_url, port, workers, env)
    try:
        yield LiveServer(f"http://127.0.0.1:{port}", key, database_url, process, port)
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=10)
