"""A change order's ``changetype`` and ``parameters``, checked and parsed into values (400s)."""

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import BaseModel, ValidationError

from mascustomers.orders.errors import ChangeParametersInvalid, ChangeTypeUnknown
from mascustomers.orders.schemas import InstallationAddress, InstallationContact
from mascustomers.workorders.change_types import ChangeType, parse_change_type


@dataclass(frozen=True)
class Change:
    """A change order, parsed: what to do and its parameters as values."""

    type: ChangeType
    note: str
    new_date: date | None = None
    installation: dict[str, Any] | None = None


def parse_change(*, change_type: str, parameters: str | None, note: str, today: date) -> Change:
    """Check the change type and its parameters (400 on anything malformed)."""
    change = parse_change_type(change_type)
    if change is None:
        known = ", ".join(c.value for c in ChangeType)
        raise ChangeTypeUnknown(f"changetype: {change_type!r} is not one of {known}")
    if change is ChangeType.RESCHEDULE:
        return Change(change, note, new_date=_future_date(parameters, today))
    if change is ChangeType.CHANGE_CONTACT:
        contact = _parameters_as(InstallationContact, parameters)
        return Change(change, note, installation={"contact": contact})
    if change is ChangeType.CHANGE_ADDRESS:
        address = _parameters_as(InstallationAddress, parameters)
        return Change(change, note, installation={"address": address})
    return Change(change, note)


def _future_date(parameters: str | None, today: date) -> date:
    try:
        new_date = date.fromisoformat((parameters or "").strip())
    except ValueError as error:
        raise ChangeParametersInvalid(
            f"parameters: {parameters!r} is not a date YYYY-MM-DD"
        ) from error
    if new_date <= today:
        raise ChangeParametersInvalid(
            f"parameters: the new date {new_date.isoformat()} must be after today "
            f"({today.isoformat()})"
        )
    return new_date


def _parameters_as(model: type[BaseModel], parameters: str | None) -> dict[str, Any]:
    try:
        value = json.loads(parameters or "")
    except ValueError as error:
        raise ChangeParametersInvalid("parameters: not valid JSON text") from error
    if not isinstance(value, dict):
        raise ChangeParametersInvalid("parameters: must be the JSON text of an object")
    try:
        parsed = model.model_validate(value)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'parameters'}: {e['msg']}"
            for e in error.errors()
        )
        raise ChangeParametersInvalid(f"parameters: {problems}") from error
    return parsed.model_dump(mode="json", exclude_none=True)
