"""The ASGI application for ``uvicorn mascustomers.api.asgi:app``."""

import gc

from mascustomers.api.app import create_app

app = create_app()
# What start-up built (modules, routes, schemas) lives as long as the worker: frozen, the
# collector's full passes stop walking it, which showed as latency spikes under load.
gc.freeze()
