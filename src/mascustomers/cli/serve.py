"""``mascustomers serve``"""

from typing import Annotated

import typer
import uvicorn


def serve(
    host: Annotated[str, typer.Option(help="address to bind")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port")] = 8000,
    workers: Annotated[int, typer.Option(help="worker processes")] = 1,
) -> None:
    """Serve the API with uvicorn."""
    uvicorn.run(
        "mascustomers.api.asgi:app",
        host=host,
        port=port,
        workers=workers,
        access_log=False,
        log_level="warning",
    )
