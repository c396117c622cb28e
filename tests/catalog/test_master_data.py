"""Master data: the reference's response shape, real provinces and lookups by id."""

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from mascustomers.catalog import master_data
from mascustomers.catalog.errors import UnknownMasterData
from mascustomers.catalog.master_data import MasterDataList

SOURCE = Path(__file__).resolve().parents[2] / "src/mascustomers"
REFERENCE = SOURCE / "routing/reference/endpoints.json"
EU_MEMBERS = {
    *("AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU"),
    *("IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"),
}


def _reference_example() -> dict[str, Any]:
    operations = json.loads(REFERENCE.read_text(encoding="utf-8"))
    operation = next(op for op in operations if op["path"].endswith("/signups/master-data"))
    example: dict[str, Any] = operation["response_examples"]["200"]
    return example


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    return "null"


def _assert_same_shape(ours: Any, reference: Any, where: str) -> None:
    """Same keys and JSON types all the way down; every item of a list like the example's."""
    assert _json_type(ours) == _json_type(reference), where
    if isinstance(reference, dict):
        assert list(ours) == list(reference), where
        for key, value in reference.items():
            _assert_same_shape(ours[key], value, f"{where}.{key}")
    elif isinstance(reference, list):
        assert ours, f"{where} is empty"
        for index, item in enumerate(ours):
            _assert_same_shape(item, reference[0], f"{where}[{index}]")


def _response() -> Any:
    # Through a JSON text, as a client receives it.
    return json.loads(json.dumps(master_data.load_master_data().model_dump(mode="json")))


def test_response_has_the_reference_keys_and_types() -> None:
    _assert_same_shape(_response(), _reference_example(), "master-data")


def test_ids_are_integers() -> None:
    response = _response()
    motives = response["deactivation_motives"]
    lists = [value for value in response.values() if isinstance(value, list)]
    lists += [motives["termination_motives"], motives["cancellation_motives"]]
    for items in lists:
        for item in items:
            if isinstance(item, dict) and "id" in item:
                assert isinstance(item["id"], int)


def test_status_and_type_catalogues_are_not_returned() -> None:
    response = _response()
    assert "status_catalogues" not in response
    assert "type_catalogues" not in response
    whole = master_data.load_master_data_file()
    assert whole.status_catalogues.subscription_statuses


def test_52_provinces_by_ine_number_with_unique_iso_codes() -> None:
    provinces = master_data.provinces()
    assert [province.id for province in provinces] == list(range(1, 53))
    codes = [province.iso for province in provinces]
    assert len(set(codes)) == 52
    assert all(code.startswith("ES-") for code in codes)
    assert len({province.value for province in provinces}) == 52


@pytest.mark.parametrize(
    ("state_id", "name", "iso"),
    [
        (1, "Álava", "ES-VI"),
        (7, "Illes Balears", "ES-PM"),
        (8, "Barcelona", "ES-B"),
        (27, "Lugo", "ES-LU"),
        (28, "Madrid", "ES-M"),
        (35, "Las Palmas", "ES-GC"),
        (38, "Santa Cruz de Tenerife", "ES-TF"),
        (48, "Bizkaia", "ES-BI"),
        (51, "Ceuta", "ES-CE"),
        (52, "Melilla", "ES-ML"),
    ],
)
def test_known_provinces(state_id: int, name: str, iso: str) -> None:
    province = master_data.province(state_id)
    assert province is not None
    assert (province.value, province.iso) == (name, iso)


@pytest.mark.parametrize(
    ("postal_code", "state_id", "matches"),
    [
        ("28017", 28, True),
        ("01001", 1, True),
        ("08001", 8, True),
        ("35001", 35, True),
        ("51001", 51, True),
        ("52006", 52, True),
        ("08001", 28, False),
        ("28017", 8, False),
        ("53001", 53, False),
        ("00001", 0, False),
        ("2801", 28, False),
        ("280171", 28, False),
        ("28O17", 28, False),
        ("２８０１７", 28, False),
        ("", 28, False),
    ],
)
def test_postal_code_matches_province(postal_code: str, state_id: int, matches: bool) -> None:
    assert master_data.postal_code_matches_province(postal_code, state_id) is matches


def test_province_for_postal_code() -> None:
    province = master_data.province_for_postal_code("46001")
    assert province is not None
    assert province.value == "Valencia"
    assert master_data.province_for_postal_code("99999") is None


def test_nationalities_cover_the_eu_and_more() -> None:
    nationalities = master_data.load_master_data().nationalities
    codes = {item.iso for item in nationalities}
    assert codes >= EU_MEMBERS
    assert len(codes) >= len(EU_MEMBERS) + 40
    spain = master_data.entry(MasterDataList.NATIONALITIES, 724)
    assert spain is not None
    assert spain.value == "España"


def test_languages_include_the_official_ones() -> None:
    codes = {item.iso for item in master_data.load_master_data().languages}
    assert codes >= {"es", "ca", "eu", "gl", "en", "fr", "de", "pt"}


def test_document_types() -> None:
    values = [item.value for item in master_data.load_master_data().document_types]
    assert values == ["NIF", "NIE", "CIF", "PASAPORTE"]
    nie = master_data.document_type_by_value("nie")
    assert nie is not None
    assert nie.id == 2
    assert master_data.document_type_by_value("DNI") is None


def test_operators_by_code() -> None:
    mobile = {operator.code for operator in master_data.load_master_data().mobile_operators}
    assert {"MOVISTAR", "VODAFONE", "ORANGE", "YOIGO", "DIGI", "LYCAMOBILE"} <= mobile
    operator = master_data.require_mobile_operator("PEPEPHONE", field="portability_info")
    assert operator.name == "Pepephone"
    assert master_data.cli_operator("JAZZTEL") is not None
    assert master_data.cli_operator("LYCAMOBILE") is None
    with pytest.raises(UnknownMasterData, match=r"portability_info\.operator_id"):
        master_data.require_cli_operator("NOPE", field="portability_info.operator_id")


def test_require_returns_the_row_or_names_the_field() -> None:
    row = master_data.require(MasterDataList.BILLING_TYPES, 2, field="payment.billing_type_id")
    assert row.value == "PREPAGO"
    with pytest.raises(UnknownMasterData) as raised:
        master_data.require(MasterDataList.SECTORS, 99, field="clients.sector_id")
    assert "clients.sector_id" in raised.value.detail
    assert raised.value.context["value"] == 99


def test_motive_kinds_do_not_share_ids() -> None:
    termination = master_data.ids(MasterDataList.TERMINATION_MOTIVES)
    cancellation = master_data.ids(MasterDataList.CANCELLATION_MOTIVES)
    assert termination
    assert cancellation
    assert not termination & cancellation
    assert master_data.label(MasterDataList.CANCELLATION_MOTIVES, 101) == "CONTRAOFERTA"


def test_reference_example_values_are_present() -> None:
    assert master_data.label(MasterDataList.SECTORS, 1) == "RESIDENCIAL"
    assert master_data.label(MasterDataList.BILLING_TYPES, 1) == "POSPAGO"
    assert master_data.label(MasterDataList.SUBSCRIPTION_STATUSES, 82) == "PENDIENTE A DESACTIVAR"
    assert master_data.label(MasterDataList.WORK_ORDER_STATUSES, 32) == "PENDIENTE CREAR OT"
    movements = {item.value for item in master_data.load_master_data().movement_types}
    assert "PENALIZACION CANCELACION" in movements
    origins = {item.value for item in master_data.load_master_data().recharge_origins}
    assert "TPV" in origins


def test_every_list_has_unique_ids() -> None:
    whole = master_data.load_master_data_file()
    for kind in MasterDataList:
        assert master_data.ids(kind), kind
    assert len({item.id for item in whole.nationalities}) == len(whole.nationalities)


def test_balances_are_json_numbers() -> None:
    balances = _response()["balances"]
    assert balances
    assert all(isinstance(balance, int | float) for balance in balances)


def test_the_file_refuses_repeated_ids_and_codes() -> None:
    raw = yaml.safe_load(master_data.MASTER_DATA_PATH.read_text(encoding="utf-8"))
    raw["states"].append(dict(raw["states"][0]))
    raw["cli_operators"].append(dict(raw["cli_operators"][0]))
    with pytest.raises(ValidationError) as raised:
        master_data.MasterDataFile.model_validate(raw)
    message = str(raised.value)
    assert "states: id 1 appears more than once" in message
    assert "states: iso ES-VI appears more than once" in message
    assert "cli_operators: code MOVISTAR appears more than once" in message
