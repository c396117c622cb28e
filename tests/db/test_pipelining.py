"""Writes sent together (``db.pipelining``) on the request path's own engine, in a greenlet as
a request runs them: on PostgreSQL marked writes go out in one run, a statement that needs an
answer ends the run first and sees them, the last writes can go out with the commit, a failed
write is raised as SQLAlchemy's error and leaves nothing behind, and so does a session closed
in the middle of a run; on SQLite nothing changes."""

import asyncio
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, TypeVar

import psycopg
import pytest
from sqlalchemy import (
    Column,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    event,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mascustomers.db.base import JsonDoc, Money, UtcDateTime
from mascustomers.db.database import Database, run_sync
from mascustomers.db.pipelining import NO_ANSWER, is_running, pipelined, send, until_commit
from mascustomers.db.prepared import PreparedSelect
from mascustomers.errors import ValidationFailed
from mascustomers.settings import Settings
from tests.db.probe_table import PROBE, WRITE

T = TypeVar("T")


def _on_request_engine(settings: Settings, work: Callable[[Session], T]) -> T:
    """Run ``work`` in a session of the request engine, in a greenlet on an event loop; on an
    error the session is rolled back, as the request path does."""
    return _counted_request(settings, lambda session, _waits: work(session))


def _notes(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.scalars(select(PROBE.c.note).order_by(PROBE.c.id)))


def test_marked_writes_go_out_together_and_a_read_sees_them(
    settings: Settings, engine: Engine, probe: None
) -> None:
    postgres = engine.dialect.name == "postgresql"

    def work(session: Session) -> tuple[bool, bool, int]:
        with pipelined(session):
            session.execute(WRITE, {"id": 1, "note": "one"})
            session.execute(WRITE, [{"id": 2, "note": "two"}, {"id": 3, "note": "three"}])
            running_after_writes = is_running(session)
            counted = session.scalar(select(PROBE.c.id).order_by(PROBE.c.id.desc()).limit(1))
            running_after_read = is_running(session)
        session.commit()
        return running_after_writes, running_after_read, int(counted or 0)

    running_after_writes, running_after_read, last_id = _on_request_engine(settings, work)
    # On PostgreSQL the writes waited in the run; the read ended it, and saw all three.
    assert running_after_writes is postgres
    assert running_after_read is False
    assert last_id == 3
    assert _notes(engine) == ["one", "two", "three"]


def _fails_at_the_block_end(session: Session) -> None:
    with pipelined(session):
        session.execute(WRITE, {"id": 1, "note": "first"})
        session.execute(WRITE, {"id": 1, "note": "same id"})
        session.execute(WRITE, {"id": 2, "note": "after the failure"})
    session.commit()


def _fails_at_the_commit(session: Session) -> None:
    until_commit(session)  # the run the commit joins
    session.execute(WRITE, {"id": 1, "note": "first"})
    session.execute(WRITE, {"id": 1, "note": "same id"})
    session.commit()


@pytest.mark.parametrize("work", [_fails_at_the_block_end, _fails_at_the_commit])
def test_a_failed_write_is_raised_as_its_kind_and_nothing_is_kept(
    settings: Settings, engine: Engine, probe: None, work: Callable[[Session], None]
) -> None:
    with pytest.raises(IntegrityError):
        _on_request_engine(settings, work)
    assert _notes(engine) == []


def test_an_error_inside_the_block_is_the_one_raised(
    settings: Settings, engine: Engine, probe: None
) -> None:
    def work(session: Session) -> None:
        with pipelined(session):
            session.execute(WRITE, {"id": 1, "note": "first"})
            session.execute(WRITE, {"id": 1, "note": "same id"})
            raise LookupError("the order failed")

    # On PostgreSQL the duplicate waited in the run: the block's own error is raised, not the
    # write's. SQLite answers each write at once.
    postgres = engine.dialect.name == "postgresql"
    with pytest.raises(LookupError if postgres else IntegrityError):
        _on_request_engine(settings, work)
    assert _notes(engine) == []


def test_the_last_writes_go_out_with_the_commit(
    settings: Settings, engine: Engine, probe: None
) -> None:
    postgres = engine.dialect.name == "postgresql"

    def work(session: Session) -> tuple[bool, bool]:
        until_commit(session)
        session.execute(WRITE, [{"id": 1, "note": "one"}, {"id": 2, "note": "two"}])
        running_before_commit = is_running(session)
        session.commit()
        session.execute(WRITE, {"id": 3, "note": "next transaction"})
        running_after_commit = is_running(session)
        session.commit()
        return running_before_commit, running_after_commit

    assert _on_request_engine(settings, work) == (postgres, False)
    assert _notes(engine) == ["one", "two", "next transaction"]


def test_the_last_writes_and_the_commit_are_answered_in_one_round_trip(
    settings: Settings, engine: Engine, probe: None
) -> None:
    """Counted as the waits for the server's answer (the loop watching the connection's
    socket) from the commit's start to its end."""
    postgres = engine.dialect.name == "postgresql"

    def work(session: Session, waits: list[int]) -> int:
        until_commit(session)
        session.execute(WRITE, [{"id": 1, "note": "one"}, {"id": 2, "note": "two"}])
        before = len(waits)
        session.commit()
        return len(waits) - before

    assert _counted_request(settings, work) == (1 if postgres else 0)
    assert _notes(engine) == ["one", "two"]


def _counting_waits(loop: asyncio.AbstractEventLoop, waits: list[int]) -> None:
    """Count the waits for the server's answer: the loop watching a connection's socket."""
    add_reader = loop.add_reader

    def counted(fd: int, callback: Callable[..., object], *args: object) -> None:
        waits.append(fd)
        add_reader(fd, callback, *args)

    loop.add_reader = counted  # type: ignore[method-assign]


def _counted_request(settings: Settings, work: Callable[[Session, list[int]], T]) -> T:
    """``_on_request_engine`` for ``work`` that is also given the list of waits for the
    server's answer so far (``_counting_waits``)."""

    async def request() -> T:
        waits: list[int] = []
        _counting_waits(asyncio.get_running_loop(), waits)
        database = Database(settings)
        try:
            with database.sessionmaker() as session:
                try:
                    return await run_sync(work, session, waits)
                except BaseException:
                    await run_sync(session.rollback)
                    raise
        finally:
            await database.dispose()

    return asyncio.run(request())


def test_a_prepared_read_joins_the_run_and_sees_its_writes(
    settings: Settings, engine: Engine, probe: None
) -> None:
    postgres = engine.dialect.name == "postgresql"
    notes = PreparedSelect(select(PROBE.c.note).order_by(PROBE.c.id))

    def work(session: Session, waits: list[int]) -> tuple[list[str], bool, int]:
        with pipelined(session):
            session.execute(WRITE, [{"id": 1, "note": "one"}, {"id": 2, "note": "two"}])
            before = len(waits)
            read = [row.note for row in notes.all(session)]
            answered = len(waits) - before
            running = is_running(session)
            send(session, WRITE, {"id": 3, "note": "after the read"})
        session.commit()
        return read, running, answered

    # The writes and the read are answered together; the run goes on after it.
    assert _counted_request(settings, work) == (["one", "two"], postgres, 1 if postgres else 0)
    assert _notes(engine) == ["one", "two", "after the read"]


def test_a_claim_joins_the_run_and_a_failed_write_before_it_is_raised_there(
    settings: Settings, engine: Engine, probe: None
) -> None:
    claim = PreparedSelect(
        update(PROBE)
        .where(PROBE.c.id == bindparam("wanted"))
        .values(note=bindparam("holder"))
        .returning(PROBE.c.id, PROBE.c.note)
    )

    def claims(session: Session, _waits: list[int]) -> list[tuple[int, str]]:
        with pipelined(session):
            send(session, WRITE, {"id": 1, "note": "free"})
            taken = [tuple(row) for row in claim.all(session, wanted=1, holder="taken")]
            missing = claim.all(session, wanted=9, holder="taken")
        session.commit()
        return [*taken, *missing]

    assert _counted_request(settings, claims) == [(1, "taken")]

    def duplicate_then_claim(session: Session, _waits: list[int]) -> None:
        with pipelined(session):
            send(session, WRITE, {"id": 1, "note": "same id"})
            claim.all(session, wanted=1, holder="never")

    with pytest.raises(IntegrityError):
        _counted_request(settings, duplicate_then_claim)
    assert _notes(engine) == ["taken"]


def test_reads_sent_ahead_are_answered_together_and_only_for_their_own_values(
    settings: Settings, engine: Engine, probe: None
) -> None:
    postgres = engine.dialect.name == "postgresql"
    note = PreparedSelect(select(PROBE.c.note).where(PROBE.c.id == bindparam("wanted")))
    count = PreparedSelect(select(func.count().label("rows")).select_from(PROBE))
    with engine.begin() as conn:
        conn.execute(insert(PROBE), [{"id": 1, "note": "one"}, {"id": 2, "note": "two"}])

    def work(session: Session, waits: list[int]) -> tuple[list[Any], int]:
        until_commit(session)
        note.send_ahead(session, wanted=1)
        count.send_ahead(session)
        before = len(waits)
        answers: list[Any] = [note.first(session, wanted=1), count.first(session)]
        together = len(waits) - before
        # Other values than those sent ahead: asked for, not taken from another answer.
        answers.append(note.first(session, wanted=2))
        session.commit()
        # A new transaction asks again.
        answers.append(count.first(session))
        session.commit()
        return [answer[0] if answer else None for answer in answers], together

    assert _counted_request(settings, work) == (["one", 2, "two", 2], 1 if postgres else 0)


def test_a_read_sent_ahead_is_taken_after_its_run_has_ended(
    settings: Settings, engine: Engine, probe: None
) -> None:
    note = PreparedSelect(select(PROBE.c.note).where(PROBE.c.id == bindparam("wanted")))
    with engine.begin() as conn:
        conn.execute(insert(PROBE), [{"id": 1, "note": "one"}])

    def work(session: Session, waits: list[int]) -> tuple[str | None, bool, int]:
        until_commit(session)
        note.send_ahead(session, wanted=1)
        session.execute(text("SELECT 1"))  # not prepared: it ends the run, answering both
        running = is_running(session)
        before = len(waits)
        found = note.first(session, wanted=1)
        asked = len(waits) - before
        session.commit()
        return (found[0] if found else None), running, asked

    # On SQLite nothing is sent ahead: the read runs when executed, with nothing to wait for.
    assert _counted_request(settings, work) == ("one", False, 0)


def test_until_the_commit_a_write_after_an_answered_statement_starts_a_run_again(
    settings: Settings, engine: Engine, probe: None
) -> None:
    postgres = engine.dialect.name == "postgresql"

    def work(session: Session, waits: list[int]) -> tuple[bool, bool, int]:
        until_commit(session)
        send(session, WRITE, {"id": 1, "note": "one"})
        session.execute(text("SELECT 1"))  # not prepared: it ends the run
        ended = not is_running(session)
        send(session, WRITE, {"id": 2, "note": "two"})
        restarted = is_running(session)
        send(session, WRITE, {"id": 3, "note": "three"})
        before = len(waits)
        session.commit()
        return ended, restarted, len(waits) - before

    assert _counted_request(settings, work) == (True, postgres, 1 if postgres else 0)
    assert _notes(engine) == ["one", "two", "three"]


def test_a_session_closed_in_a_run_keeps_nothing_and_its_connection_works(
    settings: Settings, engine: Engine, probe: None
) -> None:
    def abandoned(session: Session) -> None:
        until_commit(session)
        session.execute(WRITE, {"id": 1, "note": "never committed"})
        session.close()  # as a request's session is closed: in its greenlet

    def read(session: Session) -> list[str]:
        with session:
            return list(session.scalars(select(PROBE.c.note)))

    async def requests() -> list[str]:
        database = Database(settings)
        try:
            await run_sync(abandoned, database.sessionmaker())
            # The pool's one connection, reused.
            return await run_sync(read, database.sessionmaker())
        finally:
            await database.dispose()

    assert asyncio.run(requests()) == []
    assert _notes(engine) == []


def test_unmarked_statements_and_other_engines_are_untouched(
    settings: Settings, engine: Engine, probe: None
) -> None:
    def on_request_engine(session: Session) -> bool:
        with pipelined(session):
            session.execute(text("INSERT INTO pipelining_probe (id, note) VALUES (7, 'plain')"))
            running = is_running(session)
        session.commit()
        return running

    # An unmarked statement ends the run before it: it is answered as usual.
    assert _on_request_engine(settings, on_request_engine) is False
    with Session(engine) as session:  # a synchronous engine: the block does nothing
        with pipelined(session):
            session.execute(WRITE, {"id": 8, "note": "sync"})
            assert not is_running(session)
        session.commit()
    assert _notes(engine) == ["plain", "sync"]


_TYPED = Table(
    "pipelining_typed",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("note", String(40), nullable=False),
    Column("amount", Money),
    Column("at", UtcDateTime()),
    Column("doc", JsonDoc),
    Column("kind", String(10), default="plain"),
    Column("stamp", String(20), default=lambda: "computed"),
)
_TYPED_WRITE = insert(_TYPED).inline().execution_options(**NO_ANSWER)


@pytest.fixture
def typed(engine: Engine) -> Iterator[None]:
    _TYPED.create(engine, checkfirst=True)
    yield
    _TYPED.drop(engine)


def _typed_rows(engine: Engine) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(select(_TYPED).order_by(_TYPED.c.id))]


def test_send_writes_what_the_session_would_and_listeners_see_it_marked(
    settings: Settings, engine: Engine, typed: None
) -> None:
    at = datetime(2026, 12, 5, 10, 30, tzinfo=UTC)
    full = {"note": "n", "amount": Decimal("12.34"), "at": at, "doc": {"a": [1, "é"]}}
    seen: list[tuple[bool, bool]] = []

    def mark(
        _c: object, cursor: object, statement: str, _p: object, context: object, _m: bool
    ) -> None:
        if "pipelining_typed" in statement:
            options = getattr(context, "execution_options", {})
            marked = bool(options.get("mascustomers_needs_no_answer"))
            seen.append((marked, isinstance(cursor, psycopg.AsyncCursor)))

    def work(session: Session) -> None:
        event.listen(session.get_bind(), "before_cursor_execute", mark)
        try:
            with pipelined(session):
                send(session, _TYPED_WRITE, {"id": 1, **full, "kind": "one", "stamp": "given"})
                many = [{"id": i, **full, "kind": "many", "stamp": f"s{i}"} for i in (2, 3)]
                send(session, _TYPED_WRITE, many)
                # A column left out whose default SQLAlchemy works out in Python (a constant,
                # a function): these go through the session.
                send(session, _TYPED_WRITE, {"id": 4, **full, "stamp": "given"})
                send(session, _TYPED_WRITE, {"id": 5, **full})
            session.commit()
        finally:
            event.remove(session.get_bind(), "before_cursor_execute", mark)

    _on_request_engine(settings, work)
    values = (full["note"], full["amount"], at, full["doc"])
    assert _typed_rows(engine) == [
        (1, *values, "one", "given"),
        (2, *values, "many", "s2"),
        (3, *values, "many", "s3"),
        (4, *values, "plain", "given"),
        (5, *values, "plain", "computed"),
    ]
    # On PostgreSQL the first two went straight to the driver's cursor, in the run, joined
    # in one statement (db.joined_writes) sent before the next.
    first = [(True, True)] if engine.dialect.name == "postgresql" else [(True, False)] * 2
    assert seen == first + [(True, False)] * 2


def test_a_nul_character_sent_is_refused_before_it_goes_out(
    settings: Settings, engine: Engine, probe: None
) -> None:
    def work(session: Session) -> None:
        with pipelined(session):
            send(session, WRITE, {"id": 1, "note": "kept?"})
            send(session, WRITE, {"id": 2, "note": "nul \x00 inside"})
        session.commit()

    with pytest.raises(ValidationFailed):
        _on_request_engine(settings, work)
    assert _notes(engine) == []


def test_a_failed_write_sent_on_the_cursor_is_raised_as_its_kind(
    settings: Settings, engine: Engine, probe: None
) -> None:
    def work(session: Session) -> None:
        until_commit(session)
        send(session, WRITE, {"id": 1, "note": "first"})
        send(session, WRITE, [{"id": 2, "note": "second"}, {"id": 1, "note": "same id"}])
        session.commit()

    with pytest.raises(IntegrityError):
        _on_request_engine(settings, work)
    assert _notes(engine) == []


def test_send_of_an_unmarked_write_goes_through_the_session(
    settings: Settings, engine: Engine, typed: None
) -> None:
    seen: list[bool] = []

    def on_cursor(_c: object, cursor: object, statement: str, *_rest: object) -> None:
        if "pipelining_typed" in statement:
            seen.append(isinstance(cursor, psycopg.AsyncCursor))

    def work(session: Session) -> None:
        event.listen(session.get_bind(), "before_cursor_execute", on_cursor)
        try:
            with pipelined(session):
                row = {"id": 1, "note": "n", "kind": "k", "stamp": "s"}
                send(session, insert(_TYPED), row)
            session.commit()
        finally:
            event.remove(session.get_bind(), "before_cursor_execute", on_cursor)

    _on_request_engine(settings, work)
    assert [row[0] for row in _typed_rows(engine)] == [1]
    assert seen == [False]
