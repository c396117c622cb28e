"""Hot read statements (and ``UPDATE … RETURNING`` claims) compiled once per dialect and run
straight on the DBAPI cursor, their rows typed; on PostgreSQL, in a run of writes, they join it
(``db.pipelining.answer_in_run``), and reads can be sent ahead of their use to be answered
together (``PreparedSelect.send_ahead``).

Each statement names the ``NamedTuple`` its rows are (``PreparedSelect(select(...), LineRow)``):
the row class's fields must be the statement's columns, in order — checked when the statement
is built — so mypy checks every use of a read's result. ``rows_of`` gives the same typed rows
for a select built per call (IN-lists, optional filters), through SQLAlchemy.
"""

from collections import namedtuple
from collections.abc import Sequence
from typing import Any, Generic, TypeVar

from sqlalchemy import CompoundSelect, Dialect, Select, UpdateBase
from sqlalchemy.orm import Session

from mascustomers.db.compiled_sql import CompiledSQL, compile_sql
from mascustomers.db.pipelining import answer_in_run, is_running, send_ahead

Processor = Any  # a SQLAlchemy result processor: a callable or None
R = TypeVar("R", bound=tuple[Any, ...])
# What a prepared statement may be: a select, or an INSERT/UPDATE with RETURNING.
Returning = Select[*tuple[Any, ...]] | CompoundSelect[*tuple[Any, ...]] | UpdateBase


class Rows(list[R]):
    """The rows of one call, with SQLAlchemy's two result methods."""

    def first(self) -> R | None:
        return self[0] if self else None

    def all(self) -> "Rows[R]":
        return self


def _check_fields(row: type[Any], statement: Returning) -> None:
    columns = tuple(statement.exported_columns.keys())
    fields = tuple(getattr(row, "_fields", ()))
    if fields != columns:
        raise TypeError(f"{row.__name__} has fields {fields}, the statement selects {columns}")


def rows_of(
    row: type[R], session: Session, statement: Select[*tuple[Any, ...]], **params: Any
) -> list[R]:
    """A select whose SQL depends on the call (optional filters, IN-lists), run through
    SQLAlchemy on the session's connection; its rows as ``row`` (a ``NamedTuple`` of its
    columns)."""
    _check_fields(row, statement)
    make = row._make  # type: ignore[attr-defined]
    return [make(values) for values in session.connection().execute(statement, params)]


class PreparedSelect(Generic[R]):
    """A fixed SELECT (or INSERT/UPDATE … RETURNING) with named bind parameters, compiled
    once per dialect.

    Through ``Connection.execute`` a statement costs ~30 µs of Python (compiled-cache key,
    execution context, result metadata) — more than the indexed read itself on the hot GETs.
    Here the SQL text, the bind (``db.compiled_sql``) and the result processors (the same ones
    SQLAlchemy would apply: SQLite datetimes, decimals, booleans) are worked out once; a call
    is one DBAPI execute in the session's transaction (``before_cursor_execute`` listeners
    still run), rows come back as named tuples. Statements with expanding (IN-list)
    parameters are refused: their SQL depends on the call.
    """

    def __init__(self, statement: Returning, row: type[R] | None = None) -> None:
        self.statement = statement
        # Without a row class, untyped rows (the runner's own tests).
        made: Any = row or namedtuple("Row", list(map(str, statement.exported_columns.keys())))
        _check_fields(made, statement)
        self._row: Any = made
        self._by_dialect: dict[type[Dialect], CompiledSQL] = {}
        self._results: dict[type[Dialect], tuple[Processor, ...]] = {}

    def _compiled(self, dialect: Dialect) -> CompiledSQL:
        found = self._by_dialect.get(type(dialect))
        if found is not None:
            return found
        compiled, found = compile_sql(self.statement, dialect)
        if any(bind.expanding for bind in compiled.binds.values()):
            raise ValueError("PreparedSelect cannot take expanding (IN-list) parameters")
        self._by_dialect[type(dialect)] = found
        return found

    def _result_processors(self, dialect: Dialect, description: Any) -> tuple[Processor, ...]:
        """Worked out on the first call: some drivers' processors depend on the column type
        codes the cursor reports (PostgreSQL numerics)."""
        processors = tuple(
            column.type.dialect_impl(dialect).result_processor(dialect, entry[1])
            for column, entry in zip(self.statement.exported_columns, description, strict=True)
        )
        self._results[type(dialect)] = processors
        return processors

    def send_ahead(self, session: Session, **params: Any) -> None:
        """On PostgreSQL, in a run (``db.pipelining``): send this read now, to be answered
        together with what follows it; the next ``execute`` of it with the same values in this
        transaction takes that answer instead of asking again. The answer is the database's as
        of when it was sent: for reads a caller makes before it writes what they would see.
        Elsewhere nothing happens: the read runs when it is executed."""
        connection = session.connection()
        if not is_running(connection):
            return
        compiled = self._compiled(connection.dialect)
        send_ahead(connection, self, params, compiled.sql, compiled.parameters(params))

    def first(self, session: Session, **params: Any) -> R | None:
        return self.execute(session, **params).first()

    def all(self, session: Session, **params: Any) -> Rows[R]:
        return self.execute(session, **params)

    def execute(self, session: Session, **params: Any) -> Rows[R]:
        connection = session.connection()
        compiled = self._compiled(connection.dialect)
        arguments = compiled.parameters(params)
        answered = answer_in_run(connection, self, params, compiled.sql, arguments)
        if answered is not None:
            return self._typed(connection.dialect, *answered)
        # The DBAPI connection, not the driver's own: on the request path (PostgreSQL) that is
        # SQLAlchemy's facade over psycopg's async connection, whose waits are awaits.
        dbapi = connection.connection.dbapi_connection
        assert dbapi is not None
        cursor = dbapi.cursor()
        try:
            # Listeners see it like any statement (the NUL-character check, query capture).
            if connection.dispatch.before_cursor_execute:
                connection.dispatch.before_cursor_execute(
                    connection, cursor, compiled.sql, arguments, None, False
                )
            cursor.execute(compiled.sql, arguments)
            raw = cursor.fetchall()
            description = cursor.description
        finally:
            cursor.close()
        return self._typed(connection.dialect, raw, description)

    def _typed(self, dialect: Dialect, raw: Sequence[Any], description: Any) -> Rows[R]:
        processors = self._results.get(type(dialect))
        if processors is None:
            processors = self._result_processors(dialect, description)
        if not any(processors):
            return Rows(self._row._make(row) for row in raw)
        return Rows(
            self._row._make(
                value if processor is None else processor(value)
                for processor, value in zip(processors, row, strict=True)
            )
            for row in raw
        )
