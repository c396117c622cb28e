"""The line: status history, tariff (current, scheduled, compatible targets), bonuses,
services, blocks, devices and permanence; and every change the API makes to a line."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy.orm import Session

from mascustomers.auth.caller import Caller
from mascustomers.auth.permissions import Permission
from mascustomers.catalog import master_data
from mascustomers.catalog import reads as catalog_reads
from mascustomers.catalog.master_data import MasterDataList
from mascustomers.console import repository
from mascustomers.console.dependencies import CallerDep, FormDep, StaffDep, may_change
from mascustomers.console.forms import Form, choice
from mascustomers.console.paging import Page, PageNumber
from mascustomers.console.rendering import PREFIX, redirect, render
from mascustomers.console.route import ConsoleRoute
from mascustomers.console.service import Staff
from mascustomers.db.dependencies import SessionDep
from mascustomers.errors import NotFound, ValidationFailed
from mascustomers.kit.request_fields import Id
from mascustomers.ops.schemas import TerminationCreate
from mascustomers.orders import terminations
from mascustomers.penalties import service as penalties_service
from mascustomers.penalties.states import LineReason
from mascustomers.subscriptions import (
    blocks,
    bonuses,
    line_services,
    products,
    reads,
    sim_replacement,
)
from mascustomers.subscriptions.schemas import BlockChange, BonusAdd, ProductChange, SimReplacement

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)
LINE = f"{PREFIX}/subscriptions/{{subscription_id}}"


def _may(permission: Permission) -> object:
    return Depends(may_change(permission))


Products = Annotated[Staff, _may(Permission.PRODUCTS)]
Bonuses = Annotated[Staff, _may(Permission.BONUSES)]
Services = Annotated[Staff, _may(Permission.SERVICES)]
Barrings = Annotated[Staff, _may(Permission.BARRINGS)]
Subscriptions = Annotated[Staff, _may(Permission.SUBSCRIPTIONS)]
Penalties = Annotated[Staff, _may(Permission.PENALTIES)]
Operations = Annotated[Staff, _may(Permission.OPERATIONS)]


def _motives() -> list[master_data.MasterDataItem]:
    found = []
    for kind in (MasterDataList.TERMINATION_MOTIVES, MasterDataList.CANCELLATION_MOTIVES):
        for item_id in sorted(master_data.ids(kind)):
            item = master_data.entry(kind, item_id)
            if item is not None:
                found.append(item)
    return found


@router.get(LINE)
def subscription(
    request: Request,
    *,
    subscription_id: Id,
    session: SessionDep,
    staff: StaffDep,
    caller: CallerDep,
    history_page: PageNumber = 1,
    tariffs_page: PageNumber = 1,
    bonuses_page: PageNumber = 1,
    ended_bonuses_page: PageNumber = 1,
    services_page: PageNumber = 1,
    devices_page: PageNumber = 1,
) -> Response:
    """Everything about one line, with a form for each change the staff user's role allows."""
    detail = reads.subscription_detail(
        session,
        caller=caller,
        subscription_id=subscription_id,
        include=frozenset(reads.SUBSCRIPTION_INCLUDES),
    )
    account_id = repository.account_of_line(
        session, org_id=staff.org_id, subscription_id=subscription_id
    )
    tariff = reads.products_view(
        session,
        caller=caller,
        subscription_id=subscription_id,
        include=frozenset(reads.PRODUCT_INCLUDES),
    )
    current_bonuses, ended_bonuses = _bonuses(session, caller, subscription_id)
    catalogue_bonuses = catalog_reads.list_bonuses(
        session, org_id=staff.org_id, dealer_id=None, product_id=tariff.product.id
    )
    services = line_services.services_view(
        session, caller=caller, subscription_id=subscription_id, filter=None
    )
    devices = reads.devices_view(session, caller=caller, subscription_id=subscription_id)
    return render(
        request,
        "subscription.html",
        line=detail,
        account_id=account_id,
        history=Page.of_list(list(reversed(detail.historical_status or [])), history_page),
        tariff=tariff,
        tariff_history=Page.of_list(tariff.historical_changes or [], tariffs_page),
        bonuses=Page.of_list(current_bonuses, bonuses_page),
        ended_bonuses=Page.of_list(ended_bonuses, ended_bonuses_page),
        catalogue_bonuses=catalogue_bonuses.bonuses,
        services=Page.of_list(services.items, services_page),
        blocks=blocks.blocks_view(session, caller=caller, subscription_id=subscription_id),
        devices=Page.of_list(devices.devices, devices_page),
        motives=_motives(),
        line_reasons=list(LineReason),
        Permission=Permission,
    )


def _done(request: Request, subscription_id: int, message: str) -> Response:
    return redirect(request, f"{PREFIX}/subscriptions/{subscription_id}", flash=message)


def _decided(decision: str) -> str:
    """The risk decision as the API answers it (201 for ``a``, 202 otherwise)."""
    if decision == "a":
        return "risk decision a (applied)"
    return f"risk decision {decision} (held or refused by risk: see the risk-hold queue)"


@router.post(f"{LINE}/product")
def change_product(
    request: Request,
    *,
    subscription_id: Id,
    session: SessionDep,
    staff: Products,
    caller: CallerDep,
    form: FormDep,
) -> Response:
    """PATCH subscriptions/{id}/products: now, or on ``scheduled_date``."""
    body = ProductChange.model_validate(
        {"productId": form.get("product_id"), "scheduled_date": form.text("scheduled_date")}
    )
    decision = products.change_product(
        session, caller=caller, subscription_id=subscription_id, body=body
    )
    when = f"on {body.scheduled_date}" if body.scheduled_date else "now"
    return _done(
        request,
        subscription_id,
        f"Tariff change to {body.product_id} {when}: {_decided(decision.value)}.",
    )


@router.post(f"{LINE}/bonuses")
def add_bonus(
    request: Request,
    *,
    subscription_id: Id,
    session: SessionDep,
    staff: Bonuses,
    caller: CallerDep,
    form: FormDep,
) -> Response:
    """PUT subscriptions/{id}/bonuses: now, or from ``scheduled_date``."""
    body = BonusAdd.model_validate(
        {"bonusId": form.get("bonus_id"), "scheduled_date": form.text("scheduled_date")}
    )
    bonuses.add_bonus(
        session,
        caller=caller,
        subscription_id=subscription_id,
        bonus_id=body.bonus_id,
        scheduled_date=body.scheduled_date,
    )
    return _done(request, subscription_id, f"Bonus {body.bonus_id} added.")


@router.post(f"{LINE}/bonuses/{{bonus_id}}/remove")
def remove_bonus(
    request: Request,
    *,
    subscription_id: Id,
    bonus_id: Id,
    session: SessionDep,
    staff: Bonuses,
    caller: CallerDep,
    form: FormDep,
) -> Response:
    """DELETE subscriptions/{id}/bonuses/{bonusId}: now, or at ``scheduled_date``."""
    body = BonusAdd.model_validate(
        {"bonusId": bonus_id, "scheduled_date": form.text("scheduled_date")}
    )
    bonuses.remove_bonus(
        session,
        caller=caller,
        subscription_id=subscription_id,
        bonus_id=bonus_id,
        scheduled_date=body.scheduled_date,
    )
    return _done(request, subscription_id, f"Bonus {bonus_id} removed.")


@router.post(f"{LINE}/services/{{service_id}}")
def switch_service(
    request: Request,
    *,
    subscription_id: Id,
    service_id: Id,
    session: SessionDep,
    staff: Services,
    caller: CallerDep,
    form: FormDep,
) -> Response:
    """PATCH subscriptions/{id}/services/{serviceId}."""
    active = _bool(form, "active")
    line_services.switch_service(
        session,
        caller=caller,
        subscription_id=subscription_id,
        service_id=service_id,
        active=active,
    )
    state = "activated" if active else "deactivated"
    return _done(request, subscription_id, f"Service {service_id} {state}.")


@router.post(f"{LINE}/blocks/{{block_id}}")
def change_block(
    request: Request,
    *,
    subscription_id: Id,
    block_id: Id,
    session: SessionDep,
    staff: Barrings,
    caller: CallerDep,
    form: FormDep,
) -> Response:
    """PATCH subscriptions/{id}/blocks/{blockId}: 1 theft (ROBO), 2 loss (PERDIDA)."""
    if block_id > 2:
        raise ValidationFailed("blockId: only 1 (ROBO) or 2 (PERDIDA)", field="blockId")
    body = BlockChange.model_validate(
        {"active": _bool(form, "active"), "reason": form.text("reason")}
    )
    blocks.change_block(
        session, caller=caller, subscription_id=subscription_id, block_id=block_id, body=body
    )
    state = "set" if body.active else "lifted"
    return _done(request, subscription_id, f"Block {block_id} {state}.")


@router.post(f"{LINE}/sim")
def replace_sim(
    request: Request,
    *,
    subscription_id: Id,
    session: SessionDep,
    staff: Subscriptions,
    caller: CallerDep,
    form: FormDep,
) -> Response:
    """PATCH subscriptions/{id}/sim-replacement."""
    body = SimReplacement.model_validate(
        {
            "dealer_id": form.get("dealer_id"),
            "shop_id": form.text("shop_id"),
            "logistic": _bool(form, "logistic"),
            "new_icc": form.text("new_icc"),
        }
    )
    decision = sim_replacement.replace_sim(
        session, caller=caller, subscription_id=subscription_id, body=body
    )
    return _done(request, subscription_id, f"SIM replacement: {_decided(decision.value)}.")


@router.post(f"{LINE}/termination")
def terminate(
    request: Request,
    *,
    subscription_id: Id,
    session: SessionDep,
    staff: Operations,
    caller: CallerDep,
    form: FormDep,
) -> Response:
    """POST ops/subscriptions/{id}/termination: a motive, now or on a day."""
    body = TerminationCreate.model_validate(
        {
            "motive_id": form.get("motive_id"),
            "deactivation_date": form.text("deactivation_date"),
            "with_penalties": form.flag("with_penalties"),
        }
    )
    result = terminations.terminate(
        session,
        caller=caller,
        subscription_id=subscription_id,
        motive_id=body.motive_id,
        on=body.deactivation_date,
        with_penalties=body.with_penalties,
    )
    return _done(
        request,
        subscription_id,
        f"Line ended ({result.motive.value}) effective {result.effective_date}.",
    )


@router.post(f"{LINE}/penalties")
def compute_penalty(
    request: Request,
    *,
    subscription_id: Id,
    session: SessionDep,
    staff: Penalties,
    caller: CallerDep,
    form: FormDep,
) -> Response:
    """GET penalties/{accountId}/subscriptions/{subscriptionId}?reason=: stored to confirm."""
    account_id = repository.account_of_line(
        session, org_id=caller.org_id, subscription_id=subscription_id
    )
    if account_id is None:
        raise NotFound(f"subscription {subscription_id} not found")
    stored = penalties_service.compute_for_line(
        session,
        org_id=caller.org_id,
        account_id=account_id,
        subscription_id=subscription_id,
        reason=choice(LineReason, form.get("reason"), field="reason"),
        now=caller.now,
        today=caller.today,
    )
    total = sum((line.value for line in stored.lines), start=0)
    return redirect(
        request,
        f"{PREFIX}/accounts/{account_id}",
        flash=f"Penalty {stored.penalty.id} computed: {len(stored.lines)} lines, {total} €.",
    )


def _bool(form: Form, name: str) -> bool:
    value = (form.get(name) or "").strip().lower()
    if value not in {"true", "false"}:
        raise ValidationFailed(f"{name}: true or false", field=name)
    return value == "true"


def _bonuses(session: Session, caller: Caller, subscription_id: int) -> tuple[list[Any], ...]:
    """The line's bonuses running or scheduled, and those ended."""
    return tuple(
        bonuses.bonuses_view(
            session, caller=caller, subscription_id=subscription_id, filters=frozenset({name})
        ).items
        for name in ("actual", "inactive")
    )
