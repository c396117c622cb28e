"""Rows gathered during one operation and written with one INSERT per table.

Append-only rows (histories, services, contracts…) need no identity-map object: gathering them
and writing each table's rows in one Core INSERT (executemany, batched by insertmanyvalues)
costs a fraction of one unit-of-work flush per row. Rows may point at rows already written
(flushed) or at other gathered rows (tables are written in foreign-key order); every table
keeps the order its rows were added in. Every row of a table must give the same keys (column
names); column defaults apply to keys left out of all of them.
"""

from functools import cache
from typing import Any, cast

from sqlalchemy import Table
from sqlalchemy.orm import Session

from mascustomers.db.base import Base
from mascustomers.db.pipelining import insert_needing_no_answer, send


class RowBuffer:
    def __init__(self) -> None:
        self._rows: dict[type[Base], list[dict[str, Any]]] = {}

    def add(self, model: type[Base], **values: Any) -> None:
        self._rows.setdefault(model, []).append(values)

    def write(self, session: Session) -> None:
        """Insert what was gathered and start empty again."""
        rows, self._rows = self._rows, {}
        for model, values in sorted(rows.items(), key=lambda item: table_order(item[0])):
            # The table, not the mapped class: the ORM's bulk path costs more than the INSERT.
            send(session, insert_needing_no_answer(cast(Table, model.__table__)), values)


def table_order(model: type[Base]) -> int:
    """The model's table's place in foreign-key order: rows of a lower place are written first."""
    return _table_order()[model.__table__]


@cache
def _table_order() -> dict[Any, int]:
    # Every model is imported by the first write.
    return {table: index for index, table in enumerate(Base.metadata.sorted_tables)}
