"""Marked writes of a run sent as one statement: consecutive INSERTs and UPDATEs that need no
answer (``db.pipelining``) joined as data-modifying WITH clauses of one PostgreSQL statement.

Each statement costs the worker psycopg's work for it and the server a Bind, an Execute and an
executor start and end, whatever it writes; an order writes some twenty rows in as many
statements, each in a run already (docs/performance.md (c), eighth look). Joined, they are
one statement, its text the same for every order of the same shape, so it is prepared once.

What may be joined: an ``INSERT … VALUES`` (one row or several, which become one multi-row
VALUES), and an ``UPDATE`` of one row set by parameters alone — neither reading another
table (no sub-select), neither returning anything. The parts of one statement see the
database as it was before it and run in no fixed order, so a part never touches a table that
an UPDATE in the same statement touches (it could change a row another part writes, or miss
it); INSERTs into one table may share a statement. Foreign keys are checked as the statement
ends, when every part's rows are there.
"""

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeVar

from mascustomers.db.compiled_sql import CompiledSQL
from mascustomers.db.numbered_sql import prefixed

_INSERT = re.compile(r'INSERT INTO ("?\w+"?) (\([^)]*\)) VALUES (\(.*\))', re.DOTALL)
_UPDATE = re.compile(r'UPDATE ("?\w+"?) SET ', re.DOTALL)
_READS_OR_ANSWERS = re.compile(r"\b(SELECT|RETURNING|FROM|ON CONFLICT)\b")
# Beyond these a statement is split (PostgreSQL takes at most 65,535 parameters).
_MOST_PARTS = 64
_MOST_PARAMETERS = 20_000


@dataclass(frozen=True)
class Shape:
    """What a marked write's SQL is, for joining: its table; for an INSERT the text before
    its VALUES and its one row's group, for an UPDATE its text."""

    table: str
    update: bool
    head: str
    values: str = ""

    def part(self, prefix: str, rows: int) -> str:
        """The statement for ``rows`` rows, its parameters renamed with ``prefix`` and the
        row's place (``{prefix}{row}_{name}``)."""

        if self.update:
            assert rows == 1, "an UPDATE is joined for one row"
            return prefixed(self.head, f"{prefix}0_")
        groups = ", ".join(prefixed(self.values, f"{prefix}{row}_") for row in range(rows))
        return f"{self.head}{groups}"


_SHAPES: dict[str, Shape | None] = {}


def shape_of(compiled: CompiledSQL) -> Shape | None:
    """``compiled``'s shape, or None when it may not be joined (see the module text)."""
    sql = compiled.sql
    if sql in _SHAPES:
        return _SHAPES[sql]
    found: Shape | None = None
    inserting = _INSERT.fullmatch(sql)
    if inserting is not None and not _READS_OR_ANSWERS.search(inserting[3]):
        table, columns, values = inserting.groups()
        # The statement's own text, taken apart: its values stay parameters.
        found = Shape(table, False, f"INSERT INTO {table} {columns} VALUES ", values)  # noqa: S608
    else:
        updating = _UPDATE.match(sql)
        if updating is not None and not _READS_OR_ANSWERS.search(sql):
            found = Shape(updating[1], True, sql)
    _SHAPES[sql] = found
    return found


@dataclass
class Held:
    """A marked write waiting to be sent: its shape and each row's driver parameters."""

    shape: Shape
    rows: list[Mapping[str, Any]]


def statements(held: Sequence[Held]) -> list[tuple[str, dict[str, Any]]]:
    """``held``, in order, as few statements as may be, each with its parameters."""
    return [
        _statement(group)
        for group in grouped(
            held,
            table=lambda write: write.shape.table,
            updates=lambda write: write.shape.update,
            size=lambda write: sum(len(row) for row in write.rows),
        )
    ]


T = TypeVar("T")


def grouped(
    parts: Sequence[T],
    *,
    table: Callable[[T], str],
    updates: Callable[[T], bool],
    size: Callable[[T], int],
) -> list[list[T]]:
    """``parts`` in order, cut into the statements they may share (see the module text): a
    part never joins a statement in which an UPDATE touches its table, nor an UPDATE one in
    which anything does; at most ``_MOST_PARTS`` parts and ``_MOST_PARAMETERS`` parameters
    (``size``) a statement. Also the rule of the replacements sent with a COMMIT
    (``db.at_commit``)."""
    groups: list[list[T]] = []
    inserted: set[str] = set()
    updated: set[str] = set()
    parameters = 0
    for part in parts:
        name, update, count = table(part), updates(part), size(part)
        clashes = name in updated or (update and name in inserted)
        full = bool(groups) and (
            len(groups[-1]) >= _MOST_PARTS or parameters + count > _MOST_PARAMETERS
        )
        if not groups or clashes or full:
            groups.append([])
            inserted, updated, parameters = set(), set(), 0
        groups[-1].append(part)
        (updated if update else inserted).add(name)
        parameters += count
    return groups


def one_statement(parts: Sequence[str], *, first: Sequence[str] = ()) -> str:
    """``parts`` as one statement: all but the last as WITH clauses ``w0``, ``w1``…, after
    the clauses ``first``."""
    clauses = [*first, *(f"w{index} AS ({part})" for index, part in enumerate(parts[:-1]))]
    return f"WITH {', '.join(clauses)} {parts[-1]}" if clauses else parts[-1]


def _statement(group: list[Held]) -> tuple[str, dict[str, Any]]:
    sql = _joined_sql(tuple((write.shape, len(write.rows)) for write in group))
    parameters: dict[str, Any] = {}
    for index, write in enumerate(group):
        for row, values in enumerate(write.rows):
            prefix = f"w{index}_{row}_"
            parameters.update((prefix + name, value) for name, value in values.items())
    return sql, parameters


@lru_cache(maxsize=512)
def _joined_sql(parts: tuple[tuple[Shape, int], ...]) -> str:
    # The same order shape gives the same text: built once, and prepared once by psycopg.
    return one_statement(
        [shape.part(f"w{index}_", rows) for index, (shape, rows) in enumerate(parts)]
    )
