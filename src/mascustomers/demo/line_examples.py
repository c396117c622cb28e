"""Working examples of the reference's line, penalty and work-order operations."""

import uuid

from stdnum import luhn

from mascustomers.catalog import reads as catalogue
from mascustomers.catalog import reads as catalogue_extras
from mascustomers.catalog.statuses import SubscriptionStatus, WorkOrderStatus
from mascustomers.demo import repository
from mascustomers.demo.customers import DEALER, Role
from mascustomers.demo.examples import Registry, WorkingExample
from mascustomers.demo.world import DemoWorld
from mascustomers.models import Subscription
from mascustomers.penalties.states import PenaltyStatus

example = Registry()
S = "/subscriptions/{subscriptionId}"
OPEN_ORDERS = frozenset({WorkOrderStatus.PENDIENTE_CREAR_OT, WorkOrderStatus.EN_CURSO})
LIVE = frozenset({SubscriptionStatus.ACTIVO, SubscriptionStatus.BLOQUEADO})
LOSS_BLOCK = 2
# Devices sold in the examples get IMEIs under this type allocation code (TAC).
DEMO_TAC = "35693803"


def _line(world: DemoWorld, role: Role, slot: str | None = None) -> Subscription | None:
    party = world.party(role)
    return party.mobile_line(slot) if party else None


def _live_line(world: DemoWorld) -> Subscription | None:
    """The demo's postpaid mobile-only line: the one the line-changing examples change."""
    line = _line(world, Role.MOBILE)
    return line if line is not None and line.status_id in LIVE else None


def _line_read(path: str, what: str, role: Role, slot: str | None = None, **query: str) -> None:
    @example("GET", f"{S}{path}")
    def build(world: DemoWorld) -> WorkingExample | None:
        line = _line(world, role, slot)
        if line is None:
            return None
        return WorkingExample(what, path={"subscriptionId": line.id}, query=dict(query))


_line_read(
    "",
    "The convergent customer's main line, with origin, sell date and status history",
    Role.CONVERGENT,
    "main",
    include="origin,selldate,historical_status",
)
_line_read("/devices", "The iPhone financed with the main line", Role.CONVERGENT, "main")
_line_read("/recharge/detail", "This month's balance movements", Role.PREPAID)
_line_read(
    "/products",
    "The tariff, what it can change to and its history",
    Role.MOBILE,
    include="compatibilities,historical_changes",
)
_line_read("/services", "The line's services and their state", Role.MOBILE)
_line_read("/bonuses", "The line's bonuses", Role.MOBILE)
_line_read("/blocks", "The line's theft and loss blocks", Role.MOBILE)


@example("PATCH", f"{S}/products")
def _change_tariff(world: DemoWorld) -> WorkingExample | None:
    line = _live_line(world)
    if line is None:
        return None
    current = catalogue.get_product(world.session, org_id=world.org.id, product_id=line.product_id)
    for target_id in current.compatible_products:
        target = catalogue.get_product(world.session, org_id=world.org.id, product_id=target_id)
        if target_id != line.product_id and not target.bundle_only:
            return WorkingExample(
                f"Change the mobile line's tariff to {target.name}",
                path={"subscriptionId": line.id},
                body={"productId": target_id},
            )
    return None


@example("PATCH", f"{S}/services/{{serviceId}}")
def _switch_service(world: DemoWorld) -> WorkingExample | None:
    line = _live_line(world)
    if line is None:
        return None
    changeable = {
        service.id
        for service in catalogue_extras.list_services(world.session, org_id=world.org.id).services
        if service.changeable
    }
    for held in repository.services_of(world.session, subscription_id=line.id):
        if held.service_id in changeable:
            verb = "Switch off" if held.active else "Switch on"
            return WorkingExample(
                f"{verb} service {held.service_id} of the mobile line",
                path={"subscriptionId": line.id, "serviceId": held.service_id},
                body={"active": not held.active},
            )
    return None


@example("PUT", f"{S}/bonuses")
def _add_bonus(world: DemoWorld) -> WorkingExample | None:
    line = _live_line(world)
    if line is None:
        return None
    held = {
        b.bonus_id
        for b in repository.bonuses_of(world.session, subscription_id=line.id, now=world.now)
    }
    product = catalogue.get_product(world.session, org_id=world.org.id, product_id=line.product_id)
    bonus = next((b for b in product.bonuses if b not in held), None)
    if bonus is None:
        return None
    return WorkingExample(
        f"Add bonus {bonus} to the mobile line",
        path={"subscriptionId": line.id},
        body={"bonusId": bonus},
    )


@example("DELETE", f"{S}/bonuses/{{bonusId}}")
def _remove_bonus(world: DemoWorld) -> WorkingExample | None:
    line = _live_line(world)
    if line is None:
        return None
    held = repository.bonuses_of(world.session, subscription_id=line.id, now=world.now)
    if not held:
        return None
    return WorkingExample(
        f"Remove bonus {held[0].bonus_id} from the mobile line",
        path={"subscriptionId": line.id, "bonusId": held[0].bonus_id},
    )


@example("PATCH", f"{S}/blocks/{{blockId}}")
def _block(world: DemoWorld) -> WorkingExample | None:
    line = _live_line(world)
    if line is None:
        return None
    blocked = any(
        b.block_id == LOSS_BLOCK
        for b in repository.blocks_of(world.session, subscription_id=line.id)
    )
    body: dict[str, object] = (
        {"active": False} if blocked else {"active": True, "reason": "Lo ha perdido"}
    )
    return WorkingExample(
        "Lift the loss block" if blocked else "Block the SIM card: the customer lost it",
        path={"subscriptionId": line.id, "blockId": LOSS_BLOCK},
        body=body,
    )


@example("PATCH", f"{S}/sim-replacement")
def _replace_sim(world: DemoWorld) -> WorkingExample | None:
    line = _live_line(world)
    iccid = world.spare_iccid("sim replacement")
    if line is None or iccid is None:
        return None
    return WorkingExample(
        "A new SIM card in stock for the mobile line, handed over in the shop",
        path={"subscriptionId": line.id},
        body={
            "dealer_id": DEALER["dealer_id"],
            "shop_id": DEALER["shop_id"],
            "logistic": False,
            "new_icc": iccid,
        },
    )


@example("POST", f"{S}/devices")
def _sell_device(world: DemoWorld) -> WorkingExample | None:
    party = world.party(Role.MOBILE)
    line = _live_line(world)
    devices = catalogue_extras.list_devices(world.session, org_id=world.org.id, category=None)
    if party is None or party.account is None or line is None or not devices.devices:
        return None
    device = devices.devices[0]
    sold = len(repository.terminals_of(world.session, subscription_id=line.id))
    serial = f"{line.id % 10**4:04d}{sold % 100:02d}"
    imei = DEMO_TAC + serial + luhn.calc_check_digit(DEMO_TAC + serial)
    reservation = uuid.uuid5(uuid.NAMESPACE_URL, f"mascustomers-demo/{line.uuid}/{sold}")
    return WorkingExample(
        f"Sell a {device.name} paid up front, collected in the shop",
        path={"subscriptionId": line.id},
        body={
            "delivery_info": {"delivery_type": "SHOP", "delivery_shop_id": DEALER["shop_id"]},
            "sell": {"dealer_id": DEALER["dealer_id"], "shop_id": DEALER["shop_id"]},
            "client": {
                "customer_id": str(party.customer.id),
                "account_id": str(party.account.id),
            },
            "device": {
                "device_details": {"catalogue_id": device.id, "imei": imei},
                "fees": {"upfront_fee": str(device.price)},
                "reservation_id": str(reservation),
            },
            "subscription_offer_segment": "RESIDENCIAL",
        },
    )


# --- Work orders and penalties -----------------------------------------------------------


@example("POST", "/v2/workorders/change-order")
def _change_order(world: DemoWorld) -> WorkingExample | None:
    party = world.party(Role.CONVERGENT)
    order = party.work_orders[0] if party and party.work_orders else None
    if order is None or order.status_id not in OPEN_ORDERS:
        return None
    return WorkingExample(
        "The convergent customer's fibre is installed: complete its work order",
        body={
            "seller": DEALER["dealer_id"],
            "workorderid": order.work_order_id,
            "reason": "instalación terminada",
            "parameters": "",
            "changetype": "COMPLETE",
        },
    )


def _main_line_of_account(world: DemoWorld) -> tuple[int, Subscription] | None:
    party = world.party(Role.CONVERGENT)
    line = party.mobile_line("main") if party else None
    if party is None or party.account is None or line is None:
        return None
    return party.account.id, line


@example("GET", "/penalties/{accountId}")
def _account_penalties(world: DemoWorld) -> WorkingExample | None:
    found = _main_line_of_account(world)
    if found is None:
        return None
    return WorkingExample(
        "What leaving would cost the convergent customer (stored as a computed penalty)",
        path={"accountId": found[0]},
        query={"reason": "unsubscribe"},
    )


@example("GET", "/penalties/{accountId}/subscriptions/{subscriptionId}")
def _line_penalties(world: DemoWorld) -> WorkingExample | None:
    found = _main_line_of_account(world)
    if found is None:
        return None
    return WorkingExample(
        "What ending the main line would cost",
        path={"accountId": found[0], "subscriptionId": found[1].id},
        query={"reason": "mobile"},
    )


@example("GET", "/penalties/{accountId}/subscriptions/uuid/{subscriptionUUID}")
def _line_penalties_by_uuid(world: DemoWorld) -> WorkingExample | None:
    found = _main_line_of_account(world)
    if found is None:
        return None
    return WorkingExample(
        "The same, naming the line by its UUID",
        path={"accountId": found[0], "subscriptionUUID": found[1].uuid},
    )


def _penalty(world: DemoWorld, status: PenaltyStatus) -> int | None:
    found = _main_line_of_account(world)
    if found is None:
        return None
    for penalty in repository.penalties_of(world.session, account_id=found[0]):
        if penalty.status != status:
            continue
        if status is PenaltyStatus.CONFIRMED and repository.invoiced_penalty_lines(
            world.session, computed_penalty_id=penalty.id
        ):
            continue
        return penalty.id
    return None


@example("PUT", "/penalties/{computePenaltyId}")
def _confirm_penalty(world: DemoWorld) -> WorkingExample | None:
    penalty = _penalty(world, PenaltyStatus.COMPUTED)
    if penalty is None:
        return None
    return WorkingExample(
        "Confirm the main line's computed penalty (charged on the next invoice)",
        path={"computePenaltyId": penalty},
    )


@example("DELETE", "/penalties/{computePenaltyId}")
def _delete_penalty(world: DemoWorld) -> WorkingExample | None:
    penalty = _penalty(world, PenaltyStatus.CONFIRMED)
    if penalty is None:
        return None
    return WorkingExample(
        "Withdraw the confirmed iPhone penalty before it is invoiced",
        path={"computePenaltyId": penalty},
    )
