"""Working examples of the operations beyond the reference: catalogue, inventory, back office."""

from datetime import timedelta

from mascustomers.billing.cycles import Cycle
from mascustomers.catalog import reads as catalogue_extras
from mascustomers.catalog.statuses import InvoiceStatus, SubscriptionStatus, WorkOrderStatus
from mascustomers.demo import repository
from mascustomers.demo.customers import Role
from mascustomers.demo.examples import Registry, WorkingExample
from mascustomers.demo.world import DemoWorld
from mascustomers.kit.clock import format_timestamp, local_date
from mascustomers.models import Invoice, WorkOrder
from mascustomers.scheduler import clocks

example = Registry()
OPEN_ORDERS = frozenset({WorkOrderStatus.PENDIENTE_CREAR_OT, WorkOrderStatus.EN_CURSO})
OPS = "/ops"
# A termination motive of master data (``termination_motives``): the customer asked for it.
CUSTOMER_REQUEST_MOTIVE = 1
# The province a tax-province example moves an account to, and the one it moves back to.
LAS_PALMAS, MADRID = 35, 28


@example("GET", "/signups")
def _list_signups(world: DemoWorld) -> WorkingExample:
    return WorkingExample("The org's latest orders", query={"limit": 10})


@example("GET", "/signups/available-iccids")
def _available_iccids(world: DemoWorld) -> WorkingExample:
    return WorkingExample("The first five SIM cards in stock", query={"limit": 5})


# --- Catalogue ---------------------------------------------------------------------------


@example("GET", "/catalogue/products")
def _products(world: DemoWorld) -> WorkingExample:
    return WorkingExample("Postpaid tariffs", query={"billing_type": 1})


@example("GET", "/catalogue/products/{product_id}")
def _product(world: DemoWorld) -> WorkingExample | None:
    party = world.party(Role.MOBILE)
    line = party.mobile_line() if party else None
    if line is None:
        return None
    return WorkingExample("The demo mobile line's tariff", path={"product_id": line.product_id})


@example("GET", "/catalogue/bundles")
def _bundles(world: DemoWorld) -> WorkingExample:
    return WorkingExample("Every bundle")


@example("GET", "/catalogue/bundles/{bundle_id}")
def _bundle(world: DemoWorld) -> WorkingExample | None:
    party = world.party(Role.CONVERGENT)
    if party is None or party.account is None:
        return None
    bundles = repository.bundles_of(world.session, account_id=party.account.id)
    if not bundles:
        return None
    return WorkingExample(
        "The convergent customer's bundle", path={"bundle_id": bundles[0].bundle_id}
    )


@example("GET", "/catalogue/bonuses")
def _bonuses(world: DemoWorld) -> WorkingExample:
    return WorkingExample("Every bonus")


@example("GET", "/catalogue/bonuses/{bonus_id}")
def _bonus(world: DemoWorld) -> WorkingExample | None:
    found = catalogue_extras.list_bonuses(
        world.session, org_id=world.org.id, dealer_id=None, product_id=None
    ).bonuses
    return WorkingExample("A bonus", path={"bonus_id": found[0].id}) if found else None


@example("GET", "/catalogue/promotions")
def _promotions(world: DemoWorld) -> WorkingExample:
    return WorkingExample("Subscription-level promotions", query={"level": "subscription"})


@example("GET", "/catalogue/promotions/{promotion_id}")
def _promotion(world: DemoWorld) -> WorkingExample | None:
    found = catalogue_extras.list_promotions(
        world.session, org_id=world.org.id, dealer_id=None, level=None
    ).promotions
    return WorkingExample("A promotion", path={"promotion_id": found[0].id}) if found else None


@example("GET", "/catalogue/services")
def _services(world: DemoWorld) -> WorkingExample:
    return WorkingExample("Every service")


@example("GET", "/catalogue/services/{service_id}")
def _service(world: DemoWorld) -> WorkingExample | None:
    found = catalogue_extras.list_services(world.session, org_id=world.org.id).services
    return WorkingExample("A service", path={"service_id": found[0].id}) if found else None


@example("GET", "/catalogue/devices")
def _devices(world: DemoWorld) -> WorkingExample:
    return WorkingExample("Smartphones", query={"category": "SMARTPHONE"})


@example("GET", "/catalogue/devices/{catalogue_id}")
def _device(world: DemoWorld) -> WorkingExample | None:
    found = catalogue_extras.list_devices(world.session, org_id=world.org.id, category=None)
    if not found.devices:
        return None
    return WorkingExample("A device", path={"catalogue_id": found.devices[0].id})


# --- Back office -------------------------------------------------------------------------


@example("GET", f"{OPS}/risk-holds")
def _holds(world: DemoWorld) -> WorkingExample:
    return WorkingExample("Orders waiting for a risk decision")


def _held_sell(world: DemoWorld, role: Role) -> int | None:
    party = world.party(role)
    held = [sell.id for sell in party.sells if sell.status == "HELD"] if party else []
    return held[0] if held else None


@example("POST", f"{OPS}/risk-holds/{{sellId}}/approve")
def _approve(world: DemoWorld) -> WorkingExample | None:
    sell = _held_sell(world, Role.HELD_TO_APPROVE)
    if sell is None:
        return None
    return WorkingExample("Approve the demo's order held for review", path={"sellId": sell})


@example("POST", f"{OPS}/risk-holds/{{sellId}}/reject")
def _reject(world: DemoWorld) -> WorkingExample | None:
    sell = _held_sell(world, Role.HELD_TO_REJECT)
    if sell is None:
        return None
    return WorkingExample("Reject the other held order", path={"sellId": sell})


def _order(world: DemoWorld, role: Role) -> WorkOrder | None:
    party = world.party(role)
    return party.work_orders[0] if party and party.work_orders else None


@example("GET", f"{OPS}/work-orders/{{workOrderId}}")
def _work_order(world: DemoWorld) -> WorkingExample | None:
    order = _order(world, Role.CONVERGENT)
    if order is None:
        return None
    return WorkingExample(
        "The convergent signup's work order",
        path={"workOrderId": order.work_order_id},
    )


def _open_order_action(role: Role, action: str, summary: str) -> None:
    @example("POST", f"{OPS}/work-orders/{{workOrderId}}/{action}")
    def build(world: DemoWorld) -> WorkingExample | None:
        order = _order(world, role)
        if order is None or order.status_id not in OPEN_ORDERS:
            return None
        return WorkingExample(
            summary, path={"workOrderId": order.work_order_id}, body={"reason": "demo"}
        )


_open_order_action(Role.MOBILE, "complete", "Complete the mobile-only signup's work order")
_open_order_action(
    Role.CANCELLABLE, "cancel", "Cancel the order of a SIM not delivered yet (line cancelled)"
)


@example("POST", f"{OPS}/subscriptions/{{subscriptionId}}/termination")
def _terminate(world: DemoWorld) -> WorkingExample | None:
    party = world.party(Role.TERMINABLE)
    line = party.mobile_line() if party else None
    if line is None or line.status_id != SubscriptionStatus.ACTIVO:
        return None
    return WorkingExample(
        "End the demo line kept for it, now, at the customer's request",
        path={"subscriptionId": line.id},
        body={"motive_id": CUSTOMER_REQUEST_MOTIVE},
    )


@example("POST", f"{OPS}/subscriptions/{{subscriptionId}}/recharges")
def _recharge(world: DemoWorld) -> WorkingExample | None:
    party = world.party(Role.PREPAID)
    line = party.mobile_line() if party else None
    if line is None:
        return None
    return WorkingExample(
        "A 10 EUR top-up of the prepaid line",
        path={"subscriptionId": line.id},
        body={"amount": "10.00", "origin_id": 1, "movement_type_id": 1},
    )


def _invoices(world: DemoWorld) -> list[Invoice]:
    found: list[Invoice] = []
    for role in (Role.CONVERGENT, Role.MOBILE, Role.TERMINABLE):
        party = world.party(role)
        if party is not None and party.account is not None:
            found += repository.invoices_of(world.session, account_id=party.account.id)
    return found


@example("POST", f"{OPS}/invoices/{{invoiceId}}/payment")
def _pay(world: DemoWorld) -> WorkingExample | None:
    unpaid = [i for i in _invoices(world) if i.status_id == InvoiceStatus.PENDIENTE]
    if not unpaid:
        return None
    return WorkingExample(
        f"Record the payment of invoice {unpaid[-1].number}", path={"invoiceId": unpaid[-1].id}
    )


@example("GET", f"{OPS}/invoices/{{number}}.pdf")
def _invoice_pdf(world: DemoWorld) -> WorkingExample | None:
    invoices = _invoices(world)
    if not invoices:
        return None
    return WorkingExample("Last month's invoice as a PDF", path={"number": invoices[0].number})


@example("POST", f"{OPS}/accounts/{{accountId}}/tax-province")
def _tax_province(world: DemoWorld) -> WorkingExample | None:
    party = world.party(Role.CONVERGENT)
    if party is None or party.account is None:
        return None
    tax = repository.current_tax(world.session, account_id=party.account.id)
    target = MADRID if tax is not None and tax.state_id == LAS_PALMAS else LAS_PALMAS
    return WorkingExample(
        "The convergent customer's tax address moves province",
        path={"accountId": party.account.id},
        body={"state_id": target},
    )


@example("POST", f"{OPS}/billing/run")
def _billing(world: DemoWorld) -> WorkingExample:
    now = clocks.org_now(world.session, org_id=world.org.id)
    cycle = Cycle.of(local_date(now, world.org.timezone)).previous()
    return WorkingExample(
        f"Bill {cycle}, the last closed month (accounts billed already are skipped)",
        body={"cycle": str(cycle)},
    )


@example("GET", f"{OPS}/clock")
def _clock(world: DemoWorld) -> WorkingExample:
    return WorkingExample("The demo org's time")


@example("POST", f"{OPS}/clock")
def _advance(world: DemoWorld) -> WorkingExample:
    now = clocks.org_now(world.session, org_id=world.org.id)
    return WorkingExample(
        "Move the demo org's time an hour on. From then on its time stands still between "
        "advances (a test clock)",
        body={"advance_to": format_timestamp(now + timedelta(hours=1))},
    )
