"""``mascustomers serve``"""

from typing import Annotated

import typer

from mascustomers.cli import serving


def serve(
    host: Annotated[str, typer.Option(help="address to bind")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port")] = 8000,
    workers: Annotated[int, typer.Option(help="worker processes")] = 1,
    with_scheduler: Annotated[
        bool,
        typer.Option(
            help="also run the scheduler loop in each worker (leases keep them apart); "
            "without it run `mascustomers scheduler run` beside the API"
        ),
    ] = False,
) -> None:
    """Serve the API with uvicorn; several workers each accept on a socket of their own."""
    serving.run(
        "mascustomers.api.asgi_with_scheduler:app"
        if with_scheduler
        else "mascustomers.api.asgi:app",
        host=host,
        port=port,
        workers=workers,
    )
