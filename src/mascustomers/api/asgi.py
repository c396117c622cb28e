"""The ASGI application for ``uvicorn mascustomers.api.asgi:app``."""

from mascustomers.api.app import create_app

app = create_app()
