"""Pages of a list: numbered pages of a bounded list, or a cursor over an index range."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Generic, TypeVar

from fastapi import Query

T = TypeVar("T")
PAGE_SIZE = 20
# Offsets stay small: an org-wide list uses a cursor instead (``Cursor``).
MAX_PAGE = 500

PageNumber = Annotated[int, Query(ge=1, le=MAX_PAGE, description="1-based page")]
CursorId = Annotated[int, Query(ge=0, le=2**63 - 1, description="last id of the page before")]


@dataclass(frozen=True)
class Page(Generic[T]):
    items: Sequence[T]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def offset(self) -> int:
        return (self.number - 1) * PAGE_SIZE

    @classmethod
    def of_rows(cls, rows: Sequence[T], number: int, size: int = PAGE_SIZE) -> "Page[T]":
        """``rows`` read with ``limit=size + 1``: one more than shown says a next page exists."""
        return cls(items=list(rows[:size]), number=number, has_next=len(rows) > size)

    @classmethod
    def of_list(cls, whole: Sequence[T], number: int, size: int = PAGE_SIZE) -> "Page[T]":
        """A page of a list a read function returned whole (a customer's own few rows)."""
        start = (number - 1) * size
        return cls(
            items=list(whole[start : start + size]),
            number=number,
            has_next=len(whole) > start + size,
        )


def limit_and_offset(number: int, size: int = PAGE_SIZE) -> tuple[int, int]:
    """What to read for page ``number``: one row more than shown, from its first row."""
    return size + 1, (number - 1) * size


@dataclass(frozen=True)
class Cursor(Generic[T]):
    """A page of an org-wide list read after (or before) the last row of the page before."""

    items: Sequence[T]
    next_cursor: str | None
    first: bool

    @classmethod
    def of_rows(
        cls, rows: Sequence[T], key: str | None, size: int = PAGE_SIZE, *, first: bool
    ) -> "Cursor[T]":
        items = list(rows[:size])
        return cls(items=items, next_cursor=key if len(rows) > size else None, first=first)
