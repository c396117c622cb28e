"""SQL with ``%(name)s`` placeholders as PostgreSQL's own ``$n``, worked out once per text.

psycopg turns a query's ``%(name)s`` placeholders into ``$n`` at every execute, and caches that
only for texts of at most 4,096 characters and 50 parameters: an order's joined writes
(``db.joined_writes``) and the replacements sent with its COMMIT (``db.at_commit``) are longer,
and converting them again at every call was a quarter of a signup's time in the worker
(py-spy, docs/performance.md (c), eighth look). Statements run straight on the driver
(``db.pipelining``) are sent through psycopg's raw cursor, which takes ``$n`` as they are, with
their values in that order.
"""

import re
from collections.abc import Collection, Mapping, Sequence
from functools import lru_cache
from typing import Any

_PLACEHOLDER = re.compile(r"%\((\w+)\)s|%%")


@lru_cache(maxsize=1024)
def numbered(sql: str) -> tuple[bytes, tuple[str, ...]]:
    """``sql`` with ``$n`` placeholders (a name used twice is one number, ``%%`` is ``%``),
    and the names in their numbers' order."""
    names: dict[str, int] = {}

    def number(found: re.Match[str]) -> str:
        if found[1] is None:
            return "%"
        return f"${names.setdefault(found[1], len(names) + 1)}"

    return _PLACEHOLDER.sub(number, sql).encode(), tuple(names)


def prefixed(sql: str, prefix: str, only: Collection[str] | None = None) -> str:
    """``sql`` with its ``%(name)s`` placeholders (those in ``only``, else all) renamed
    ``%({prefix}name)s``: statements joined into one keep their parameters apart."""

    def rename(found: re.Match[str]) -> str:
        if found[1] is None or (only is not None and found[1] not in only):
            return found[0]
        return f"%({prefix}{found[1]})s"

    return _PLACEHOLDER.sub(rename, sql)


def values(names: Sequence[str], parameters: Mapping[str, Any]) -> list[Any]:
    """The values of ``parameters`` in the order of ``names``."""
    return [parameters[name] for name in names]
