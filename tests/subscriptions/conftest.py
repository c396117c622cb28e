"""Lines made through POST /signups, and a few catalogue additions the subscription tests need."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mascustomers.auth import repository as auth_repository
from mascustomers.models import CatalogueBundle, CatalogueProduct, Invoice, Subscription
from tests.bodies import convergent_signup, mobile_line, mobile_signup, owner
from tests.catalogue_fixture import (
    ADDITIONAL_5GB,
    BUNDLE,
    MOBILE_ONLY_20GB,
    PREPAID_5GB,
    sim_iccid,
)
from tests.factories import ApiCaller

MOBILE_40GB, ADDITIONAL_10GB, PREPAID_10GB = 2102, 2004, 2202


@pytest.fixture
def catalogue(catalogue: None, session: Session, org_slug: str) -> None:
    """The shared test catalogue plus compatible targets for the product-change tests."""
    org = auth_repository.get_org_by_slug(session, org_slug)
    assert org is not None
    session.add_all(
        [
            _product(org.id, MOBILE_40GB, "TARIFA MOVIL 40GB", 2, [1], [MOBILE_ONLY_20GB], [1, 2]),
            _product(org.id, ADDITIONAL_10GB, "LINEA ADICIONAL 10GB", 2, [1], [ADDITIONAL_5GB]),
            _product(org.id, PREPAID_10GB, "PREPAGO 10GB", 1, [2], [PREPAID_5GB]),
        ]
    )
    for product_id, compatible in (
        (MOBILE_ONLY_20GB, [MOBILE_40GB, PREPAID_5GB]),
        (ADDITIONAL_5GB, [ADDITIONAL_10GB, MOBILE_40GB]),
        (PREPAID_5GB, [PREPAID_10GB]),
    ):
        product = session.get(CatalogueProduct, {"org_id": org.id, "product_id": product_id})
        assert product is not None
        product.compatible_product_ids = compatible
    bundle = session.get(CatalogueBundle, {"org_id": org.id, "bundle_id": BUNDLE})
    assert bundle is not None
    components = dict(bundle.components)
    components["additional_mobile"] = [ADDITIONAL_5GB, ADDITIONAL_10GB]
    bundle.components = components
    session.commit()


def _product(
    org_id: int,
    product_id: int,
    name: str,
    type_id: int,
    billing: list[int],
    compatible: list[int],
    services: list[int] | None = None,
) -> CatalogueProduct:
    return CatalogueProduct(
        org_id=org_id,
        product_id=product_id,
        name=name,
        subscription_type_id=type_id,
        billing_type_ids=billing,
        monthly_price=Decimal("10.00"),
        bundle_only=False,
        mobile_line_type="additional" if product_id == ADDITIONAL_10GB else None,
        service_ids=services or [1, 2],
        compatible_product_ids=compatible,
    )


def signup(api: ApiCaller, body: dict[str, Any]) -> dict[str, Any]:
    response = api.post("/signups", json=body)
    assert response.status_code == 200, response.text
    return dict(response.json())


def mobile(api: ApiCaller, *, sim: int | None = 1, person: int = 12345678, **line: Any) -> int:
    """A postpaid mobile-only line, ACTIVO when its SIM is handed in the shop (``sim``)."""
    if sim is not None:
        line.setdefault("iccid", sim_iccid(sim))
    body = mobile_signup(person=owner(person), line=mobile_line(**line))
    return int(signup(api, body)["account_info"]["subscriptions"][0]["subscription_id"])


def prepaid(api: ApiCaller, *, sim: int = 2) -> int:
    body = mobile_signup(
        billing_type_id=2, line=mobile_line(PREPAID_5GB, iccid=sim_iccid(sim)), person=owner()
    )
    return int(signup(api, body)["account_info"]["subscriptions"][0]["subscription_id"])


def convergent(api: ApiCaller, **kwargs: Any) -> dict[str, int]:
    """A convergent account's lines by role: main, additional, ftth, landline, tv, ott."""
    result = signup(api, convergent_signup(**kwargs))
    lines = result["account_info"]["subscriptions"]
    mobiles = [s["subscription_id"] for s in lines if s["type"] == 2]
    by_type = {s["type"]: s["subscription_id"] for s in lines}
    return {
        "main": mobiles[0],
        "additional": mobiles[1],
        "landline": by_type[3],
        "ftth": by_type[4],
        "account": result["account_info"]["account_id"],
    }


def line(session: Session, subscription_id: int) -> Subscription:
    session.expire_all()
    found = session.get(Subscription, subscription_id)
    assert found is not None
    return found


def overdue_invoice(session: Session, subscription_id: int) -> None:
    """An unpaid invoice issued two months ago: the risk policy then rejects (``x``)."""
    subscription = line(session, subscription_id)
    issued = datetime.now(UTC) - timedelta(days=60)
    session.add(
        Invoice(
            org_id=subscription.org_id,
            account_id=subscription.account_id,
            number=f"F{subscription_id:08d}",
            cycle="2000-01",
            cycle_start=issued.date(),
            cycle_end=issued.date(),
            issued_at=issued,
            value=Decimal("10.00"),
            value_total=Decimal("12.10"),
            status_id=1,
            paid_at=None,
            delivery_mode="email",
            path="/invoices/x.pdf",
        )
    )
    session.commit()


def count(session: Session, model: type[Any], *conditions: Any) -> int:
    session.expire_all()
    query = select(func.count()).select_from(model)
    if conditions:
        query = query.where(*conditions)
    return int(session.scalar(query) or 0)
