"""Helpers for tests on the shipped catalogue: raw documents to edit, loading, stocking."""

import copy
from datetime import UTC, datetime
from functools import cache
from typing import Any

import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mascustomers.auth.caller import Caller
from mascustomers.catalog.file_format import (
    CatalogueDocument,
    load_shipped_catalogue,
    parse_catalogue,
    shipped_catalogue_path,
)
from mascustomers.catalog.loader import LoadReport, load_catalogue
from mascustomers.db.base import Base
from mascustomers.inventory import loader as inventory_loader
from mascustomers.models import Org

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@cache
def _raw() -> dict[str, Any]:
    with shipped_catalogue_path().open(encoding="utf-8") as stream:
        raw: dict[str, Any] = yaml.safe_load(stream)
    return raw


def raw_shipped() -> dict[str, Any]:
    """The shipped catalogue as parsed YAML, a fresh copy to edit."""
    return copy.deepcopy(_raw())


def without(node: Any, value: int) -> Any:
    """``node`` with ``value`` taken out of every list of ids, and entries with that id dropped."""
    if isinstance(node, dict):
        return {key: without(item, value) for key, item in node.items()}
    if isinstance(node, list):
        return [
            without(item, value)
            for item in node
            if item != value and not (isinstance(item, dict) and value in _ids_of(item))
        ]
    return node


def _ids_of(entry: dict[str, Any]) -> tuple[Any, ...]:
    return (entry.get("id"), entry.get("catalogue_id"))


def document(raw: dict[str, Any]) -> CatalogueDocument:
    return parse_catalogue(raw, source="test")


def load_shipped(session: Session, org: Org) -> LoadReport:
    return load_catalogue(session, org_id=org.id, document=load_shipped_catalogue(), now=NOW)


def stock(session: Session, org: Org, *, numbers: int = 50, sims: int = 50) -> None:
    """Pool numbers from 600000000 and SIM cards with bodies from 893404000000000000."""
    if numbers:
        inventory_loader.add_numbers(
            session,
            org_id=org.id,
            numbers=inventory_loader.NumberRange(600_000_000, 600_000_000 + numbers - 1),
            host_cfg_id=1,
            now=NOW,
        )
    if sims:
        inventory_loader.add_sims(
            session,
            org_id=org.id,
            iccids=inventory_loader.IccidRange(
                893404000000000000, 893404000000000000 + sims - 1, 18
            ),
            batch=inventory_loader.SimBatch(promotion_code="NTH_256"),
            now=NOW,
        )


def caller_for(org: Org) -> Caller:
    return Caller(org_id=org.id, org_slug=org.slug, actor="test", now=NOW, today=NOW.date())


def row_counts(session: Session) -> dict[str, int]:
    session.expire_all()
    return {
        table.name: session.scalar(select(func.count()).select_from(table)) or 0
        for table in Base.metadata.sorted_tables
    }
