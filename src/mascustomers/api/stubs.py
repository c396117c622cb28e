"""Routes for reference operations whose issue has not landed: they answer 501, honestly."""

import inspect
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import Path, Query

from mascustomers.errors import NotImplementedYet
from mascustomers.routing.operations import Operation


def make_stub(operation: Operation) -> Callable[..., Awaitable[Any]]:
    """An endpoint with the operation's path and query parameters that answers 501."""

    async def not_implemented(**_params: Any) -> None:
        raise NotImplementedYet(f"{operation.method} {operation.path} is not implemented yet")

    # The org of the path is declared by the route class, as for every operation.
    parameters = [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=Annotated[str, Path()])
        for name in operation.path_params
        if name != "orgId"
    ]
    parameters += [
        inspect.Parameter(
            q.name,
            inspect.Parameter.KEYWORD_ONLY,
            default=None,
            annotation=Annotated[str | None, Query(description=q.description or None)],
        )
        for q in operation.query
    ]
    not_implemented.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    not_implemented.__name__ = operation.operation_id
    return not_implemented
