"""How an operation that takes a risk decision answers, by the reference's rule: its success
code for ``a``, 202 for ``r``, ``x`` and ``n/a``."""

from typing import Any

from fastapi.responses import JSONResponse
from pydantic import BaseModel


def accepted(model: type[BaseModel]) -> dict[int | str, dict[str, Any]]:
    """The 202 answer the operation documents beside its success."""
    return {202: {"model": model, "description": "Risk decision r, x or n/a"}}


def decided(result: BaseModel, decision: str, success: int) -> JSONResponse:
    """``result`` with the status the decision gives it."""
    status = success if decision == "a" else 202
    return JSONResponse(result.model_dump(mode="json"), status_code=status)
