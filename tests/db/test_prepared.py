"""Prepared selects give exactly the rows SQLAlchemy's own execution gives, on each database."""

from decimal import Decimal
from typing import NamedTuple

import pytest
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from mascustomers.db.prepared import PreparedSelect, rows_of
from mascustomers.errors import ValidationFailed
from mascustomers.models import CatalogueProduct, Org

pytestmark = pytest.mark.usefixtures("catalogue")


def _org_id(session: Session, slug: str) -> int:
    return session.scalars(select(Org.id).where(Org.slug == slug)).one()


STATEMENTS = {
    "datetime and boolean": select(Org.id, Org.slug, Org.is_sandbox, Org.created_at).where(
        Org.id == bindparam("org_id")
    ),
    "money, json and nulls": select(
        CatalogueProduct.product_id,
        CatalogueProduct.monthly_price,
        CatalogueProduct.bundle_only,
        CatalogueProduct.mobile_line_type,
        CatalogueProduct.compatible_product_ids,
    )
    .where(CatalogueProduct.org_id == bindparam("org_id"))
    .order_by(CatalogueProduct.product_id),
    "a literal compared in SQL": select(CatalogueProduct.product_id, CatalogueProduct.name)
    .where(
        CatalogueProduct.org_id == bindparam("org_id"),
        CatalogueProduct.monthly_price > Decimal("5.00"),
    )
    .order_by(CatalogueProduct.product_id),
}


@pytest.mark.parametrize("name", sorted(STATEMENTS))
def test_rows_and_types_match_sqlalchemy(session: Session, org_slug: str, name: str) -> None:
    statement = STATEMENTS[name]
    org_id = _org_id(session, org_slug)
    expected = [tuple(row) for row in session.connection().execute(statement, {"org_id": org_id})]
    got = [tuple(row) for row in PreparedSelect(statement).execute(session, org_id=org_id)]
    assert expected, "the statement must return rows for the comparison to mean anything"
    assert got == expected
    assert [[type(value) for value in row] for row in got] == [
        [type(value) for value in row] for row in expected
    ]


def test_rows_are_named(session: Session, org_slug: str) -> None:
    prepared = PreparedSelect(STATEMENTS["datetime and boolean"])
    row = prepared.execute(session, org_id=_org_id(session, org_slug)).first()
    assert row is not None
    assert row.slug == org_slug
    assert row.created_at.tzinfo is not None


def test_nul_characters_are_refused_like_everywhere_else(session: Session) -> None:
    prepared = PreparedSelect(select(Org.id).where(Org.slug == bindparam("slug")))
    with pytest.raises(ValidationFailed):
        prepared.execute(session, slug="te\x00lco")


def test_in_lists_are_refused(session: Session) -> None:
    prepared = PreparedSelect(select(Org.id).where(Org.id.in_(bindparam("ids", expanding=True))))
    with pytest.raises(ValueError, match="expanding"):
        prepared.execute(session, ids=[1])


class OrgRow(NamedTuple):
    id: int
    slug: str


def test_rows_come_back_as_the_statement_s_row_class(session: Session, org_slug: str) -> None:
    prepared = PreparedSelect(select(Org.id, Org.slug).where(Org.slug == bindparam("slug")), OrgRow)
    row = prepared.first(session, slug=org_slug)
    assert isinstance(row, OrgRow)
    assert row.slug == org_slug
    assert rows_of(OrgRow, session, select(Org.id, Org.slug).where(Org.slug == org_slug)) == [row]


def test_a_row_class_must_name_the_statement_s_columns_in_order() -> None:
    with pytest.raises(TypeError, match="OrgRow has fields"):
        PreparedSelect(select(Org.slug, Org.id), OrgRow)
