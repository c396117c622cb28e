"""kill -9 the server mid-stream of signups: every 2xx signup is whole, nothing is half there."""

import threading
import time
from pathlib import Path

import httpx
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mascustomers.db.engine import make_engine
from mascustomers.inventory.states import NumberStatus
from mascustomers.models import (
    Account,
    Customer,
    IdempotentRequest,
    Msisdn,
    Sell,
    SimCard,
    Subscription,
    WorkOrder,
)
from tests.bodies import convergent_signup, owner
from tests.databases import fresh_database_url
from tests.live_server import free_port, kill_hard, seed, start


def _stream(url: str, key: str, acknowledged: list[int], stop: threading.Event) -> None:
    with httpx.Client(base_url=url, headers={"x-api-key": key}, timeout=10) as client:
        for i in range(10_000):
            if stop.is_set():
                return
            body = convergent_signup(person=owner(30_000_000 + i), lines=1, with_tv=False)
            body["products"]["bundle"].pop("ott")
            try:
                response = client.post("/v2/orgs/telco/signups", json=body)
            except httpx.TransportError:
                return
            if response.status_code == 200:
                acknowledged.append(response.json()["sell_id"])


def test_kill_mid_stream(tmp_path: Path, worker_id: str) -> None:
    database_url = fresh_database_url(f"live_crash_{worker_id}", tmp_path)
    key = seed(database_url, numbers=2000, sims=2000)
    port = free_port()
    process = start(database_url, port)
    acknowledged: list[int] = []
    stop = threading.Event()
    sender = threading.Thread(
        target=_stream, args=(f"http://127.0.0.1:{port}", key, acknowledged, stop)
    )
    sender.start()
    deadline = time.monotonic() + 30
    while len(acknowledged) < 15 and time.monotonic() < deadline:
        time.sleep(0.05)
    kill_hard(process)
    stop.set()
    sender.join(timeout=30)
    assert len(acknowledged) >= 15

    process = start(database_url, port)  # restarts cleanly on the same files
    try:
        with httpx.Client(
            base_url=f"http://127.0.0.1:{port}", headers={"x-api-key": key}
        ) as client:
            assert client.get("/health/ready").status_code == 200
        engine = make_engine(database_url)
        with Session(engine) as session:
            sells = {s.id: s for s in session.scalars(select(Sell)).all()}
            for sell_id in acknowledged:
                sell = sells[sell_id]
                lines = session.scalars(
                    select(Subscription).where(Subscription.sell_id == sell_id)
                ).all()
                assert len(lines) == 3  # landline, fibre, main mobile line
                assert (
                    session.scalar(
                        select(func.count())
                        .select_from(WorkOrder)
                        .where(WorkOrder.sell_id == sell_id)
                    )
                    == 1
                )
                assert sell.account_id is not None
            # Nothing half there: every customer has an account, every taken number and SIM a line.
            customers_without_account = session.scalar(
                select(func.count())
                .select_from(Customer)
                .where(~Customer.id.in_(select(Account.customer_id)))
            )
            assert customers_without_account == 0
            orphan_numbers = session.scalar(
                select(func.count())
                .select_from(Msisdn)
                .where(Msisdn.status != NumberStatus.AVAILABLE, Msisdn.subscription_id.is_(None))
            )
            assert orphan_numbers == 0
            orphan_sims = session.scalar(
                select(func.count())
                .select_from(SimCard)
                .where(SimCard.status_id != 1, SimCard.subscription_id.is_(None))
            )
            assert orphan_sims == 0
            accounts_without_lines = session.scalar(
                select(func.count())
                .select_from(Account)
                .where(~Account.id.in_(select(Subscription.account_id)))
            )
            assert accounts_without_lines == 0
        engine.dispose()
    finally:
        process.terminate()
        process.wait(timeout=10)


STREAMS = 4


def _keyed_body(i: int) -> dict[str, object]:
    body = convergent_signup(person=owner(70_000_000 + i), lines=1, with_tv=False)
    body["products"]["bundle"].pop("ott")  # type: ignore[index]
    return body


def _keyed_stream(
    url: str,
    key: str,
    first: int,
    answers: dict[int, httpx.Response],
    sent: set[int],
    stop: threading.Event,
) -> None:
    with httpx.Client(base_url=url, headers={"x-api-key": key}, timeout=10) as client:
        for i in range(first, 10_000, STREAMS):
            if stop.is_set():
                return
            sent.add(i)
            try:
                answers[i] = client.post(
                    "/v2/orgs/telco/signups",
                    json=_keyed_body(i),
                    headers={"Idempotency-Key": f"signup-{i}"},
                )
            except httpx.TransportError:
                return


def test_kill_mid_stream_with_idempotency_keys(tmp_path: Path, worker_id: str) -> None:
    """Signups sent with keys from four clients; the server is killed mid-stream and started
    again; every request is retried with its key and body. Each retry gets the original answer
    or runs once: no key is left without an answer, no order is placed twice."""
    database_url = fresh_database_url(f"live_crash_keys_{worker_id}", tmp_path)
    key = seed(database_url, numbers=2000, sims=2000)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    process = start(database_url, port)
    answers: dict[int, httpx.Response] = {}
    sent: set[int] = set()
    stop = threading.Event()
    senders = [
        threading.Thread(target=_keyed_stream, args=(url, key, n, answers, sent, stop))
        for n in range(STREAMS)
    ]
    for sender in senders:
        sender.start()
    deadline = time.monotonic() + 30
    while len(answers) < 20 and time.monotonic() < deadline:
        time.sleep(0.02)
    kill_hard(process)
    stop.set()
    for sender in senders:
        sender.join(timeout=30)
    unanswered = sent - set(answers)
    assert len(answers) >= 20
    process = start(database_url, port)
    try:
        with httpx.Client(base_url=url, headers={"x-api-key": key}, timeout=30) as client:
            retries = {
                i: client.post(
                    "/v2/orgs/telco/signups",
                    json=_keyed_body(i),
                    headers={"Idempotency-Key": f"signup-{i}"},
                )
                for i in sorted(sent)
            }
        for i, retry in retries.items():
            assert retry.status_code == 200, (i, retry.text)
            if i in answers and answers[i].status_code == 200:
                assert retry.headers.get("idempotent-replayed") == "true"
                assert retry.json() == answers[i].json()
        engine = make_engine(database_url)
        with Session(engine) as session:
            stored = session.scalars(select(IdempotentRequest)).all()
            assert sorted(r.key for r in stored) == sorted(f"signup-{i}" for i in sent)
            assert all(r.status_code == 200 for r in stored)
            documents = [c.document_value for c in session.scalars(select(Customer)).all()]
            assert len(documents) == len(set(documents)) == len(sent)
            sells = session.scalar(select(func.count()).select_from(Sell))
            assert sells == len(sent)
        engine.dispose()
        # The requests the crash cut off (if any) were run by their retry or replayed.
        assert unanswered <= set(retries)
        replayed = sum(1 for r in retries.values() if r.headers.get("idempotent-replayed"))
        print(
            f"\nkill -9: {len(sent)} signups sent, {len(answers)} answered before the kill, "
            f"{len(unanswered)} cut off; retries: {replayed} replayed, "
            f"{len(retries) - replayed} run; {sells} orders, {len(stored)} keys, all answered"
        )
    finally:
        process.terminate()
        process.wait(timeout=10)
