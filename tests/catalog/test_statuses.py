"""The named status and type constants agree with the master-data file, and with other modules."""

import importlib
from enum import IntEnum
from typing import Any

import pytest
import yaml

from mascustomers.catalog.master_data import MASTER_DATA_PATH
from mascustomers.catalog.statuses import (
    ENUM_SOURCES,
    AccountStatus,
    BillingType,
    MasterDataEnum,
    SimCardStatus,
    SubscriptionOrigin,
    SubscriptionStatus,
    SubscriptionType,
    WorkOrderStatus,
    WorkOrderType,
)


def _rows(source: str) -> list[dict[str, Any]]:
    node: Any = yaml.safe_load(MASTER_DATA_PATH.read_text(encoding="utf-8"))
    for key in source.split("."):
        node = node[key]
    return list(node)


@pytest.mark.parametrize(("source", "enum"), list(ENUM_SOURCES.items()))
def test_enum_and_yaml_list_the_same_ids_and_labels(
    source: str, enum: type[MasterDataEnum]
) -> None:
    in_yaml = {row["id"]: row["value"] for row in _rows(source)}
    in_code = {member.value: member.label for member in enum}
    assert in_code == in_yaml


def test_reference_fixed_ids() -> None:
    assert SubscriptionStatus.PENDIENTE_A_DESACTIVAR.value == 82
    assert SubscriptionStatus.PENDIENTE_A_DESACTIVAR.label == "PENDIENTE A DESACTIVAR"
    assert SubscriptionStatus.INSTALADO.value == 1
    assert AccountStatus.ACTIVO.value == 3
    assert WorkOrderStatus.PENDIENTE_CREAR_OT.label == "PENDIENTE CREAR OT"
    assert WorkOrderStatus.PENDIENTE_CREAR_OT.value == 32
    assert BillingType.POSPAGO.value == 1
    assert SubscriptionType.DEVICE_INSURANCE.value == 11
    assert SubscriptionType.NETFLIX.value == 12
    assert SubscriptionType.APPLE_WATCH.value == 13
    assert SubscriptionType.PREPAID_MOBILE.label == "PRE-PAGO"


def test_subscription_type_groups() -> None:
    mobile = {kind for kind in SubscriptionType if kind.is_mobile}
    access = {kind for kind in SubscriptionType if kind.is_fixed_access}
    assert mobile == {SubscriptionType.PREPAID_MOBILE, SubscriptionType.POSTPAID_MOBILE}
    assert access == {SubscriptionType.FTTH, SubscriptionType.ADSL}


# Enums other packages define for the same ids: every member they have must match ours.
_DOWNSTREAM = [
    ("mascustomers.subscriptions.states", "SubscriptionStatus", SubscriptionStatus),
    ("mascustomers.subscriptions.states", "SubscriptionType", SubscriptionType),
    ("mascustomers.subscriptions.states", "Origin", SubscriptionOrigin),
    ("mascustomers.accounts.states", "AccountStatus", AccountStatus),
    ("mascustomers.accounts.states", "BillingType", BillingType),
    ("mascustomers.workorders.states", "WorkOrderStatus", WorkOrderStatus),
    ("mascustomers.workorders.states", "WorkOrderType", WorkOrderType),
    ("mascustomers.inventory.states", "SimStatus", SimCardStatus),
]


@pytest.mark.parametrize(("module", "name", "ours"), _DOWNSTREAM)
def test_other_packages_use_the_same_ids(
    module: str, name: str, ours: type[MasterDataEnum]
) -> None:
    theirs: type[IntEnum] = getattr(importlib.import_module(module), name)
    for member in theirs:
        assert member.value in ours._value2member_map_, f"{name}.{member.name} not in master data"
        assert ours(member.value).name == member.name
        assert ours(member.value).label == getattr(member, "label", ours(member.value).label)
