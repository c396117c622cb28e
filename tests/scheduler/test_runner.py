"""The scheduler on a file database with committed data: exactly once, leases, crashes, retries."""

import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from mascustomers.kit.clock import FrozenClock, use_clock
from mascustomers.models import ScheduledOperation, SubscriptionProduct
from mascustomers.scheduler import runner
from mascustomers.scheduler.config import SchedulerConfig
from mascustomers.scheduler.registry import Registry, default_registry
from mascustomers.subscriptions.jobs import apply_scheduled_product_change
from tests.catalogue_fixture import MAIN_10GB, MAIN_30GB
from tests.scheduler.conftest import T0, FileWorld, add_operation

ROOT = Path(__file__).resolve().parents[2]
CONFIG = SchedulerConfig(lease_seconds=30, batch_size=5, max_attempts=3)


class SimulatedCrash(BaseException):
    """Stands for the process dying: nothing catches it, nothing commits."""


def cli(url: str, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "MASCUSTOMERS_DATABASE_URL": url, "MASCUSTOMERS_LOG_LEVEL": "WARNING"}
    return subprocess.Popen(
        [sys.executable, "-m", "mascustomers.cli.main", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def ran_ids(output: str) -> list[int]:
    return [int(line.split("\t")[0]) for line in output.splitlines() if "\tDONE\t" in line]


def test_two_scheduler_processes_apply_each_change_once(file_world: FileWorld) -> None:
    lines = file_world.schedule_changes(40, due=T0 + timedelta(days=1))
    file_world.set_clock(T0 + timedelta(days=2))  # the test clock passes the due date

    args = ("scheduler", "tick", "--until-idle", "--batch-size", "3")
    processes = [cli(file_world.url, *args), cli(file_world.url, *args)]
    outputs = [process.communicate(timeout=300) for process in processes]

    for process, (_, err) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, err
    first, second = (ran_ids(out) for out, _ in outputs)
    assert not set(first) & set(second), "an operation ran in both processes"
    operations = file_world.operations()
    assert sorted(first + second) == [op.id for op in operations]
    assert {(op.status, op.attempts, op.leased_by) for op in operations} == {("DONE", 1, None)}
    for subscription_id in lines:
        # exactly one new tariff period, opened at the org time the scheduler ran it at
        assert file_world.product_rows(subscription_id) == [
            (MAIN_10GB, T0 + timedelta(days=2)),
            (MAIN_30GB, None),
        ]
        assert file_world.line(subscription_id).product_id == MAIN_30GB


def test_two_scheduler_processes_end_each_bonus_once(file_world: FileWorld) -> None:
    end = T0 + timedelta(days=1)
    lines = file_world.schedule_bonus_ends(20, end=end)
    file_world.set_clock(T0 + timedelta(days=2))

    args = ("scheduler", "tick", "--until-idle", "--batch-size", "3")
    processes = [cli(file_world.url, *args), cli(file_world.url, *args)]
    outputs = [process.communicate(timeout=300) for process in processes]

    for process, (_, err) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, err
    first, second = (ran_ids(out) for out, _ in outputs)
    assert not set(first) & set(second), "an operation ran in both processes"
    operations = file_world.operations()
    assert sorted(first + second) == [op.id for op in operations]
    assert {(op.kind, op.status, op.attempts) for op in operations} == {("BONUS_END", "DONE", 1)}
    for subscription_id in lines:
        # ended at its own instant, not when the scheduler ran
        assert file_world.bonus_rows(subscription_id) == [(end, "scheduler")]


def test_nothing_runs_before_its_time_on_the_org_clock(file_world: FileWorld) -> None:
    [line] = file_world.schedule_changes(1, due=T0 + timedelta(hours=1))
    registry = default_registry()
    assert runner.tick(file_world.factory, worker="w", registry=registry, config=CONFIG) == []
    file_world.set_clock(T0 + timedelta(hours=1))
    [outcome] = runner.tick(file_world.factory, worker="w", registry=registry, config=CONFIG)
    assert (outcome.status, outcome.kind, outcome.ran_at) == (
        "DONE",
        "PRODUCT_CHANGE",
        T0 + timedelta(hours=1),
    )
    assert len(file_world.product_rows(line)) == 2
    assert runner.tick(file_world.factory, worker="w", registry=registry, config=CONFIG) == []


def _crashing(session: Session, operation: ScheduledOperation, now: datetime) -> None:
    apply_scheduled_product_change(session, operation, now)
    session.flush()  # the work is in the transaction, not committed
    raise SimulatedCrash


def test_a_crash_mid_run_leaves_nothing_and_the_lease_expires(file_world: FileWorld) -> None:
    [line] = file_world.schedule_changes(1, due=T0)
    crashing = Registry({"PRODUCT_CHANGE": _crashing})

    with pytest.raises(SimulatedCrash):
        runner.tick(file_world.factory, worker="doomed", registry=crashing, config=CONFIG)

    [operation] = file_world.operations()
    assert (operation.status, operation.leased_by, operation.attempts) == ("RUNNING", "doomed", 0)
    assert file_world.product_rows(line) == [(MAIN_10GB, None)]  # nothing half-done
    healthy = default_registry()
    # another process does not take it while the lease runs...
    assert runner.tick(file_world.factory, worker="other", registry=healthy, config=CONFIG) == []
    # ...and takes it once the lease has expired
    later = FrozenClock(datetime.now(operation.due_at.tzinfo) + timedelta(seconds=31))
    with use_clock(later):
        [outcome] = runner.tick(file_world.factory, worker="other", registry=healthy, config=CONFIG)
    assert (outcome.status, outcome.attempts) == ("DONE", 1)
    assert file_world.product_rows(line) == [(MAIN_10GB, T0), (MAIN_30GB, None)]


def test_a_killed_scheduler_process_is_finished_by_the_next(
    file_world: FileWorld, tmp_path: Path
) -> None:
    [line] = file_world.schedule_changes(1, due=T0)
    marker = tmp_path / "flushed"
    env = {**os.environ, "MASCUSTOMERS_DATABASE_URL": file_world.url}
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.scheduler.crash_worker", file_world.url, str(marker)],
        cwd=ROOT,
        env=env,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            assert time.monotonic() < deadline, "the worker never reached its handler"
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)  # kill -9 with the change flushed, not committed
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()

    [operation] = file_world.operations()
    assert (operation.status, operation.leased_by) == ("RUNNING", "doomed")
    assert file_world.product_rows(line) == [(MAIN_10GB, None)]
    expired = FrozenClock(datetime.now(operation.due_at.tzinfo) + timedelta(seconds=31))
    outcomes: list[runner.Outcome] = []
    with use_clock(expired):
        for _ in range(100):  # PostgreSQL may take a moment to end the dead session
            outcomes = runner.tick(
                file_world.factory, worker="next", registry=default_registry(), config=CONFIG
            )
            if outcomes:
                break
            time.sleep(0.1)
    assert [(o.status, o.attempts) for o in outcomes] == [("DONE", 1)]
    assert file_world.product_rows(line) == [(MAIN_10GB, T0), (MAIN_30GB, None)]


def _failing(session: Session, operation: ScheduledOperation, now: datetime) -> None:
    session.add(
        SubscriptionProduct(
            subscription_id=operation.subscription_id, product_id=1, started_at=now, reason="X"
        )
    )
    session.flush()
    raise RuntimeError("provisioning platform unavailable")


def test_failures_are_retried_with_backoff_then_failed(file_world: FileWorld) -> None:
    [line] = file_world.schedule_changes(1, due=T0)
    flaky = Registry({"PRODUCT_CHANGE": _failing})
    config = SchedulerConfig(max_attempts=3, backoff_base_seconds=60, batch_size=5)
    now = T0
    for attempt, delay in ((1, 60), (2, 120)):
        [outcome] = runner.tick(file_world.factory, worker="w", registry=flaky, config=config)
        [operation] = file_world.operations()
        assert (outcome.status, operation.status, operation.attempts) == (
            "PENDING",
            "PENDING",
            attempt,
        )
        assert operation.due_at == now + timedelta(seconds=delay)
        assert operation.last_error == "RuntimeError: provisioning platform unavailable"
        assert operation.leased_by is None
        # not due again until the backoff has passed on the org's clock
        assert runner.tick(file_world.factory, worker="w", registry=flaky, config=config) == []
        now = operation.due_at
        file_world.set_clock(now)
    [outcome] = runner.tick(file_world.factory, worker="w", registry=flaky, config=config)
    [operation] = file_world.operations()
    assert (operation.status, operation.attempts) == ("FAILED", 3)
    assert file_world.product_rows(line) == [(MAIN_10GB, None)]  # every attempt rolled back


def test_an_unknown_kind_is_failed_with_its_error(file_world: FileWorld) -> None:
    with file_world.session() as session:
        add_operation(session, org_id=file_world.org_id, kind="TELEPORT", due=T0)
        session.commit()
    [outcome] = runner.tick(
        file_world.factory, worker="w", registry=default_registry(), config=CONFIG
    )
    [operation] = file_world.operations()
    assert (outcome.status, operation.status, operation.attempts) == ("FAILED", "FAILED", 1)
    assert operation.last_error == "no handler registered for operation kind 'TELEPORT'"


def test_an_unloadable_handler_is_reported(file_world: FileWorld) -> None:
    with file_world.session() as session:
        add_operation(session, org_id=file_world.org_id, kind="GHOST", due=T0)
        session.commit()
    registry = Registry({"GHOST": "mascustomers.nowhere:handler"})
    [outcome] = runner.tick(file_world.factory, worker="w", registry=registry, config=CONFIG)
    assert outcome.status == "FAILED"
    assert outcome.error is not None
    assert "cannot be loaded" in outcome.error
