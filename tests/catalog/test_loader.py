"""Loading a catalogue document into the tables: round trip, idempotence, updates, refusals."""

from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.orm import Session

from mascustomers.catalog import repository
from mascustomers.catalog.errors import CatalogueInUse
from mascustomers.catalog.file_checks import InvalidCatalogueDocument
from mascustomers.catalog.file_format import load_shipped_catalogue
from mascustomers.catalog.loader import content_hash, document_json, load_catalogue
from mascustomers.catalog.loader_rows import SECTIONS
from mascustomers.demo import customers as demo_data
from mascustomers.models import (
    CatalogueBonus,
    CatalogueBundle,
    CatalogueProduct,
    CatalogueTaxRule,
    Org,
    OrgCatalogue,
)
from mascustomers.signups import service as signups_service
from mascustomers.signups.schemas import SignupCreate
from tests.catalog.shipped import (
    NOW,
    caller_for,
    document,
    load_shipped,
    raw_shipped,
    row_counts,
    stock,
    without,
)


def _tables(session: Session, org: Org) -> dict[str, dict[int, dict[str, Any]]]:
    """Every catalogue row of the org, by section and id, with the loader's columns."""
    session.expire_all()
    found: dict[str, dict[int, dict[str, Any]]] = {}
    for section in SECTIONS:
        columns = next(iter(section.rows(load_shipped_catalogue()).values())).keys()
        found[section.name] = {
            repository.item_key(row): {column: getattr(row, column) for column in columns}
            for row in repository.list_items(session, section.model, org.id)
        }
    return found


def test_shipped_catalogue_round_trip(session: Session, org: Org) -> None:
    shipped = load_shipped_catalogue()
    report = load_shipped(session, org)
    assert not report.unchanged
    assert {s.section: len(s.inserted) for s in report.sections} == {
        "services": 15,
        "products": len(shipped.products),
        "bundles": len(shipped.bundles),
        "bonuses": len(shipped.bonuses),
        "promotions": len(shipped.promotions),
        "devices": len(shipped.devices),
        "tax_rules": 1 + len(shipped.tax_rules.by_state),
    }
    tables = _tables(session, org)
    for section in SECTIONS:
        assert tables[section.name] == section.rows(shipped), section.name
    stored = session.get(OrgCatalogue, org.id)
    assert stored is not None
    assert stored.content_hash == content_hash(shipped)
    assert stored.document == document_json(shipped)
    assert stored.document["products"][0]["monthly_price"] == "25.00"


def test_spot_values(session: Session, org: Org) -> None:
    load_shipped(session, org)
    bundle = repository.get(session, CatalogueBundle, org.id, 954)
    assert bundle is not None
    assert bundle.name == "FIBRA 600Mb INDIRECTA + TARIFA MÁS 10GB"
    assert bundle.components["fixed"] == [3036, 3060, 3061]
    assert bundle.components["main_mobile"] == [364]
    assert bundle.components["max_additional_lines"] == 4
    assert repository.get(session, CatalogueBundle, org.id, 960).components["main_mobile"] == []  # type: ignore[union-attr]
    product = repository.get(session, CatalogueProduct, org.id, 364)
    assert product is not None
    assert (product.subscription_type_id, product.mobile_line_type) == (2, "main")
    assert product.monthly_price == Decimal("10.00")
    default = repository.get_tax_rule(session, org.id, 28)
    assert default is not None
    assert (default.state_id, default.tax_name, default.tax_rate) == (0, "IVA", Decimal("21"))
    canary = session.get(CatalogueTaxRule, {"org_id": org.id, "state_id": 35})
    assert canary is not None
    assert canary.tax_name == "IGIC"


def test_loading_the_same_document_again_changes_nothing(session: Session, org: Org) -> None:
    load_shipped(session, org)
    session.commit()
    before = _tables(session, org)
    stored = session.get(OrgCatalogue, org.id)
    assert stored is not None
    loaded_at = stored.loaded_at
    report = load_catalogue(
        session, org_id=org.id, document=load_shipped_catalogue(), now=NOW.replace(hour=12)
    )
    assert report.unchanged
    assert report.lines()[0].endswith("unchanged, already loaded")
    assert not session.dirty
    assert not session.new
    assert _tables(session, org) == before
    assert session.get(OrgCatalogue, org.id).loaded_at == loaded_at  # type: ignore[union-attr]


def test_a_changed_document_updates_rows_in_place(session: Session, org: Org) -> None:
    load_shipped(session, org)
    session.commit()
    raw = without(raw_shipped(), 3110)  # the Apple Watch tariff, used nowhere
    raw["version"] = "2026.12.1"
    product_380 = next(p for p in raw["products"] if p["id"] == 380)
    product_380["monthly_price"] = "7.50"
    product_380["name"] = "TARIFA MAS 5GB PROMO"
    raw["bonuses"].append(
        {"id": 599, "name": "INTERNET 50GB", "price": "10.00", "compatible_products": [380]}
    )
    raw["tax_rules"]["by_state"] = [r for r in raw["tax_rules"]["by_state"] if r["state_id"] != 52]
    report = load_catalogue(session, org_id=org.id, document=document(raw), now=NOW)
    changes = {s.section: s for s in report.sections}
    assert changes["products"].updated == (380,)
    assert changes["products"].deleted == (3110,)
    assert changes["products"].inserted == ()
    assert changes["bonuses"].inserted == (599,)
    assert changes["tax_rules"].deleted == (52,)
    assert changes["bundles"].changed is False
    session.commit()
    session.expire_all()
    product = repository.get(session, CatalogueProduct, org.id, 380)
    assert product is not None
    assert (product.name, product.monthly_price) == ("TARIFA MAS 5GB PROMO", Decimal("7.50"))
    assert repository.get(session, CatalogueProduct, org.id, 3110) is None
    assert repository.get(session, CatalogueBonus, org.id, 599) is not None
    assert repository.count_items(session, CatalogueProduct, org.id) == 31
    assert session.get(OrgCatalogue, org.id).document["version"] == "2026.12.1"  # type: ignore[union-attr]


def test_removing_items_in_use_is_refused_and_writes_nothing(session: Session, org: Org) -> None:
    load_shipped(session, org)
    stock(session, org)
    # Product 381 with bonus 505.
    body = SignupCreate.model_validate(demo_data.mobile_signup(iccid=None))
    result = signups_service.create_signup(session, caller=caller_for(org), body=body)
    assert result.risk_decision == "a"
    session.commit()
    before = row_counts(session)
    tables = _tables(session, org)
    raw = without(without(raw_shipped(), 381), 505)
    raw = without(raw, 7009)  # a device nobody bought: removable on its own
    raw["bonuses"] = [b for b in raw["bonuses"] if b["id"] != 505]
    with pytest.raises(CatalogueInUse) as refused:
        load_catalogue(session, org_id=org.id, document=document(raw), now=NOW)
    items = {(item["section"], item["id"]) for item in refused.value.context["items"]}
    assert items == {("products", 381), ("bonuses", 505)}
    assert "product 381 is used by 1 subscriptions" in refused.value.detail
    assert "bonus 505 is used by 1 subscription bonuses" in refused.value.detail
    session.rollback()
    assert row_counts(session) == before
    assert _tables(session, org) == tables


def test_an_invalid_document_lists_every_problem() -> None:
    raw = raw_shipped()
    raw["products"][0]["monthly_price"] = 29.9  # a float
    raw["products"][1]["subscription_type"] = 99
    raw["bonuses"][0]["colour"] = "red"
    with pytest.raises(InvalidCatalogueDocument) as shapes:
        document(raw)
    text = [str(problem) for problem in shapes.value.problems]
    assert len(text) == 3, text
    assert any(line.startswith("products[0].monthly_price") for line in text)
    assert any(line.startswith("products[1].subscription_type") for line in text)
    assert any(line.startswith("bonuses[0].colour") for line in text)


def test_every_broken_reference_is_listed() -> None:
    raw = raw_shipped()
    raw["bundles"][0]["components"]["main_mobile"] = [99999]
    raw["bonuses"][0]["compatible_products"] = [88888]
    raw["promotions"].append(dict(raw["promotions"][0]))  # duplicate id and code
    with pytest.raises(InvalidCatalogueDocument) as invalid:
        document(raw)
    text = [str(problem) for problem in invalid.value.problems]
    assert len(text) == 4, text
    assert any("99999" in line for line in text)
    assert any("88888" in line for line in text)
    assert any("duplicate id 601" in line for line in text)
    assert any("duplicate code NTH_256" in line for line in text)
