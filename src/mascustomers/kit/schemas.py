"""Field types and shapes the answers of several packages share."""

from decimal import Decimal
from typing import Annotated

from pydantic import PlainSerializer

# Exact inside, a JSON number outside (the reference types amounts as number (double)).
JsonAmount = Annotated[Decimal, PlainSerializer(float, return_type=float, when_used="json")]
