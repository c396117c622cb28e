"""What every command shares: settings, and the exit on a domain error."""

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from sqlalchemy.orm import Session

from mascustomers.db.transaction import write_transaction
from mascustomers.errors import DomainError
from mascustomers.settings import Settings


@contextmanager
def command_session() -> Iterator[Session]:
    """A unit of work whose domain errors end the command with a message and exit code 1."""
    try:
        with write_transaction(Settings()) as session:
            yield session
    except DomainError as error:
        typer.echo(f"error: {error.detail}", err=True)
        raise typer.Exit(1) from error
