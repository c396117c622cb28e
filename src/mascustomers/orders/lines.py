"""What provisioning does to the lines of an order: cancel, install, end, and the account after.

Shared by change orders and the back office (risk rejection, termination).
"""

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy.orm import Session

from mascustomers.accounts import service as accounts_service
from mascustomers.accounts.states import AccountStatus
from mascustomers.inventory import service as inventory_service
from mascustomers.inventory.states import SimStatus
from mascustomers.models import Subscription
from mascustomers.orders import repository
from mascustomers.penalties import service as penalties_service
from mascustomers.subscriptions import service as subscriptions_service
from mascustomers.subscriptions.devices import TERMINAL_ACTIVE, TERMINAL_PENDING_RISK
from mascustomers.subscriptions.states import SubscriptionStatus, SubscriptionType

# Terminal statuses mirror the line's (3 active, 5 pending risk): 6 is a cancelled sale.
TERMINAL_CANCELLED = 6

PENDING = frozenset(
    {
        SubscriptionStatus.PENDIENTE_ALTA,
        SubscriptionStatus.PENDIENTE_INSTALACION,
        SubscriptionStatus.PENDIENTE_RIESGO,
    }
)
# Installed by the technician: fixed lines, and the TV that follows them.
INSTALLED = frozenset(
    {SubscriptionType.LANDLINE, SubscriptionType.FTTH, SubscriptionType.ADSL, SubscriptionType.TV}
)


def release_inventory(
    session: Session, *, line: Subscription, sim_status: SimStatus, now: datetime
) -> None:
    """The line's number back to the pool (a ported-in one leaves) and its SIM unbound."""
    if SubscriptionType(line.type_id).is_mobile and line.identification_nr:
        inventory_service.release_number(
            session, org_id=line.org_id, msisdn=line.identification_nr, now=now
        )
    if line.iccid:
        inventory_service.set_sim_status(
            session, org_id=line.org_id, iccid=line.iccid, status=sim_status, now=now
        )


def cancel_lines(
    session: Session, *, lines: Iterable[Subscription], actor: str, now: datetime
) -> list[Subscription]:
    """Lines not yet live → CANCELADO: inventory back in stock, device sale and terms void."""
    cancelled = []
    for line in lines:
        if SubscriptionStatus(line.status_id) not in PENDING:
            continue
        subscriptions_service.move_status(
            session, subscription=line, target=SubscriptionStatus.CANCELADO, actor=actor, now=now
        )
        release_inventory(session, line=line, sim_status=SimStatus.DISPONIBLE, now=now)
        cancelled.append(line)
    ids = [line.id for line in cancelled]
    repository.set_terminal_status(
        session,
        subscription_ids=ids,
        from_ids=(TERMINAL_ACTIVE, TERMINAL_PENDING_RISK),
        to_id=TERMINAL_CANCELLED,
    )
    penalties_service.close_commitments(session, subscription_ids=ids, now=now)
    return cancelled


def end_line(session: Session, *, line: Subscription, actor: str, now: datetime) -> None:
    """A live line → BAJA: number back to the pool, SIM out of use, commitments closed."""
    subscriptions_service.move_status(
        session, subscription=line, target=SubscriptionStatus.BAJA, actor=actor, now=now
    )
    release_inventory(session, line=line, sim_status=SimStatus.BAJA, now=now)
    penalties_service.close_commitments(session, subscription_ids=[line.id], now=now)


def install_lines(
    session: Session, *, lines: Iterable[Subscription], actor: str, now: datetime
) -> list[Subscription]:
    """Fixed lines waiting for installation → INSTALADO; the TV follows its fixed line."""
    installed = []
    for line in lines:
        kind = SubscriptionType(line.type_id)
        waiting = line.status_id == SubscriptionStatus.PENDIENTE_INSTALACION
        if waiting and kind in INSTALLED:
            subscriptions_service.move_status(
                session,
                subscription=line,
                target=SubscriptionStatus.INSTALADO,
                actor=actor,
                now=now,
            )
            installed.append(line)
    for bundle_id in {line.account_bundle_id for line in installed if line.account_bundle_id}:
        bundle = repository.get_account_bundle(session, account_bundle_id=bundle_id)
        if bundle is not None and bundle.status_id == SubscriptionStatus.PENDIENTE_INSTALACION:
            bundle.status_id = SubscriptionStatus.INSTALADO
    session.flush()
    return installed


def settle_account(session: Session, *, org_id: int, account_id: int, now: datetime) -> None:
    """After lines end: close bundles left without a live line, and the account if none is left.

    Everything cancelled before going live → CANCELADO; otherwise → BAJA.
    """
    lines = subscriptions_service.of_account(session, account_id=account_id)
    if not lines:
        return
    by_bundle: dict[int, list[Subscription]] = {}
    for line in lines:
        if line.account_bundle_id is not None:
            by_bundle.setdefault(line.account_bundle_id, []).append(line)
    ended_bundles = []
    for bundle_id, members in by_bundle.items():
        bundle = repository.get_account_bundle(session, account_bundle_id=bundle_id)
        if bundle is None or bundle.ended_at is not None or _any_live(members):
            continue
        bundle.ended_at = now
        bundle.status_id = _final_status(members)
        ended_bundles.append(bundle_id)
    penalties_service.close_commitments(session, account_bundle_ids=ended_bundles, now=now)
    account = accounts_service.get_account(session, org_id=org_id, account_id=account_id)
    closed = (AccountStatus.CANCELADO, AccountStatus.BAJA)
    if account is not None and account.status_id not in closed and not _any_live(lines):
        account.status_id = (
            AccountStatus.CANCELADO
            if _final_status(lines) == SubscriptionStatus.CANCELADO
            else AccountStatus.BAJA
        )
    session.flush()


def _any_live(lines: Iterable[Subscription]) -> bool:
    return any(line.ended_at is None for line in lines)


def _final_status(lines: Iterable[Subscription]) -> SubscriptionStatus:
    cancelled = all(line.status_id == SubscriptionStatus.CANCELADO for line in lines)
    return SubscriptionStatus.CANCELADO if cancelled else SubscriptionStatus.BAJA
