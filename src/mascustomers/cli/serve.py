"""``mascustomers serve``"""

import sys
from typing import Annotated

import typer
import uvicorn
from uvicorn.config import STARTUP_FAILURE

from mascustomers.cli import workers as worker_processes
from mascustomers.cli.serving import EVENT_LOOP, HTTP_PROTOCOL


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
    config = uvicorn.Config(
        "mascustomers.api.asgi_with_scheduler:app"
        if with_scheduler
        else "mascustomers.api.asgi:app",
        host=host,
        port=port,
        workers=workers,
        access_log=False,
        log_level="warning",
        loop=EVENT_LOOP,
        http=HTTP_PROTOCOL,
    )
    if workers > 1:
        worker_processes.serve(config)
        return
    server = uvicorn.Server(config)
    server.run()
    if not server.started:
        sys.exit(STARTUP_FAILURE)
