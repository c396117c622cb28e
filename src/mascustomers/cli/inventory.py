"""``mascustomers inventory …``: stock an org's number pool and SIM cards."""

import time
from decimal import Decimal, InvalidOperation
from typing import Annotated

import typer

from mascustomers.auth import service as auth_service
from mascustomers.cli.context import command_session
from mascustomers.inventory import loader as inventory_loader
from mascustomers.inventory import service as inventory_service
from mascustomers.inventory.loader import SimBatch
from mascustomers.inventory.states import SimOrigin
from mascustomers.kit.clock import clock_for

app = typer.Typer(no_args_is_help=True)


def _balance(text: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation as error:
        raise typer.BadParameter(
            f"{text!r} is not an amount", param_hint="--initial-balance"
        ) from error


@app.command("add")
def add(  # Typer options, passed by keyword
    *,
    org: Annotated[str, typer.Option(help="org slug")],
    msisdns: Annotated[
        str | None, typer.Option(help="mobile numbers FIRST-LAST, e.g. 600000000-600009999")
    ] = None,
    host_cfg: Annotated[str, typer.Option(help="network of the numbers: YOIGO or 1")] = "YOIGO",
    iccids: Annotated[
        str | None,
        typer.Option(
            help="SIM cards FIRST-LAST: 18-19 digit bodies (check digit added) or 20-digit "
            "ICCIDs, e.g. 8934040000000000000-8934040000000009999"
        ),
    ] = None,
    full_iccids: Annotated[
        bool, typer.Option("--full-iccids", help="19-digit ends are full ICCIDs, not bodies")
    ] = False,
    society: Annotated[str, typer.Option(help="society_id of the cards")] = "XFERA",
    initial_balance: Annotated[str, typer.Option(help="initial balance of the cards (EUR)")] = "0",
    promotion_code: Annotated[str | None, typer.Option(help="promotion code of the cards")] = None,
    origin: Annotated[int, typer.Option(help="origin_id: 1 ALMACEN, 2 TIENDA, 3 LOGISTICA")] = 1,
    fabrication_type: Annotated[
        int, typer.Option(help="fabrication type id (master data), 1 SIM TRIPLE CORTE")
    ] = 1,
) -> None:
    """Add numbers and SIM cards; what the org already holds is skipped (safe to re-run)."""
    if msisdns is None and iccids is None:
        raise typer.BadParameter("give --msisdns, --iccids or both")
    try:
        origin_id = SimOrigin(origin)
    except ValueError as error:
        raise typer.BadParameter("1, 2 or 3", param_hint="--origin") from error
    batch = SimBatch(
        society_id=society or None,
        initial_balance=_balance(initial_balance),
        promotion_code=promotion_code,
        origin_id=origin_id,
        fabrication_type_id=fabrication_type,
    )
    _add(org, msisdns=msisdns, host_cfg=host_cfg, iccids=iccids, full=full_iccids, batch=batch)


def _add(
    org: str,
    *,
    msisdns: str | None,
    host_cfg: str,
    iccids: str | None,
    full: bool,
    batch: SimBatch,
) -> None:
    started = time.perf_counter()
    with command_session() as session:
        found = auth_service.get_org(session, slug=org)
        now = clock_for(found.slug).now()
        if msisdns is not None:
            numbers = inventory_loader.parse_msisdn_range(msisdns)
            network = inventory_service.resolve_network(host_cfg)
            added = inventory_loader.add_numbers(
                session, org_id=found.id, numbers=numbers, host_cfg_id=network, now=now
            )
            typer.echo(
                f"numbers {msisdns}: {added.added} added, {added.existing} already in the pool"
            )
        if iccids is not None:
            cards = inventory_loader.parse_iccid_range(iccids, full_iccids=full)
            added = inventory_loader.add_sims(
                session, org_id=found.id, iccids=cards, batch=batch, now=now
            )
            typer.echo(
                f"SIM cards {iccids}: {added.added} added, {added.existing} already in stock"
            )
    typer.echo(f"done in {time.perf_counter() - started:.2f}s")


@app.command("show")
def show(org: Annotated[str, typer.Option(help="org slug")]) -> None:
    """How many numbers and SIM cards the org holds, and how many are free."""
    with command_session() as session:
        found = auth_service.get_org(session, slug=org)
        counts = inventory_service.stock_counts(session, org_id=found.id)
    typer.echo(f"numbers: {counts['numbers']} ({counts['numbers_available']} available)")
    typer.echo(f"SIM cards: {counts['sims']} ({counts['sims_available']} available)")
