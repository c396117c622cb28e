"""A statement compiled once for a dialect: its SQL, and how a call's values become the
driver's parameters — defaults filled in, SQLAlchemy's own bind processors applied (SQLite
datetimes, decimals, JSON documents), as ``Connection.execute`` would.

Shared by the hot paths that skip SQLAlchemy's per-call work: prepared reads
(``db.prepared``) and writes sent straight to the cursor (``db.pipelining``).
"""

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Dialect

Processor = Any  # a SQLAlchemy bind processor: a callable, or None
# The default of a bind the caller must give a value for.
REQUIRED: Any = object()


@dataclass(frozen=True)
class CompiledSQL:
    sql: str
    # (name in the SQL, key in the caller's values, value when the caller gives none or
    # REQUIRED, bind processor)
    binds: tuple[tuple[str, str, Any, Processor], ...]
    # The names in the order of the SQL's placeholders, for a positional dialect (SQLite's
    # qmark); None for a named one.
    positional_names: tuple[str, ...] | None

    def parameters(self, values: Mapping[str, Any]) -> Any:
        """The driver's parameters for a call with ``values`` (by key); a missing required
        value raises ``KeyError``."""
        named = {}
        for name, key, default, processor in self.binds:
            value = values[key] if default is REQUIRED or key in values else default
            named[name] = value if processor is None else processor(value)
        if self.positional_names is None:
            return named
        return tuple(named[name] for name in self.positional_names)

    def lacks(self, keys: Collection[str]) -> bool:
        """Whether a call with only ``keys`` would miss a required value."""
        return any(default is REQUIRED and key not in keys for _, key, default, _ in self.binds)


def compile_sql(
    statement: Any, dialect: Dialect, column_keys: Collection[str] | None = None
) -> tuple[Any, CompiledSQL]:
    """SQLAlchemy's compiled form of ``statement`` (for what only it tells: prefetch, escaped
    names, expanding binds) and the ``CompiledSQL`` to run it with. ``column_keys``: the
    columns an INSERT or UPDATE is given values for; a bind then takes its column's key."""
    if column_keys is None:
        compiled = statement.compile(dialect=dialect)
    else:
        compiled = statement.compile(dialect=dialect, column_keys=list(column_keys))
    binds = []
    for name, bind in compiled.binds.items():
        key = bind.key if column_keys is not None and bind.key in column_keys else name
        default = REQUIRED if bind.required else bind.effective_value
        processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
        binds.append((name, key, default, processor))
    positional = tuple(compiled.positiontup or ()) if compiled.positional else None
    return compiled, CompiledSQL(compiled.string, tuple(binds), positional)
