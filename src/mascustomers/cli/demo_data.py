"""The demo customers ``mascustomers demo`` signs up, as channels would send them.

Ids are the shipped catalogue's (``catalog/data/telco.yaml``): bundle 954 (FIBRA 600Mb
INDIRECTA + TARIFA MÁS 10GB) with fibre 3036, landline 3060, main line 364, additional line
370 and TV 3070; mobile-only tariff 381; prepaid tariff 391; iPhone 16 (7004) financed.
"""

from typing import Any

from mascustomers.kit.identity_documents import make_nif

IBAN = "ES9121000418450200051332"
DEALER = {
    "channel": "dealer",
    "dealer_id": "C00002",
    "shop_id": "S0001",
    "agent_id": "demo",
    "logistic": False,
    "signature_type": "DIGITAL",
}
CONVERGENT_EMAIL = "lucia.garcia@example.es"
MOBILE_EMAIL = "javier.martin@example.es"
PREPAID_EMAIL = "ana.fernandez@example.es"
DEMO_EMAILS = (CONVERGENT_EMAIL, MOBILE_EMAIL, PREPAID_EMAIL)


def _address(street: str, number: str, state_id: int, locality: str, postal_code: str) -> Any:
    return {
        "street_type_id": 1,
        "street_name": street,
        "number": number,
        "state_id": state_id,
        "locality": locality,
        "postal_code": postal_code,
    }


def _owner(
    *, number: int, first: str, last: str, gender: str, email: str, phone: str, address: Any
) -> dict[str, Any]:
    return {
        "role": "owner",
        "type_id": 1,
        "document_type_id": 1,
        "document_value": make_nif(number),
        "first_name": first,
        "last_name": last,
        "gender": gender,
        "birthdate": "1985-03-14",
        "email": email,
        "phone": phone,
        "nationality_id": 1,
        "language_id": 1,
        "address": address,
    }


def _financed_iphone() -> dict[str, Any]:
    # 959.00 in 24 installments: 23 × 39.96 + 39.92.
    return {
        "device_details": {"catalogue_id": 7004, "imei": "356938035643809"},
        "fees": {
            "upfront_fee": "0.00",
            "installment_plan": {
                "monthly_fee": "39.96",
                "duration": 24,
                "last_installment_fee": "39.92",
            },
        },
        "terms": {"penalty_value": "150.00", "commitment_duration": 24},
        "reservation_id": "5d0c7a3e-2f4b-4c1e-9a51-0d3f1e6b7c21",
    }


def convergent_signup() -> dict[str, Any]:
    """Fibre + landline, a main and an additional mobile line, TV and a financed iPhone."""
    home = _address("CALLE EMILIO FERRARI", "12", 28, "MADRID", "28017")
    bundle = {
        "bundle_id": 954,
        "territory_owner": "MASMOVIL",
        "promotions": [{"id": 608}],
        "installation_info": {
            "contact": {"name": "Lucía", "lastname": "García Pérez", "phone": "612345678"},
            "address": {**home, "gescal": "28017000012"},
        },
        "landline": {"product_id": 3060},
        "ftth": {"product_id": 3036, "connection_type": "FTTH", "access_reuse": "Interno"},
        "mobile_lines": [
            {
                "type": "mobile",
                "product_id": 364,
                "bonuses": [{"id": 501}],
                "promotions": [{"id": 601}],
                "devices": [_financed_iphone()],
            },
            {"type": "mobile", "product_id": 370},
        ],
        "tv": {"product_id": 3070, "registration_email": CONVERGENT_EMAIL},
    }
    owner = _owner(
        number=48_123_456,
        first="Lucía",
        last="García Pérez",
        gender="F",
        email=CONVERGENT_EMAIL,
        phone="612345678",
        address=home,
    )
    return {
        "sales_type": "telecomunications",
        "sales_info": DEALER,
        "clients": {"sector_id": 1, "attributes": [owner]},
        "payment": {
            "billing_type_id": 1,
            "info": {"bank_account": IBAN},
            "scoring": {"scoring_value": 760, "credit_limit_available": "1500.00"},
        },
        "products": {"bundle": bundle},
    }


def mobile_signup(*, iccid: str | None) -> dict[str, Any]:
    """A postpaid mobile-only customer; the SIM is handed over in the shop when one is given."""
    owner = _owner(
        number=51_987_654,
        first="Javier",
        last="Martín López",
        gender="M",
        email=MOBILE_EMAIL,
        phone="623456789",
        address=_address("AVENIDA DIAGONAL", "211", 8, "BARCELONA", "08018"),
    )
    line: dict[str, Any] = {"type": "mobile", "product_id": 381, "bonuses": [{"id": 505}]}
    if iccid is not None:
        line["iccid"] = iccid
    return {
        "sales_type": "telecomunications",
        "sales_info": DEALER,
        "clients": {"sector_id": 1, "attributes": [owner]},
        "payment": {"billing_type_id": 1, "info": {"bank_account": IBAN}},
        "products": {"mobile_line": line},
    }


def prepaid_signup(*, iccid: str | None) -> dict[str, Any]:
    """A prepaid customer with a 1000-minute bonus and 10 EUR of initial balance."""
    owner = _owner(
        number=32_456_789,
        first="Ana",
        last="Fernández Ruiz",
        gender="F",
        email=PREPAID_EMAIL,
        phone="634567890",
        address=_address("CALLE SIERPES", "45", 41, "SEVILLA", "41004"),
    )
    line: dict[str, Any] = {
        "type": "mobile",
        "product_id": 391,
        "initial_balance": "10.00",
        "bonuses": [{"id": 510}],
    }
    if iccid is not None:
        line["iccid"] = iccid
    return {
        "sales_type": "telecomunications",
        "sales_info": DEALER,
        "clients": {"sector_id": 1, "attributes": [owner]},
        "payment": {"billing_type_id": 2},
        "products": {"mobile_line": line},
    }
