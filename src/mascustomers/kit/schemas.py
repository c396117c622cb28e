"""Field types and shapes the answers of several packages share.

An id with its label — ``{"id": 3, "value": "ACTIVO"}`` — is how every answer shows a status, a
type or another master-data id. Each group of operations names its own schema (its name is in
the OpenAPI document: ``CatalogueLabel``, ``SubscriptionLabel``…) on one of these shapes, by
what may be missing: nothing (``IdValue``), the label of an id the list no longer has
(``IdLabel``), or both (``IdRef``).
"""

from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, PlainSerializer

from mascustomers.kit.money import parse_money

# Exact inside, a JSON number outside (the reference types amounts as number (double)).
JsonAmount = Annotated[Decimal, PlainSerializer(float, return_type=float, when_used="json")]


def money_from_json(value: object) -> object:
    """An amount a request sent (a ``BeforeValidator``): exact from a string or an int, and from a
    JSON number through its shortest repr, so 10.1 stays 10.10; anything else is left to fail."""
    if isinstance(value, float):
        return parse_money(repr(value))
    if isinstance(value, int | str | Decimal) and not isinstance(value, bool):
        return parse_money(value)
    return value


class IdValue(BaseModel):
    id: int
    value: str


class IdLabel(BaseModel):
    id: int
    value: str | None


class IdRef(BaseModel):
    id: int | None
    value: str | None
