"""One request per reference operation: the reference's own example, its placeholders filled
with data from the world, and the documented success it should produce."""

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from mascustomers.routing.operations import Operation, operations
from tests.bodies import convergent_signup, device, mobile_line, owner, sales_info
from tests.catalogue_fixture import (
    ADDITIONAL_5GB,
    BONUS_3GB,
    BUNDLE_BIG,
    MAIN_30GB,
    MOBILE_ONLY_30GB,
    TV_FUTBOL,
    sim_iccid,
)
from tests.conformance.world import World


@dataclass
class Req:
    method: str
    url: str
    params: dict[str, Any] = field(default_factory=dict)
    json: Any = None


def example(operation: Operation) -> Any:
    return copy.deepcopy(operation.request_example)


Builder = Callable[[World, Operation], Req]
BUILDERS: dict[tuple[str, str], Builder] = {}


def builds(method: str, path: str) -> Callable[[Builder], Builder]:
    def register(builder: Builder) -> Builder:
        BUILDERS[(method, f"/v2/orgs/{{orgId}}{path}" if not path.startswith("/v2") else path)] = (
            builder
        )
        return builder

    return register


@builds("POST", "/signups")
def _signup(w: World, op: Operation) -> Req:
    body = example(op)
    # The reference's example, its placeholders completed: owner, payment and bundle.
    valid = convergent_signup(person=owner(56789012), lines=2)
    body["sales_info"] = valid["sales_info"]
    body["clients"] = valid["clients"]
    body["payment"] = {"billing_type_id": 1, "info": {"bank_account": "ES9121000418450200051332"}}
    body["products"] = {
        "bundle": valid["products"]["bundle"],
        "mobile_line": mobile_line(bonuses=[{"id": BONUS_3GB}]),
    }
    return Req("POST", "/signups", json=body)


@builds("GET", "/signups/master-data")
def _master(w: World, op: Operation) -> Req:
    return Req("GET", "/signups/master-data")


@builds("GET", "/signups/available-msisdns/{host_cfg}")
def _available(w: World, op: Operation) -> Req:
    return Req("GET", "/signups/available-msisdns/YOIGO")


@builds("GET", "/signups/simcard-info/{iccid}")
def _simcard(w: World, op: Operation) -> Req:
    return Req("GET", f"/signups/simcard-info/{sim_iccid(41)}")


@builds("PATCH", "/signups/activate-sim")
def _activate(w: World, op: Operation) -> Req:
    body = example(op)
    body["msisdn"] = w.shipped_msisdn
    return Req("PATCH", "/signups/activate-sim", json=body)


@builds("POST", "/signups/subscriptions")
def _add_lines(w: World, op: Operation) -> Req:
    body = example(op)
    body["sales_info"] = sales_info()
    body.pop("tpv_response", None)
    line = body["account"]["subscriptions"]["mobile_lines"][0]
    body["account"] = {
        "account_id": w.account_id,
        "subscriptions": {
            "mobile_lines": [
                {
                    "type": line["type"],
                    "product_id": ADDITIONAL_5GB,
                    "msisdn": 600000070,
                    "iccid": sim_iccid(42),
                }
            ]
        },
    }
    return Req("POST", "/signups/subscriptions", json=body)


@builds("GET", "/users/tree")
def _tree(w: World, op: Operation) -> Req:
    return Req("GET", "/users/tree", params={"number": w.main_msisdn})


@builds("POST", "/users/tree")
def _tree_post(w: World, op: Operation) -> Req:
    return Req("POST", "/users/tree", json={"documentType": "NIF", "document": w.document})


@builds("POST", "/users/tree/full")
def _tree_full(w: World, op: Operation) -> Req:
    return Req("POST", "/users/tree/full", json={"document_type": "NIF", "document": w.document})


@builds("GET", "/users/{userId}")
def _user(w: World, op: Operation) -> Req:
    return Req("GET", f"/users/{w.user_id}")


@builds("PATCH", "/users/agile-tv")
def _agile(w: World, op: Operation) -> Req:
    body = example(op)
    body.update(
        old_email=w.tv_email.upper(), new_email="nuevo.tv@example.es", document_number=w.document
    )
    return Req("PATCH", "/users/agile-tv", json=body)


def _account(path: str, **params: Any) -> Builder:
    def build(w: World, op: Operation) -> Req:
        return Req("GET", f"/accounts/{w.account_id}{path}", params=params)

    return build


BUILDERS[("GET", "/v2/orgs/{orgId}/accounts/{accountId}")] = _account("")
BUILDERS[("GET", "/v2/orgs/{orgId}/accounts/{accountId}/tax")] = _account(
    "/tax", include_historical_changes="true"
)
BUILDERS[("GET", "/v2/orgs/{orgId}/accounts/{accountId}/contracts")] = _account(
    "/contracts", signature_config="CONVERGENTE"
)
BUILDERS[("GET", "/v2/orgs/{orgId}/accounts/{accountId}/invoices")] = _account("/invoices")
BUILDERS[("GET", "/v2/orgs/{orgId}/accounts/{accountId}/terms")] = _account("/terms")
BUILDERS[("GET", "/v2/orgs/{orgId}/accounts/{accountId}/paymentinfo")] = _account("/paymentinfo")
BUILDERS[("GET", "/v2/orgs/{orgId}/accounts/{accountId}/promotions")] = _account("/promotions")


@builds("POST", "/signups/migration")
def _migration(w: World, op: Operation) -> Req:
    body = example(op)
    body["account"]["account_id"] = w.account_id
    body["account"]["new_bundle_id"] = BUNDLE_BIG
    body["account"]["subscriptions"] = {
        "mobile_lines": [
            {
                "subscription_id": w.main_line_id,
                "type": "main",
                "product_id": MAIN_30GB,
                "msisdn": w.main_msisdn,
            }
        ]
    }
    return Req("POST", "/signups/migration", json=body)


def _subscription(
    method: str, path: str, *, line: str = "main", body: Any = None, **params: Any
) -> Builder:
    def build(w: World, op: Operation) -> Req:
        subscription_id = {
            "main": w.main_line_id,
            "prepaid": w.prepaid_line_id,
            "additional": w.additional_line_id,
            "mobile_only": w.mobile_only_line_id,
        }[line]
        return Req(method, f"/subscriptions/{subscription_id}{path}", params=params, json=body)

    return build


S = "/v2/orgs/{orgId}/subscriptions/{subscriptionId}"
BUILDERS[("GET", S)] = _subscription("GET", "", include="origin,selldate,historical_status")
BUILDERS[("GET", f"{S}/devices")] = _subscription("GET", "/devices")
BUILDERS[("GET", f"{S}/recharge/detail")] = _subscription("GET", "/recharge/detail", line="prepaid")
BUILDERS[("GET", f"{S}/products")] = _subscription(
    "GET", "/products", include="compatibilities,historical_changes"
)
BUILDERS[("PATCH", f"{S}/products")] = _subscription(
    "PATCH", "/products", line="mobile_only", body={"productId": MOBILE_ONLY_30GB}
)
BUILDERS[("GET", f"{S}/services")] = _subscription("GET", "/services")
BUILDERS[("PATCH", f"{S}/services/{{serviceId}}")] = _subscription(
    "PATCH", "/services/3", body={"active": False}
)
BUILDERS[("GET", f"{S}/bonuses")] = _subscription("GET", "/bonuses")
BUILDERS[("PUT", f"{S}/bonuses")] = _subscription(
    "PUT", "/bonuses", line="mobile_only", body={"bonusId": BONUS_3GB}
)
BUILDERS[("DELETE", f"{S}/bonuses/{{bonusId}}")] = _subscription("DELETE", f"/bonuses/{BONUS_3GB}")
BUILDERS[("GET", f"{S}/blocks")] = _subscription("GET", "/blocks")
BUILDERS[("PATCH", f"{S}/blocks/{{blockId}}")] = _subscription(
    "PATCH", "/blocks/1", body={"active": True, "reason": "Lo ha perdido"}
)
BUILDERS[("PATCH", f"{S}/sim-replacement")] = _subscription(
    "PATCH",
    "/sim-replacement",
    body={"dealer_id": "D001", "shop_id": "S001", "logistic": False, "new_icc": sim_iccid(43)},
)


@builds("POST", "/subscriptions/{subscriptionId}/devices")
def _device(w: World, op: Operation) -> Req:
    body = example(op)
    sold = device(monthly_fee="10.00", duration=12)
    body["delivery_info"]["contact"] = {"name": "Lucía", "phone": "612345678"}
    body["delivery_info"]["address"].update(
        street_name="CALLE MAYOR", number="1", postal_code="28013", town="MADRID", province_id="28"
    )
    body["sell"]["payment"]["scoring"].update(scoring_value=900, credit_limit_available=2000)
    body["client"].update(customer_id=str(w.customer_id), account_id=str(w.account_id))
    details = body["device"]["device_details"]
    details.update(
        catalogue_id=sold["device_details"]["catalogue_id"], imei="490154203237518", model_id="70"
    )
    body["device"]["fees"]["installment_plan"].update(
        duration=12, monthly_fee=10, last_installment_fee=10
    )
    body["device"]["terms"].update(penalty_value=100, commitment_duration=12)
    body["device"]["reservation_id"] = sold["reservation_id"]
    body["subscription_offer_segment"] = "RESIDENCIAL"
    return Req("POST", f"/subscriptions/{w.additional_line_id}/devices", json=body)


@builds("POST", "/v2/workorders/change-order")
def _change_order(w: World, op: Operation) -> Req:
    body = example(op)
    body.update(
        seller="D001",
        workorderid=w.work_order_id,
        reason="installed",
        parameters="",
        changetype="COMPLETE",
    )
    return Req("POST", "/v2/workorders/change-order", json=body)


@builds("GET", "/penalties/{accountId}")
def _penalties(w: World, op: Operation) -> Req:
    return Req("GET", f"/penalties/{w.account_id}", params={"reason": "unsubscribe"})


@builds("GET", "/penalties/{accountId}/subscriptions/{subscriptionId}")
def _penalties_line(w: World, op: Operation) -> Req:
    return Req(
        "GET",
        f"/penalties/{w.account_id}/subscriptions/{w.main_line_id}",
        params={"reason": "device"},
    )


@builds("GET", "/penalties/{accountId}/subscriptions/uuid/{subscriptionUUID}")
def _penalties_uuid(w: World, op: Operation) -> Req:
    return Req("GET", f"/penalties/{w.account_id}/subscriptions/uuid/{w.extras['main_uuid']}")


@builds("PUT", "/penalties/{computePenaltyId}")
def _confirm(w: World, op: Operation) -> Req:
    return Req("PUT", f"/penalties/{w.extras['computed_penalty_id']}")


@builds("DELETE", "/penalties/{computePenaltyId}")
def _delete_penalty(w: World, op: Operation) -> Req:
    return Req("DELETE", f"/penalties/{w.extras['computed_penalty_id']}")


# Operations whose request changes the world, run after the reads so the reads see the
# world as built (and in an order where each one's preconditions hold).
RUN_LAST = [
    ("PATCH", "/v2/orgs/{orgId}/signups/activate-sim"),
    ("PUT", f"{S}/bonuses"),
    ("PATCH", f"{S}/products"),
    ("PATCH", f"{S}/blocks/{{blockId}}"),
    ("PATCH", f"{S}/sim-replacement"),
    ("POST", "/v2/orgs/{orgId}/signups/subscriptions"),
    ("POST", "/v2/orgs/{orgId}/signups/migration"),
    ("PUT", "/v2/orgs/{orgId}/penalties/{computePenaltyId}"),
    ("DELETE", "/v2/orgs/{orgId}/penalties/{computePenaltyId}"),
    ("POST", "/v2/workorders/change-order"),
]


def ordered_operations() -> list[Operation]:
    last = {key: index for index, key in enumerate(RUN_LAST)}
    return sorted(operations(), key=lambda op: (op.key in last, last.get(op.key, 0)))


__all__ = ["BUILDERS", "TV_FUTBOL", "Req", "ordered_operations"]
