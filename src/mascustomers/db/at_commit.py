"""Text that PostgreSQL works out in the transaction's last statements, sent with its COMMIT.

A gap-free counter row (``sequences``) stays locked from the statement that advances it until
commit, and every order of the org waits for it. Taken in Python, the number costs a round
trip while the row is locked — the answer, then the statements that write it, then COMMIT —
and under load that wait is the process's turn on the event loop, not the database: signups
queued on the row (docs/performance.md (c), "sixth look"). Here the counter is advanced in a
statement that needs no answer, and what shows the number is written with a stand-in — a
*late text*, a token unique to it — that the statements sent with the COMMIT replace by the
value in SQL. The row is then locked only while the server runs those statements.

- ``late_text(session, sql=…, value=…)``: the stand-in for a text given by the SQL expression
  ``sql`` (valid in the transaction until the counter moves again) and, once the statement
  that fixes it has been answered, by ``value()``;
- ``fix_objects`` / ``fix_rows``: rows whose columns may show stand-ins, replaced by their
  values as the transaction commits (JSON documents included: stored answers, events);
  ``write_objects``: new texts of written rows, set only then (not written twice);
- ``settle``: before a counter moves again in the same transaction (an operation after an
  order, a second order), the replacements registered so far are sent — in order, before the
  statement that moves it — and later ones use the values;
- after the commit, ``settled_values(session)`` gives each stand-in's value (the request path
  puts them in the response it already built), and the objects given to ``fix_objects``
  and ``write_objects`` show them.

The replacements go out in as few statements as may be (``_joined``).

Only on PostgreSQL (``sequences.numbers_at_commit``): SQLite has one writer at a time and no
round trips, so its numbers are taken at once and nothing here is used.
"""

import secrets
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Engine, Table, event, inspect
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, SessionTransaction
from sqlalchemy.orm.attributes import set_committed_value

from mascustomers.db.base import Base
from mascustomers.db.joined_writes import grouped, one_statement
from mascustomers.db.numbered_sql import prefixed
from mascustomers.db.pipelining import queue

_KEY = "mascustomers_at_commit"
_SETTLED = "mascustomers_at_commit_settled"


@dataclass
class _Late:
    token: str
    sql: str
    value: Callable[[], str]
    # Once a later statement may have moved what ``sql`` reads, fixes use ``value()``.
    settled: bool = False


@dataclass
class _Fix:
    table: str
    where: str
    params: Mapping[str, Any]
    columns: tuple[str, ...]
    json: frozenset[str]
    # Columns set to these texts (stand-ins replaced), not the texts they hold replaced.
    texts: Mapping[str, str] = field(default_factory=dict)

    def statement(self, replaced: Mapping[int, str], *, prefix: str) -> tuple[str, dict[str, Any]]:
        """The UPDATE, its own parameters named with ``prefix`` (statements joined in one);
        ``replaced`` gives the SQL of each stand-in's value by its index."""
        params = {f"{prefix}{name}": value for name, value in self.params.items()}
        where = prefixed(self.where, prefix, only=self.params)
        sets = []
        for column in self.columns:
            if column in self.texts:
                params[f"{prefix}text_{column}"] = self.texts[column]
                expression = f"%({prefix}text_{column})s"
            else:
                expression = f"CAST({column} AS TEXT)" if column in self.json else column
            for index, value in replaced.items():
                expression = f"replace({expression}, %(late_token_{index})s, {value})"
            if column in self.json:
                expression = f"CAST({expression} AS JSON)"
            sets.append(f"{column} = {expression}")
        # Table, columns and condition are the code's own; values are parameters.
        sql = f"UPDATE {self.table} SET {', '.join(sets)} WHERE {where}"  # noqa: S608
        return sql, params


def _joined(fixes: list[_Fix], late: list[_Late]) -> Iterator[tuple[str, dict[str, Any]]]:
    """``fixes`` in as few statements as may be: those on different tables in one, all but
    the last as data-modifying WITH clauses (each statement is work for the worker and the
    server: docs/performance.md (c), seventh look). A table's second fix starts another
    statement: one statement must not change a row twice, and its parts do not see each
    other's changes. Fixes read only counters and their own rows, which no other fix
    changes.

    A stand-in not settled yet is worked out once per statement, in its first WITH clause
    (``late_values``), and read from there by every column that may show it: written out in
    each ``replace``, a signup's 15 replacements read the counters 30 times, and planning
    that statement took ~580 µs (pg_stat_statements)."""
    shared: dict[str, Any] = {}
    replaced: dict[int, str] = {}
    values = []
    for index, entry in enumerate(late):
        shared[f"late_token_{index}"] = entry.token
        if entry.settled:
            shared[f"late_value_{index}"] = entry.value()
            replaced[index] = f"%(late_value_{index})s"
        else:
            values.append(f"{entry.sql} AS v{index}")
            replaced[index] = f"(SELECT v{index} FROM late_values)"  # noqa: S608
    # The stand-ins' SQL is the code's own (``late_text``); values are parameters.
    head = [f"late_values AS (SELECT {', '.join(values)})"] if values else []
    # Every fix is an UPDATE: one statement holds at most one a table (``grouped``).
    for group in grouped(
        fixes,
        table=lambda fix: fix.table,
        updates=lambda fix: True,
        size=lambda fix: len(fix.params) + len(fix.texts),
    ):
        parts = [fix.statement(replaced, prefix=f"f{index}_") for index, fix in enumerate(group)]
        params = dict(shared)
        for _, own in parts:
            params.update(own)
        yield one_statement([sql for sql, _ in parts], first=head), params


@dataclass
class _Transaction:
    late: list[_Late] = field(default_factory=list)
    fixes: list[_Fix] = field(default_factory=list)
    objects: list[tuple[Base, tuple[str, ...]]] = field(default_factory=list)

    def send_fixes(self, connection: Connection) -> None:
        fixes, self.fixes = self.fixes, []
        for sql, params in _joined(fixes, self.late):
            queue(connection, sql, params)


def _transaction(session: Session) -> _Transaction | None:
    found: _Transaction | None = session.info.get(_KEY)
    return found


def late_text(session: Session, *, sql: str, value: Callable[[], str]) -> str:
    """A stand-in for the text that ``sql`` gives in this transaction (see the module text);
    ``value()`` gives it once the statement that determines it has been answered."""
    transaction = _transaction(session)
    if transaction is None:
        transaction = session.info[_KEY] = _Transaction()
        session.connection().info[_KEY] = transaction
    # Short enough for the columns it stands in (an account number is 20 characters), and
    # no request's text holds it by chance.
    token = f"#late{secrets.token_hex(6)}"
    transaction.late.append(_Late(token=token, sql=sql, value=value))
    return token


def any_late(session: Session) -> bool:
    """Whether rows written in this transaction may show stand-ins."""
    return _transaction(session) is not None


def fix_rows(
    session: Session,
    *,
    table: str,
    where: str,
    params: Mapping[str, Any],
    columns: Iterable[str],
    json: Iterable[str] = (),
) -> None:
    """Replace the stand-ins that ``columns`` of ``table``'s rows matching ``where`` (SQL with
    ``%(name)s`` parameters) may show, as the transaction commits; nothing without any."""
    transaction = _transaction(session)
    if transaction is None:
        return
    transaction.fixes.append(_Fix(table, where, params, tuple(columns), frozenset(json)))


def fix_objects(session: Session, objects: Iterable[Base], columns: Iterable[str]) -> None:
    """``write_objects`` for objects written already with the texts they show in ``columns``."""
    names = tuple(columns)
    write_objects(session, [(obj, {name: getattr(obj, name) for name in names}) for obj in objects])


def write_objects(session: Session, changes: Iterable[tuple[Base, Mapping[str, str]]]) -> bool:
    """New texts of written objects that may show stand-ins, written by the statement that
    replaces them as the transaction commits rather than now and again then (a row updated
    twice); the objects show them at once and, after the commit, their values. False, with
    nothing done, in a transaction without stand-ins: the caller writes them itself."""
    transaction = _transaction(session)
    if transaction is None:
        return False
    for obj, texts in changes:
        table = cast(Table, inspect(obj).mapper.local_table).name
        names = tuple(texts)
        transaction.fixes.append(
            _Fix(table, "id = %(id)s", {"id": obj.id}, names, frozenset(), texts)  # type: ignore[attr-defined]
        )
        transaction.objects.append((obj, names))
        for name, shown in texts.items():
            set_committed_value(obj, name, shown)
    return True


def settle(session: Session) -> None:
    """Before a counter moves again in this transaction: send the replacements registered so
    far (they go out before the statement that moves it); later ones use the values."""
    transaction = _transaction(session)
    if transaction is None or all(entry.settled for entry in transaction.late):
        return
    transaction.send_fixes(session.connection())
    for entry in transaction.late:
        entry.settled = True


def settled_values(session: Session) -> dict[str, str]:
    """After a commit: each stand-in of the committed transaction and its value."""
    values: dict[str, str] = session.info.pop(_SETTLED, {})
    return values


def resolve(body: bytes, values: Mapping[str, str]) -> bytes:
    """``body`` (a response built before the commit) with each stand-in's value."""
    for token, value in values.items():
        body = body.replace(token.encode(), value.encode())
    return body


@event.listens_for(Engine, "commit")
def _fix_before_commit(connection: Connection) -> None:
    # An engine-wide listener runs before each engine's own (db.pipelining's, which sends the
    # COMMIT with the run): the replacements join the run and go out with it.
    transaction: _Transaction | None = connection.info.pop(_KEY, None)
    if transaction is not None:
        transaction.send_fixes(connection)


@event.listens_for(Engine, "release_savepoint")
def _fix_before_release(connection: Connection, _name: str, _context: Any) -> None:
    # A session joined to an outer transaction commits by releasing its savepoint (the tests'
    # sessions). A savepoint released inside a transaction sends those registered so far: the
    # rows they fix are written, the values they use have not moved.
    transaction: _Transaction | None = connection.info.get(_KEY)
    if transaction is not None:
        transaction.send_fixes(connection)


@event.listens_for(Engine, "rollback")
def _forget_connection(connection: Connection) -> None:
    connection.info.pop(_KEY, None)


@event.listens_for(Session, "after_commit")
def _show_values(session: Session) -> None:
    transaction: _Transaction | None = session.info.pop(_KEY, None)
    if transaction is None:
        return
    values = {entry.token: entry.value() for entry in transaction.late}
    for obj, columns in transaction.objects:
        for column in columns:
            shown = obj.__dict__.get(column)
            if isinstance(shown, str):
                set_committed_value(obj, column, resolve(shown.encode(), values).decode())
    session.info.setdefault(_SETTLED, {}).update(values)


@event.listens_for(Session, "after_transaction_end")
def _forget_session(session: Session, transaction: SessionTransaction) -> None:
    # The outermost transaction is over; after a commit ``_show_values`` took what it needs.
    if transaction.parent is None:
        session.info.pop(_KEY, None)
