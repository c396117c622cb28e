"""``mascustomers ops …``: the back office's actions, as under ``/v2/orgs/{org}/ops``.

Each command runs in one transaction at the org's time (its test clock if it has one) and
prints the same JSON the HTTP operation answers; a refused action prints the error and exits 1.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Annotated

import typer
from pydantic import BaseModel
from sqlalchemy.orm import Session

from mascustomers.auth import service as auth_service
from mascustomers.auth.caller import Caller
from mascustomers.cli.context import command_session
from mascustomers.kit.clock import local_date
from mascustomers.kit.money import CENT, InvalidMoney, parse_money
from mascustomers.ops import service as payments
from mascustomers.ops.schemas import (
    HeldOrder,
    HeldOrders,
    PaymentResult,
    RechargeResult,
    TerminationResult,
    WorkOrderView,
)
from mascustomers.orders import holds, terminations
from mascustomers.orders import service as orders_service
from mascustomers.scheduler import clocks
from mascustomers.workorders import service as workorders_service
from mascustomers.workorders.change_types import ChangeType

app = typer.Typer(no_args_is_help=True)

Org = Annotated[str, typer.Option(help="org slug")]
Actor = Annotated[str, typer.Option(help="name kept as the actor in status histories")]


@contextmanager
def back_office(org: str, actor: str) -> Iterator[tuple[Session, Caller]]:
    """A writing transaction with the org's caller (its time and time zone)."""
    with command_session() as session:
        found = auth_service.get_org(session, slug=org)
        now = clocks.org_now(session, org_id=found.id)
        caller = Caller(
            org_id=found.id,
            org_slug=found.slug,
            actor=actor,
            now=now,
            today=local_date(now, found.timezone),
            tz=found.timezone,
        )
        yield session, caller


def _print(model: BaseModel) -> None:
    typer.echo(model.model_dump_json(indent=2))


@app.command("holds")
def list_holds(
    org: Org,
    kind: Annotated[str | None, typer.Option(help="SIGNUP, ADD_LINES, DEVICE…")] = None,
    limit: Annotated[int, typer.Option(min=1, max=500)] = 100,
    actor: Actor = "cli",
) -> None:
    """List orders held by risk, oldest first."""
    with back_office(org, actor) as (session, caller):
        found = holds.list_holds(session, org_id=caller.org_id, kind=kind, limit=limit, offset=0)
        _print(HeldOrders.of(found, limit, 0))


@app.command("approve")
def approve(sell_id: int, org: Org, actor: Actor = "cli") -> None:
    """Approve a held order (sell id): it continues as if approved at once."""
    with back_office(org, actor) as (session, caller):
        _print(HeldOrder.of(holds.approve(session, caller=caller, sell_id=sell_id)))


@app.command("reject")
def reject(sell_id: int, org: Org, actor: Actor = "cli") -> None:
    """Reject a held order: its lines are cancelled and its inventory released."""
    with back_office(org, actor) as (session, caller):
        _print(HeldOrder.of(holds.reject(session, caller=caller, sell_id=sell_id)))


@app.command("work-order")
def show_work_order(work_order_id: str, org: Org, actor: Actor = "cli") -> None:
    """Show a work order with its lines and status history."""
    with back_office(org, actor) as (session, caller):
        order = workorders_service.find(session, org_id=caller.org_id, work_order_id=work_order_id)
        _print(WorkOrderView.of(session, order))


def _change(work_order_id: str, org: str, actor: str, change: ChangeType, reason: str) -> None:
    with back_office(org, actor) as (session, caller):
        order = orders_service.change_from_back_office(
            session, caller=caller, work_order_id=work_order_id, change=change, reason=reason
        )
        _print(WorkOrderView.of(session, order))


@app.command("complete")
def complete(work_order_id: str, org: Org, reason: str = "instalado", actor: Actor = "cli") -> None:
    """Complete a work order (change-order COMPLETE; docs/work-orders.md)."""
    _change(work_order_id, org, actor, ChangeType.COMPLETE, reason)


@app.command("cancel")
def cancel(work_order_id: str, org: Org, reason: str = "sin motivo", actor: Actor = "cli") -> None:
    """Cancel a work order: undo its own change (change-order CANCEL; docs/work-orders.md)."""
    _change(work_order_id, org, actor, ChangeType.CANCEL, reason)


def _day(text: str | None, name: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise typer.BadParameter(f"not a date YYYY-MM-DD: {text!r}", param_hint=name) from error


@app.command("terminate")
def terminate(
    subscription_id: int,
    *,
    org: Org,
    motive: Annotated[int, typer.Option(help="termination (1…) or cancellation (101…) motive")],
    on: Annotated[str | None, typer.Option("--date", help="deactivate on this day")] = None,
    with_penalties: Annotated[bool, typer.Option(help="compute and confirm penalties")] = False,
    actor: Actor = "cli",
) -> None:
    """End a line with a master-data motive, now or at a date."""
    day = _day(on, "--date")
    with back_office(org, actor) as (session, caller):
        result = terminations.terminate(
            session,
            caller=caller,
            subscription_id=subscription_id,
            motive_id=motive,
            on=day,
            with_penalties=with_penalties,
        )
        _print(TerminationResult.of(result))


@app.command("recharge")
def recharge(
    subscription_id: int,
    *,
    org: Org,
    amount: Annotated[str, typer.Option(help="EUR, e.g. 10.00 (negative for refunds)")],
    origin: Annotated[int, typer.Option(help="recharge_origins id")],
    movement_type: Annotated[int, typer.Option(help="movement_types id")] = 1,
    actor: Actor = "cli",
) -> None:
    """Record a balance movement of a prepaid line."""
    try:
        value = parse_money(amount)
    except InvalidMoney as error:
        raise typer.BadParameter(str(error), param_hint="--amount") from error
    if value != value.quantize(CENT):
        raise typer.BadParameter("at most two decimals", param_hint="--amount")
    with back_office(org, actor) as (session, caller):
        row = payments.record_recharge(
            session,
            caller=caller,
            subscription_id=subscription_id,
            amount=value,
            origin_id=origin,
            movement_type_id=movement_type,
        )
        _print(RechargeResult.of(row))


@app.command("pay-invoice")
def pay_invoice(
    invoice_id: int,
    org: Org,
    on: Annotated[str | None, typer.Option("--date", help="pay date (default today)")] = None,
    actor: Actor = "cli",
) -> None:
    """Record an invoice's payment: PENDIENTE → PAGADO."""
    day = _day(on, "--date")
    with back_office(org, actor) as (session, caller):
        invoice = payments.pay_invoice(session, caller=caller, invoice_id=invoice_id, pay_date=day)
        _print(PaymentResult.of(invoice, caller.tz))
