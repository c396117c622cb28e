"""Load a catalogue document into an org's catalogue tables.

``load_catalogue`` writes a checked ``CatalogueDocument`` (``file_format.load_catalogue_file``
refuses an invalid file whole, listing every problem, before anything here runs):

- The whole document is kept as JSON in ``org_catalogue`` with the SHA-256 of its canonical
  JSON form. Loading a document with the same hash changes nothing (the report says
  ``unchanged``); comments and formatting of the file do not count, only its content.
- Otherwise every item is matched to its row by its catalogue id: rows whose values changed are
  updated in place (ids never change), new items inserted, and items no longer in the document
  deleted, but only if nothing of the org still names them (lines and their tariff history,
  line services and bonuses, applied promotions, sold terminals, account bundles). If any
  removed item is still in use the whole load is refused with ``CatalogueInUse`` listing every
  such item, and nothing is written.
- The default tax rule is stored with ``state_id`` 0.
- An ``issuer`` section replaces the org's invoice issuer settings (``invoice_issuer``).

Loads of one org are serialised (a lock on its org row on PostgreSQL; SQLite writers are
serialised anyway). The loader flushes and never commits: the caller's transaction decides.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from mascustomers.catalog import repository
from mascustomers.catalog.errors import CatalogueInUse
from mascustomers.catalog.file_format import CatalogueDocument
from mascustomers.catalog.loader_rows import SECTIONS, Section, Values, differs
from mascustomers.db.base import Base


@dataclass(frozen=True)
class SectionChanges:
    """What a load did to one kind of item, by catalogue id."""

    section: str
    inserted: tuple[int, ...] = ()
    updated: tuple[int, ...] = ()
    deleted: tuple[int, ...] = ()
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.inserted or self.updated or self.deleted)

    def summary(self) -> str:
        parts = [f"{len(self.inserted)} new", f"{len(self.updated)} updated"]
        parts += [f"{len(self.deleted)} removed", f"{self.unchanged} unchanged"]
        line = f"{self.section}: " + ", ".join(parts)
        for label, ids in (("new", self.inserted), ("updated", self.updated)):
            if ids:
                line += f"; {label} {_ids(ids)}"
        if self.deleted:
            line += f"; removed {_ids(self.deleted)}"
        return line


@dataclass(frozen=True)
class LoadReport:
    org_id: int
    version: str
    content_hash: str
    unchanged: bool
    sections: tuple[SectionChanges, ...] = ()

    def lines(self) -> list[str]:
        """The report as the CLI prints it."""
        head = f"catalogue version {self.version} (sha256 {self.content_hash[:12]}…)"
        if self.unchanged:
            return [f"{head}: unchanged, already loaded"]
        return [f"{head}: loaded", *(section.summary() for section in self.sections)]


@dataclass
class _Plan:
    section: Section
    existing: dict[int, Base]
    wanted: dict[int, Values]

    @property
    def removed(self) -> list[int]:
        return sorted(set(self.existing) - set(self.wanted))

    def changes(self) -> SectionChanges:
        updated = [
            i for i, v in self.wanted.items() if i in self.existing and differs(self.existing[i], v)
        ]
        inserted = [item_id for item_id in self.wanted if item_id not in self.existing]
        return SectionChanges(
            section=self.section.name,
            inserted=tuple(sorted(inserted)),
            updated=tuple(sorted(updated)),
            deleted=tuple(self.removed),
            unchanged=len(self.wanted) - len(inserted) - len(updated),
        )


def document_json(document: CatalogueDocument) -> dict[str, Any]:
    """The document as stored: JSON types, money as decimal strings."""
    return document.model_dump(mode="json")


def content_hash(document: CatalogueDocument) -> str:
    """SHA-256 of the document's canonical JSON (sorted keys, no whitespace)."""
    canonical = json.dumps(
        document_json(document), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def load_catalogue(
    session: Session, *, org_id: int, document: CatalogueDocument, now: datetime
) -> LoadReport:
    """Make the org's catalogue tables say what ``document`` says; see the module docstring."""
    digest = content_hash(document)
    repository.lock_org_catalogue(session, org_id)
    stored = repository.get_catalogue_row(session, org_id)
    if stored is not None and stored.content_hash == digest:
        return LoadReport(org_id, document.version, digest, unchanged=True)
    plans = [
        _Plan(
            section,
            {
                repository.item_key(row): row
                for row in repository.list_items(session, section.model, org_id)
            },
            section.rows(document),
        )
        for section in SECTIONS
    ]
    _refuse_removals_in_use(session, org_id=org_id, plans=plans)
    changes = tuple(plan.changes() for plan in plans)
    for plan, change in zip(plans, changes, strict=True):
        _apply(session, org_id=org_id, plan=plan, change=change)
    if document.issuer is not None:
        repository.save_issuer(session, org_id=org_id, values=document.issuer.model_dump(), now=now)
    repository.save_catalogue_row(
        session, org_id=org_id, content_hash=digest, document=document_json(document), now=now
    )
    session.flush()
    return LoadReport(org_id, document.version, digest, unchanged=False, sections=changes)


def _refuse_removals_in_use(session: Session, *, org_id: int, plans: list[_Plan]) -> None:
    in_use: list[dict[str, Any]] = []
    for plan in plans:
        found = repository.references(
            session, org_id=org_id, section=plan.section.name, ids=plan.removed
        )
        in_use += [
            {"section": plan.section.name, "id": item_id, "used_by": used_by}
            for item_id, used_by in sorted(found.items())
        ]
    if not in_use:
        return
    singular = {plan.section.name: plan.section.singular for plan in plans}
    listed = "; ".join(
        f"{singular[item['section']]} {item['id']} is used by "
        + ", ".join(f"{count} {kind}" for kind, count in item["used_by"].items())
        for item in in_use
    )
    raise CatalogueInUse(
        f"the new catalogue removes {len(in_use)} item(s) still in use: {listed}", items=in_use
    )


def _apply(session: Session, *, org_id: int, plan: _Plan, change: SectionChanges) -> None:
    section = plan.section
    for item_id in change.updated:
        row = plan.existing[item_id]
        for column, value in plan.wanted[item_id].items():
            setattr(row, column, value)
    for item_id in change.inserted:
        session.add(section.model(org_id=org_id, **{section.key: item_id}, **plan.wanted[item_id]))
    for item_id in change.deleted:
        session.delete(plan.existing[item_id])


def _ids(ids: tuple[int, ...], shown: int = 12) -> str:
    text = ", ".join(str(item_id) for item_id in ids[:shown])
    return text + (f" … (+{len(ids) - shown})" if len(ids) > shown else "")
