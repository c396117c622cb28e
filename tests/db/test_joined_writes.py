"""Marked writes joined into one statement (``db.joined_writes``): which may share one, and that
what they write, and the errors they raise, are those of the separate statements."""

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import (
    Column,
    Engine,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    event,
    select,
    update,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mascustomers.db.compiled_sql import compile_sql
from mascustomers.db.joined_writes import Held, Shape, shape_of, statements
from mascustomers.db.pipelining import NO_ANSWER, insert_needing_no_answer, pipelined, send
from mascustomers.settings import Settings
from tests.databases import on_postgres
from tests.db.test_pipelining import _on_request_engine

# Runs, and so joined writes, exist on PostgreSQL only.
_POSTGRES_ONLY = pytest.mark.skipif(not on_postgres(), reason="runs are PostgreSQL's")

_META = MetaData()
_PARENT = Table(
    "joined_parent", _META, Column("id", Integer, primary_key=True), Column("name", String(20))
)
_CHILD = Table(
    "joined_child",
    _META,
    Column("id", Integer, primary_key=True),
    Column("parent_id", Integer, ForeignKey("joined_parent.id"), nullable=False),
)
_ADD_PARENT = insert_needing_no_answer(_PARENT)
_ADD_CHILD = insert_needing_no_answer(_CHILD)
_RENAME = (
    update(_PARENT)
    .where(_PARENT.c.id == bindparam("parent"))
    .values(name=bindparam("new_name"))
    .execution_options(**NO_ANSWER)
)


def _shape(statement: Any, keys: tuple[str, ...] | None = None) -> Shape | None:
    _, compiled = compile_sql(statement, postgresql.psycopg.dialect(), keys)
    return shape_of(compiled)


def test_what_may_be_joined() -> None:
    assert _shape(_ADD_PARENT, ("id", "name")) is not None
    assert _shape(_RENAME) is not None
    reading = update(_PARENT).where(_PARENT.c.id == select(_CHILD.c.parent_id).scalar_subquery())
    assert _shape(reading.values(name="x")) is None
    assert _shape(_PARENT.insert().returning(_PARENT.c.id), ("id", "name")) is None


def _held(statement: Any, keys: tuple[str, ...] | None, rows: int = 1) -> Held:
    shape = _shape(statement, keys)
    assert shape is not None
    return Held(shape, [{"x": index} for index in range(rows)])


def test_a_table_an_update_touches_is_touched_once_in_a_statement() -> None:
    parent, child = _held(_ADD_PARENT, ("id", "name")), _held(_ADD_CHILD, ("id", "parent_id"))
    rename = _held(_RENAME, None)
    # INSERTs share a statement, into one table too.
    assert len(statements([child, parent, _held(_ADD_PARENT, ("id", "name"), rows=3)])) == 1
    # An UPDATE after an INSERT into its table, or anything after it on its table: another.
    assert len(statements([parent, rename])) == 2
    assert len(statements([rename, child, rename])) == 2
    assert len(statements([rename, parent])) == 2


@pytest.fixture
def family(engine: Engine) -> Iterator[None]:
    _META.create_all(engine, checkfirst=True)
    yield
    _META.drop_all(engine)


def _statements_seen(settings: Settings, work: Any) -> list[str]:
    seen: list[str] = []

    def record(_c: object, _cursor: object, statement: str, *_: object) -> None:
        if "joined_" in statement:
            seen.append(statement)

    def wrapped(session: Session) -> None:
        event.listen(session.get_bind(), "before_cursor_execute", record)
        try:
            work(session)
        finally:
            event.remove(session.get_bind(), "before_cursor_execute", record)

    _on_request_engine(settings, wrapped)
    return seen


@_POSTGRES_ONLY
def test_joined_writes_write_what_they_would_apart(
    settings: Settings, engine: Engine, family: None
) -> None:
    def work(session: Session) -> None:
        with pipelined(session):
            # The child first: its foreign key is checked as the statement ends.
            send(session, _ADD_CHILD, {"id": 10, "parent_id": 1})
            send(session, _ADD_PARENT, [{"id": 1, "name": "a"}, {"id": 2, "name": "b"}])
            send(session, _RENAME, {"parent": 2, "new_name": "renamed"})
            send(session, _ADD_CHILD, {"id": 11, "parent_id": 2})
        session.commit()

    seen = _statements_seen(settings, work)
    with engine.connect() as conn:
        parents = [tuple(row) for row in conn.execute(select(_PARENT).order_by(_PARENT.c.id))]
        children = [tuple(row) for row in conn.execute(select(_CHILD).order_by(_CHILD.c.id))]
    assert parents == [(1, "a"), (2, "renamed")]
    assert children == [(10, 1), (11, 2)]
    # The rename's table was written before it in the first statement: it starts another.
    assert len(seen) == 2, seen
    assert seen[0].startswith("WITH "), seen[0]


@_POSTGRES_ONLY
def test_a_joined_write_that_fails_fails_them_all(
    settings: Settings, engine: Engine, family: None
) -> None:
    def work(session: Session) -> None:
        with pipelined(session):
            send(session, _ADD_PARENT, {"id": 1, "name": "a"})
            send(session, _ADD_CHILD, {"id": 10, "parent_id": 99})
        session.commit()

    with pytest.raises(IntegrityError):
        _on_request_engine(settings, work)
    with engine.connect() as conn:
        assert conn.scalar(select(_PARENT.c.id)) is None
