"""``mascustomers catalogue …``: load an org's catalogue from a YAML/JSON file."""

from pathlib import Path
from typing import Annotated

import typer

from mascustomers.auth import service as auth_service
from mascustomers.catalog import loader
from mascustomers.catalog.errors import CatalogueInUse
from mascustomers.catalog.file_checks import InvalidCatalogueDocument
from mascustomers.catalog.file_format import (
    CatalogueDocument,
    load_catalogue_file,
    shipped_catalogue_path,
)
from mascustomers.cli.context import command_session
from mascustomers.kit.clock import clock_for

app = typer.Typer(no_args_is_help=True)


def read_document(file: Path | None, *, shipped: bool) -> CatalogueDocument:
    """The checked document, or exit 1 printing every problem of the file."""
    if shipped == (file is not None):
        raise typer.BadParameter("give a catalogue FILE or --shipped, not both or neither")
    path = shipped_catalogue_path() if shipped else file
    assert path is not None
    try:
        return load_catalogue_file(path)
    except InvalidCatalogueDocument as error:
        count = len(error.problems)
        typer.echo(f"error: {path} is not a valid catalogue ({count} problem(s)):", err=True)
        for problem in error.problems:
            typer.echo(f"  - {problem}", err=True)
        raise typer.Exit(1) from error


def load_into(org_slug: str, document: CatalogueDocument) -> loader.LoadReport:
    """Load in one transaction; a refused load prints every item in use and exits 1."""
    with command_session() as session:
        org = auth_service.get_org(session, slug=org_slug)
        try:
            return loader.load_catalogue(
                session, org_id=org.id, document=document, now=clock_for(org.slug).now()
            )
        except CatalogueInUse as error:
            items = error.context.get("items", [])
            typer.echo(
                f"error: load refused, nothing changed; {len(items)} item(s) in use:", err=True
            )
            for item in items:
                used = ", ".join(f"{count} {kind}" for kind, count in item["used_by"].items())
                typer.echo(f"  - {item['section']} id {item['id']}: used by {used}", err=True)
            raise typer.Exit(1) from error


@app.command("load")
def load(
    org: Annotated[str, typer.Option(help="org slug")],
    file: Annotated[Path | None, typer.Argument(help="catalogue file (YAML or JSON)")] = None,
    shipped: Annotated[
        bool, typer.Option("--shipped", help="load the package's demo catalogue (telco.yaml)")
    ] = False,
) -> None:
    """Load a catalogue: same content again is a no-op; items are updated by their ids.

    Items the new file drops are deleted only if nothing uses them; otherwise the whole load is
    refused. An invalid file is refused whole, listing every problem.
    """
    document = read_document(file, shipped=shipped)
    report = load_into(org, document)
    for line in report.lines():
        typer.echo(line)


@app.command("check")
def check(file: Annotated[Path, typer.Argument(help="catalogue file (YAML or JSON)")]) -> None:
    """Check a catalogue file without loading it; every problem is listed."""
    document = read_document(file, shipped=False)
    digest = loader.content_hash(document)[:12]
    typer.echo(f"{file}: valid catalogue version {document.version} (sha256 {digest}…)")
