"""The operator's master data: what ``GET .../signups/master-data`` returns, and id lookups.

``data/master_data.yaml`` holds the response's lists (the reference's keys and item shapes)
plus two lists the response does not carry, ``status_catalogues`` and ``type_catalogues``
(statuses, subscription types, origins …). ``load_master_data()`` is the response and never
includes those two; ``load_master_data_file()`` is the whole file.

Validation elsewhere checks request ids against these lists with ``require()`` (and
``require_mobile_operator`` / ``require_cli_operator`` for operator codes), which raise
``UnknownMasterData`` naming the field. Everything is loaded once per process and read-only.
"""

import re
from collections.abc import Hashable, Iterable
from decimal import Decimal
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Annotated, Self, TypeVar

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, PlainSerializer, model_validator

from mascustomers.catalog.errors import UnknownMasterData
from mascustomers.kit.money import parse_money

MASTER_DATA_PATH = Path(__file__).resolve().parent / "data" / "master_data.yaml"

_POSTAL_CODE = re.compile(r"[0-9]{5}")
_T = TypeVar("_T", bound=Hashable)

# The reference types balances as number (double): exact inside, a JSON number outside.
Balance = Annotated[
    Decimal,
    BeforeValidator(parse_money),
    PlainSerializer(float, return_type=float, when_used="json"),
]


class _Item(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MasterDataItem(_Item):
    """One entry of a master-data list: its id and its label."""

    id: int
    value: str


class IsoItem(MasterDataItem):
    """A state (INE id, ISO 3166-2), a nationality (ISO 3166-1) or a language (ISO 639-1)."""

    iso: str


class DescribedItem(MasterDataItem):
    description: str


class Operator(_Item):
    code: str
    name: str


class DeactivationMotives(_Item):
    termination_motives: tuple[MasterDataItem, ...]
    cancellation_motives: tuple[MasterDataItem, ...]


class MasterData(_Item):
    """The master-data response, field for field and in the reference's order."""

    states: tuple[IsoItem, ...]
    document_types: tuple[DescribedItem, ...]
    nationalities: tuple[IsoItem, ...]
    languages: tuple[IsoItem, ...]
    balances: tuple[Balance, ...]
    mobile_operators: tuple[Operator, ...]
    cli_operators: tuple[Operator, ...]
    sectors: tuple[MasterDataItem, ...]
    billing_types: tuple[MasterDataItem, ...]
    fabrication_types: tuple[MasterDataItem, ...]
    deactivation_motives: DeactivationMotives
    movement_types: tuple[DescribedItem, ...]
    recharge_origins: tuple[MasterDataItem, ...]
    occupations: tuple[MasterDataItem, ...]
    occupation_sectors: tuple[MasterDataItem, ...]


class StatusCatalogues(_Item):
    subscription_statuses: tuple[MasterDataItem, ...]
    account_statuses: tuple[MasterDataItem, ...]
    work_order_statuses: tuple[MasterDataItem, ...]
    invoice_statuses: tuple[MasterDataItem, ...]
    sim_card_statuses: tuple[MasterDataItem, ...]


class TypeCatalogues(_Item):
    subscription_types: tuple[MasterDataItem, ...]
    subscription_origins: tuple[MasterDataItem, ...]
    customer_types: tuple[MasterDataItem, ...]
    work_order_types: tuple[MasterDataItem, ...]
    block_types: tuple[MasterDataItem, ...]


class MasterDataFile(MasterData):
    """The whole file: the response plus the lists the API uses but does not return."""

    status_catalogues: StatusCatalogues
    type_catalogues: TypeCatalogues

    @model_validator(mode="after")
    def _ids_are_unique(self) -> Self:
        problems = [
            f"{kind}: id {item_id} appears more than once"
            for kind, items in _id_lists(self).items()
            for item_id in _repeated(item.id for item in items)
        ]
        problems += [
            f"{kind}: code {code} appears more than once"
            for kind, operators in (
                ("mobile_operators", self.mobile_operators),
                ("cli_operators", self.cli_operators),
            )
            for code in _repeated(operator.code for operator in operators)
        ]
        problems += [
            f"states: iso {iso} appears more than once"
            for iso in _repeated(state.iso for state in self.states)
        ]
        if problems:
            raise ValueError("; ".join(problems))
        return self


class MasterDataList(StrEnum):
    """The id lists ``require()`` can check against, named as in the YAML."""

    STATES = "states"
    DOCUMENT_TYPES = "document_types"
    NATIONALITIES = "nationalities"
    LANGUAGES = "languages"
    SECTORS = "sectors"
    BILLING_TYPES = "billing_types"
    FABRICATION_TYPES = "fabrication_types"
    TERMINATION_MOTIVES = "termination_motives"
    CANCELLATION_MOTIVES = "cancellation_motives"
    MOVEMENT_TYPES = "movement_types"
    RECHARGE_ORIGINS = "recharge_origins"
    OCCUPATIONS = "occupations"
    OCCUPATION_SECTORS = "occupation_sectors"
    SUBSCRIPTION_STATUSES = "subscription_statuses"
    ACCOUNT_STATUSES = "account_statuses"
    WORK_ORDER_STATUSES = "work_order_statuses"
    INVOICE_STATUSES = "invoice_statuses"
    SIM_CARD_STATUSES = "sim_card_statuses"
    SUBSCRIPTION_TYPES = "subscription_types"
    SUBSCRIPTION_ORIGINS = "subscription_origins"
    CUSTOMER_TYPES = "customer_types"
    WORK_ORDER_TYPES = "work_order_types"
    BLOCK_TYPES = "block_types"


def _id_lists(data: MasterDataFile) -> dict[MasterDataList, tuple[MasterDataItem, ...]]:
    kinds, statuses, types = MasterDataList, data.status_catalogues, data.type_catalogues
    return {
        kinds.STATES: data.states,
        kinds.DOCUMENT_TYPES: data.document_types,
        kinds.NATIONALITIES: data.nationalities,
        kinds.LANGUAGES: data.languages,
        kinds.SECTORS: data.sectors,
        kinds.BILLING_TYPES: data.billing_types,
        kinds.FABRICATION_TYPES: data.fabrication_types,
        kinds.TERMINATION_MOTIVES: data.deactivation_motives.termination_motives,
        kinds.CANCELLATION_MOTIVES: data.deactivation_motives.cancellation_motives,
        kinds.MOVEMENT_TYPES: data.movement_types,
        kinds.RECHARGE_ORIGINS: data.recharge_origins,
        kinds.OCCUPATIONS: data.occupations,
        kinds.OCCUPATION_SECTORS: data.occupation_sectors,
        kinds.SUBSCRIPTION_STATUSES: statuses.subscription_statuses,
        kinds.ACCOUNT_STATUSES: statuses.account_statuses,
        kinds.WORK_ORDER_STATUSES: statuses.work_order_statuses,
        kinds.INVOICE_STATUSES: statuses.invoice_statuses,
        kinds.SIM_CARD_STATUSES: statuses.sim_card_statuses,
        kinds.SUBSCRIPTION_TYPES: types.subscription_types,
        kinds.SUBSCRIPTION_ORIGINS: types.subscription_origins,
        kinds.CUSTOMER_TYPES: types.customer_types,
        kinds.WORK_ORDER_TYPES: types.work_order_types,
        kinds.BLOCK_TYPES: types.block_types,
    }


def _repeated(values: Iterable[_T]) -> list[_T]:
    """The values that occur more than once, each listed once, in order."""
    seen: set[_T] = set()
    repeated: list[_T] = []
    for value in values:
        if value in seen and value not in repeated:
            repeated.append(value)
        seen.add(value)
    return repeated


@cache
def load_master_data_file() -> MasterDataFile:
    """The whole master-data file, parsed and checked once per process."""
    with MASTER_DATA_PATH.open(encoding="utf-8") as stream:
        raw = yaml.safe_load(stream)
    return MasterDataFile.model_validate(raw)


@cache
def load_master_data() -> MasterData:
    """The master-data response (without the status and type catalogues)."""
    whole = load_master_data_file()
    return MasterData.model_validate(whole.model_dump(include=set(MasterData.model_fields)))


@cache
def _index() -> dict[MasterDataList, dict[int, MasterDataItem]]:
    return {
        kind: {item.id: item for item in items}
        for kind, items in _id_lists(load_master_data_file()).items()
    }


@cache
def _operators(kind: str) -> dict[str, Operator]:
    operators: tuple[Operator, ...] = getattr(load_master_data_file(), kind)
    return {operator.code: operator for operator in operators}


def entry(kind: MasterDataList, item_id: int) -> MasterDataItem | None:
    """The row with ``item_id`` in list ``kind``, or None."""
    return _index()[kind].get(item_id)


def ids(kind: MasterDataList) -> frozenset[int]:
    """Every id of list ``kind``."""
    return frozenset(_index()[kind])


def require(kind: MasterDataList, item_id: int, *, field: str) -> MasterDataItem:
    """The row with ``item_id`` in ``kind``; ``UnknownMasterData`` naming ``field`` if none."""
    item = entry(kind, item_id)
    if item is None:
        raise UnknownMasterData(
            f"{field}: {item_id} is not a known {kind.value} id", field=field, value=item_id
        )
    return item


def value(kind: MasterDataList, item_id: int | None) -> str | None:
    """The label of an id (``{"id": 3, "value": "ACTIVO"}``); None for no id or an id the list
    does not have (reads show what is stored, whatever the master data says now)."""
    if item_id is None:
        return None
    item = entry(kind, item_id)
    return None if item is None else item.value


def label(kind: MasterDataList, item_id: int) -> str:
    """The value shown for an id (``{"id": 3, "value": "ACTIVO"}``)."""
    return require(kind, item_id, field=kind.value).value


def mobile_operator(code: str) -> Operator | None:
    return _operators("mobile_operators").get(code)


def cli_operator(code: str) -> Operator | None:
    return _operators("cli_operators").get(code)


def require_mobile_operator(code: str, *, field: str) -> Operator:
    operator = mobile_operator(code)
    if operator is None:
        raise UnknownMasterData(f"{field}: {code!r} is not a known mobile operator", field=field)
    return operator


def require_cli_operator(code: str, *, field: str) -> Operator:
    operator = cli_operator(code)
    if operator is None:
        raise UnknownMasterData(
            f"{field}: {code!r} is not a known fixed-line operator", field=field
        )
    return operator


def document_type_by_value(value: str) -> DescribedItem | None:
    """The document type named ``value`` (``NIF``, ``nie`` …), any case."""
    wanted = value.strip().upper()
    types = load_master_data_file().document_types
    return next((item for item in types if item.value.upper() == wanted), None)


def provinces() -> tuple[IsoItem, ...]:
    """The 52 Spanish provinces (``states``), id = INE number."""
    return load_master_data_file().states


def province(state_id: int) -> IsoItem | None:
    item = entry(MasterDataList.STATES, state_id)
    return item if isinstance(item, IsoItem) else None


def province_for_postal_code(postal_code: str) -> IsoItem | None:
    """The province a Spanish postal code belongs to, or None if it is not one."""
    if not _POSTAL_CODE.fullmatch(postal_code):
        return None
    return province(int(postal_code[:2]))


def postal_code_matches_province(postal_code: str, state_id: int) -> bool:
    """Whether ``postal_code`` is a Spanish postal code of province ``state_id``.

    A postal code's first two digits are the INE number of its province (28017 → 28 Madrid).
    """
    found = province_for_postal_code(postal_code)
    return found is not None and found.id == state_id
