"""The demo customers ``mascustomers demo`` signs up, as channels would send them.

Ids are the shipped catalogue's (``catalog/data/telco.yaml``): bundle 954 (FIBRA 600Mb
INDIRECTA + TARIFA MÁS 10GB) with fibre 3036, landline 3060, main line 364, additional line
370 and TV 3070; mobile-only tariff 381; prepaid tariff 391; iPhone 16 (7004) financed.

Each customer has a role: what the OpenAPI document's working examples (``demo.examples``)
use it for. The operations that use something up (activate a shipped SIM, cancel a work
order, approve or reject a held order, terminate a line) each get a customer of their own, so
every example works on a fresh demo whatever order they are tried in.
"""

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
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
# A scoring the risk policy sends to review (decision r): the order waits in ops/risk-holds.
REVIEW_SCORING = {"scoring_value": 300, "credit_limit_available": "500.00"}


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
    """A private customer (type 1 PARTICULAR) identified by NIF: ``clients.attributes[0]``."""
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
        "nationality_id": 724,
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
    home = PEOPLE[Role.CONVERGENT].address
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
    owner = PEOPLE[Role.CONVERGENT].owner()
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
    owner = PEOPLE[Role.MOBILE].owner()
    line: dict[str, Any] = {
        "type": "mobile",
        "product_id": 381,
        "bonuses": [{"id": 505}, {"id": 508}],
    }
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
    owner = PEOPLE[Role.PREPAID].owner()
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


@dataclass(frozen=True)
class Person:
    number: int
    first: str
    last: str
    gender: str
    email: str
    phone: str
    address: Any

    @property
    def document(self) -> str:
        return make_nif(self.number)

    def owner(self) -> dict[str, Any]:
        return _owner(
            number=self.number,
            first=self.first,
            last=self.last,
            gender=self.gender,
            email=self.email,
            phone=self.phone,
            address=self.address,
        )


def postpaid_mobile_signup(
    person: Person, *, iccid: str | None, scoring: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A postpaid line on tariff 381: SIM handed in the shop (``iccid``) or shipped (None)."""
    line: dict[str, Any] = {"type": "mobile", "product_id": 381}
    if iccid is not None:
        line["iccid"] = iccid
    payment: dict[str, Any] = {"billing_type_id": 1, "info": {"bank_account": IBAN}}
    if scoring is not None:
        payment["scoring"] = scoring
    return {
        "sales_type": "telecomunications",
        "sales_info": DEALER,
        "clients": {"sector_id": 1, "attributes": [person.owner()]},
        "payment": payment,
        "products": {"mobile_line": line},
    }


class Role(StrEnum):
    """What a demo customer is there for."""

    CONVERGENT = "convergent: reads, penalties, migration, TV, work order via change-order"
    MOBILE = "mobile: tariff, services, bonuses, blocks, SIM, devices, added lines"
    PREPAID = "prepaid: recharges"
    SHIPPED = "a shipped SIM to activate (PATCH signups/activate-sim)"
    CANCELLABLE = "an order to cancel (POST ops/work-orders/{id}/cancel)"
    HELD_TO_APPROVE = "an order held by risk to approve"
    HELD_TO_REJECT = "an order held by risk to reject"
    TERMINABLE = "a live line to terminate (POST ops/subscriptions/{id}/termination)"


def _madrid() -> Any:
    return _address("CALLE EMILIO FERRARI", "12", 28, "MADRID", "28017")


PEOPLE: dict[Role, Person] = {
    Role.CONVERGENT: Person(
        48_123_456, "Lucía", "García Pérez", "F", CONVERGENT_EMAIL, "612345678", _madrid()
    ),
    Role.MOBILE: Person(
        51_987_654,
        "Javier",
        "Martín López",
        "M",
        MOBILE_EMAIL,
        "623456789",
        _address("AVENIDA DIAGONAL", "211", 8, "BARCELONA", "08018"),
    ),
    Role.PREPAID: Person(
        32_456_789,
        "Ana",
        "Fernández Ruiz",
        "F",
        PREPAID_EMAIL,
        "634567890",
        _address("CALLE SIERPES", "45", 41, "SEVILLA", "41004"),
    ),
    Role.SHIPPED: Person(
        27_654_321,
        "Pablo",
        "Sánchez Gil",
        "M",
        "pablo.sanchez@example.es",
        "645678901",
        _address("CALLE COLON", "20", 46, "VALENCIA", "46004"),
    ),
    Role.CANCELLABLE: Person(
        39_876_543,
        "Marta",
        "Romero Díaz",
        "F",
        "marta.romero@example.es",
        "656789012",
        _address("PASEO INDEPENDENCIA", "8", 50, "ZARAGOZA", "50004"),
    ),
    Role.HELD_TO_APPROVE: Person(
        44_321_987,
        "Sergio",
        "Navarro Ruiz",
        "M",
        "sergio.navarro@example.es",
        "667890123",
        _address("GRAN VIA", "30", 48, "BILBAO", "48011"),
    ),
    Role.HELD_TO_REJECT: Person(
        36_789_012,
        "Elena",
        "Torres Molina",
        "F",
        "elena.torres@example.es",
        "678901234",
        _address("CALLE LARIOS", "5", 29, "MALAGA", "29005"),
    ),
    Role.TERMINABLE: Person(
        42_135_790,
        "Diego",
        "Castro Vega",
        "M",
        "diego.castro@example.es",
        "689012345",
        _address("CALLE SANTIAGO", "15", 47, "VALLADOLID", "47001"),
    ),
}
DEMO_EMAILS = tuple(person.email for person in PEOPLE.values())

# How each one signs up, given a SIM card in stock to hand over in the shop.
SIGNUPS: dict[Role, Callable[[str | None], dict[str, Any]]] = {
    Role.CONVERGENT: lambda _iccid: convergent_signup(),
    Role.MOBILE: lambda iccid: mobile_signup(iccid=iccid),
    Role.PREPAID: lambda iccid: prepaid_signup(iccid=iccid),
    Role.SHIPPED: lambda _iccid: postpaid_mobile_signup(PEOPLE[Role.SHIPPED], iccid=None),
    Role.CANCELLABLE: lambda _iccid: postpaid_mobile_signup(PEOPLE[Role.CANCELLABLE], iccid=None),
    Role.HELD_TO_APPROVE: lambda iccid: postpaid_mobile_signup(
        PEOPLE[Role.HELD_TO_APPROVE], iccid=iccid, scoring=REVIEW_SCORING
    ),
    Role.HELD_TO_REJECT: lambda iccid: postpaid_mobile_signup(
        PEOPLE[Role.HELD_TO_REJECT], iccid=iccid, scoring=REVIEW_SCORING
    ),
    Role.TERMINABLE: lambda iccid: postpaid_mobile_signup(PEOPLE[Role.TERMINABLE], iccid=iccid),
}


def new_customer(number: int) -> Person:
    """A customer the demo has not signed up: the working example of POST signups."""
    return Person(
        number,
        "Carmen",
        "Ortega Ruiz",
        "F",
        f"carmen.{number}@example.es",
        "690123456",
        _address("CALLE ALCALA", "100", 28, "MADRID", "28009"),
    )
