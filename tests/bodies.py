"""Request bodies built like a channel would send them, with valid data by default."""

import copy
from typing import Any

from mascustomers.kit.identity_documents import make_nif
from tests.catalogue_fixture import (
    ADDITIONAL_5GB,
    BONUS_3GB,
    BUNDLE,
    FTTH_600,
    IPHONE,
    LANDLINE,
    MAIN_10GB,
    MOBILE_ONLY_20GB,
    NETFLIX,
    PROMO_BUNDLE,
    PROMO_LINE_50,
    TV_FUTBOL,
)

IBAN = "ES9121000418450200051332"


def owner(number: int = 12345678, **extra: Any) -> dict[str, Any]:
    person = {
        "role": "owner",
        "type_id": 1,
        "document_type_id": 1,
        "document_value": make_nif(number),
        "first_name": "Lucía",
        "last_name": "García Pérez",
        "gender": "F",
        "birthdate": "1988-04-12",
        "email": f"lucia.{number}@example.es",
        "phone": "612345678",
        "nationality_id": 1,
        "language_id": 1,
        "address": {
            "street_type_id": 1,
            "street_name": "CALLE EMILIO FERRARI",
            "number": "12",
            "state_id": 28,
            "locality": "MADRID",
            "postal_code": "28017",
        },
    }
    person.update(extra)
    return person


def sales_info(**extra: Any) -> dict[str, Any]:
    info = {
        "channel": "dealer",
        "dealer_id": "D001",
        "shop_id": "S001",
        "agent_id": "A1",
        "logistic": False,
        "signature_type": "PAPER",
    }
    info.update(extra)
    return info


def mobile_line(product_id: int = MOBILE_ONLY_20GB, **extra: Any) -> dict[str, Any]:
    line: dict[str, Any] = {"type": "mobile", "product_id": product_id}
    line.update(extra)
    return line


def device(
    monthly_fee: str = "25.00", duration: int = 24, penalty: str = "150.00"
) -> dict[str, Any]:
    return {
        "device_details": {"catalogue_id": IPHONE, "imei": "356938035643809"},
        "fees": {
            "upfront_fee": "49.00",
            "installment_plan": {
                "monthly_fee": monthly_fee,
                "duration": duration,
                "last_installment_fee": monthly_fee,
            },
        },
        "terms": {"penalty_value": penalty, "commitment_duration": 24},
        "reservation_id": "e528d8ec-831f-40e9-8414-8ef7cc99c4e4",
    }


def mobile_signup(
    *,
    person: dict[str, Any] | None = None,
    line: dict[str, Any] | None = None,
    billing_type_id: int = 1,
    scoring: dict[str, Any] | None = None,
) -> dict[str, Any]:
    payment: dict[str, Any] = {"billing_type_id": billing_type_id}
    if billing_type_id == 1:
        payment["info"] = {"bank_account": IBAN}
    if scoring is not None:
        payment["scoring"] = scoring
    return {
        "sales_type": "telecomunications",
        "sales_info": sales_info(),
        "clients": {"sector_id": 1, "attributes": [person or owner()]},
        "payment": payment,
        "products": {"mobile_line": line or mobile_line()},
    }


def convergent_signup(
    *,
    person: dict[str, Any] | None = None,
    lines: int = 2,
    with_tv: bool = True,
    devices: bool = False,
    scoring: dict[str, Any] | None = None,
) -> dict[str, Any]:
    mobile_lines = [
        mobile_line(MAIN_10GB, bonuses=[{"id": BONUS_3GB}], promotions=[{"id": PROMO_LINE_50}])
    ]
    mobile_lines += [mobile_line(ADDITIONAL_5GB) for _ in range(lines - 1)]
    if devices:
        mobile_lines[0]["devices"] = [device()]
    bundle: dict[str, Any] = {
        "bundle_id": BUNDLE,
        "territory_owner": "MASMOVIL",
        "promotions": [{"id": PROMO_BUNDLE}],
        "installation_info": {
            "contact": {"name": "Lucía", "phone": "612345678"},
            "address": {
                "street_name": "CALLE EMILIO FERRARI",
                "number": "12",
                "state_id": 28,
                "locality": "MADRID",
                "postal_code": "28017",
                "gescal": "28017000012",
            },
        },
        "landline": {"product_id": LANDLINE},
        "ftth": {"product_id": FTTH_600, "connection_type": "FTTH", "access_reuse": "Interno"},
        "mobile_lines": mobile_lines,
        "ott": [{"product_id": NETFLIX, "email": "lucia.tv@example.es"}],
    }
    if with_tv:
        bundle["tv"] = {"product_id": TV_FUTBOL, "registration_email": "Lucia.TV@Example.es"}
    body = mobile_signup(person=person, scoring=scoring)
    body["products"] = {"bundle": bundle}
    return copy.deepcopy(body)


def signups_of(kind: str, first: int, count: int) -> list[dict[str, Any]]:
    """``count`` signups of distinct owners numbered from ``first``: one mobile line each
    (``kind`` "mobile"), or a convergent order with a financed device, scored to be approved."""
    return [
        mobile_signup(person=owner(first + index))
        if kind == "mobile"
        else convergent_signup(
            person=owner(first + index),
            scoring={"scoring_value": 900, "credit_limit_available": "5000"},
            devices=True,
        )
        for index in range(count)
    ]
