"""Working examples of the reference's 39 operations, made from the demo org's data."""

from typing import Any

from mascustomers.catalog import reads as catalogue
from mascustomers.catalog.statuses import SubscriptionStatus, SubscriptionType
from mascustomers.demo import repository
from mascustomers.demo.customers import DEALER, Role, new_customer, postpaid_mobile_signup
from mascustomers.demo.examples import Registry, WorkingExample
from mascustomers.demo.world import DemoWorld, Party

example = Registry()


def _convergent(world: DemoWorld) -> Party | None:
    party = world.party(Role.CONVERGENT)
    return party if party is not None and party.account is not None else None


def _account_read(path: str, what: str, **query: str | int) -> None:
    @example("GET", f"/accounts/{{accountId}}{path}")
    def build(world: DemoWorld) -> WorkingExample | None:
        party = _convergent(world)
        if party is None or party.account is None:
            return None
        return WorkingExample(
            f"{what} of the demo's convergent customer",
            path={"accountId": party.account.id},
            query=dict(query),
        )


_account_read("", "The account")
_account_read("/tax", "The tax region and its history", include_historical_changes="true")
_account_read("/contracts", "The bundle's contract", signature_config="CONVERGENTE")
_account_read("/invoices", "Last month's invoice")
_account_read("/terms", "The commitments (iPhone and promotion)")
_account_read("/paymentinfo", "The bank account")
_account_read("/promotions", "The promotions applied")


# --- Signups -----------------------------------------------------------------------------


@example("POST", "/signups")
def _signup(world: DemoWorld) -> WorkingExample | None:
    number = world.new_customer_number
    iccid, msisdn = world.spare_iccid("signup"), world.spare_number("signup")
    if number is None or iccid is None or msisdn is None:
        return None
    body = postpaid_mobile_signup(new_customer(number), iccid=iccid)
    body["products"]["mobile_line"]["msisdn"] = msisdn
    return WorkingExample(
        "A new private customer (NIF not yet in the org) with a postpaid line: a free number "
        "and a SIM card in stock handed over in the shop",
        body=body,
    )


@example("GET", "/signups/master-data")
def _master_data(world: DemoWorld) -> WorkingExample:
    return WorkingExample("Every master-data list")


@example("GET", "/signups/available-msisdns/{host_cfg}")
def _available_numbers(world: DemoWorld) -> WorkingExample:
    return WorkingExample("Ten free numbers of the YOIGO pool", path={"host_cfg": "YOIGO"})


@example("GET", "/signups/simcard-info/{iccid}")
def _simcard(world: DemoWorld) -> WorkingExample | None:
    party = world.party(Role.MOBILE)
    line = party.mobile_line() if party else None
    if line is None or line.iccid is None:
        return None
    return WorkingExample("The SIM card of the demo's mobile line", path={"iccid": line.iccid})


@example("PATCH", "/signups/activate-sim")
def _activate_sim(world: DemoWorld) -> WorkingExample | None:
    party = world.party(Role.SHIPPED)
    line = party.mobile_line() if party else None
    if line is None or line.status_id != SubscriptionStatus.PENDIENTE_ALTA:
        return None
    return WorkingExample(
        "The shipped SIM of the demo's line waiting for it reached the customer",
        body={"msisdn": line.identification_nr},
    )


@example("POST", "/signups/subscriptions")
def _add_line(world: DemoWorld) -> WorkingExample | None:
    party = _convergent(world)
    if party is None or party.account is None:
        return None
    bundles = repository.bundles_of(world.session, account_id=party.account.id)
    iccid, msisdn = world.spare_iccid("added line"), world.spare_number("added line")
    if not bundles or not iccid or not msisdn:
        return None
    slots = catalogue.get_bundle(
        world.session, org_id=world.org.id, bundle_id=bundles[0].bundle_id
    ).components
    extra_lines = [s for s in party.lines if s.mobile_line_type in ("additional", "extra")]
    if not slots.additional_mobile or len(extra_lines) >= slots.max_additional_lines:
        return None
    line = {
        "type": "additional",
        "product_id": slots.additional_mobile[0],
        "msisdn": msisdn,
        "iccid": iccid,
    }
    return WorkingExample(
        "An additional mobile line on the convergent customer's bundle, with a free number and "
        "a SIM card in stock",
        body={
            "sales_info": DEALER,
            "account": {
                "account_id": party.account.id,
                "subscriptions": {"mobile_lines": [line]},
            },
        },
    )


@example("POST", "/signups/migration")
def _migration(world: DemoWorld) -> WorkingExample | None:
    party = _convergent(world)
    main = party.mobile_line("main") if party else None
    if party is None or party.account is None or main is None:
        return None
    bundles = repository.bundles_of(world.session, account_id=party.account.id)
    if not bundles:
        return None
    current = catalogue.get_bundle(
        world.session, org_id=world.org.id, bundle_id=bundles[0].bundle_id
    )
    for target_id in current.allowed_migrations:
        target = catalogue.get_bundle(world.session, org_id=world.org.id, bundle_id=target_id)
        fibre = _fibre_product(world, target.components.fixed)
        if target.components.main_mobile and fibre is not None:
            break
    else:
        return None
    subscriptions: dict[str, Any] = {
        "ftth": {"product_id": fibre},
        "mobile_lines": [
            {
                "subscription_id": main.id,
                "type": "main",
                "product_id": target.components.main_mobile[0],
                "msisdn": main.identification_nr,
            }
        ],
    }
    return WorkingExample(
        f"Move the convergent customer's bundle to {target.name}",
        body={
            "sales_info": {"dealer_id": DEALER["dealer_id"], "shop_id": DEALER["shop_id"]},
            "account": {
                "account_id": party.account.id,
                "new_bundle_id": target.id,
                "subscriptions": subscriptions,
            },
        },
    )


def _fibre_product(world: DemoWorld, products: list[int]) -> int | None:
    for product_id in products:
        product = catalogue.get_product(world.session, org_id=world.org.id, product_id=product_id)
        if product.subscription_type.id == SubscriptionType.FTTH:
            return product_id
    return None


# --- Users -------------------------------------------------------------------------------


@example("GET", "/users/tree")
def _tree(world: DemoWorld) -> WorkingExample | None:
    party = _convergent(world)
    if party is None:
        return None
    return WorkingExample("The convergent customer, by email", query={"email": party.person.email})


@example("POST", "/users/tree")
def _tree_by_document(world: DemoWorld) -> WorkingExample | None:
    party = _convergent(world)
    if party is None:
        return None
    return WorkingExample(
        "The convergent customer, by NIF",
        body={"documentType": "NIF", "document": party.person.document},
    )


@example("POST", "/users/tree/full")
def _tree_full(world: DemoWorld) -> WorkingExample | None:
    party = _convergent(world)
    if party is None:
        return None
    return WorkingExample(
        "The convergent customer with every line's detail, by NIF",
        body={"document_type": "NIF", "document": party.person.document},
    )


@example("GET", "/users/{userId}")
def _user(world: DemoWorld) -> WorkingExample | None:
    party = _convergent(world)
    if party is None or party.account is None:
        return None
    return WorkingExample(
        "The convergent customer's owner user", path={"userId": party.account.owner_user_id}
    )


@example("PATCH", "/users/agile-tv")
def _agile_tv(world: DemoWorld) -> WorkingExample | None:
    party = _convergent(world)
    tv = party.line_of_type(SubscriptionType.TV) if party else None
    if party is None or tv is None or not tv.registration_email:
        return None
    other = "lucia.tv@example.es"
    new_email = other if tv.registration_email.lower() != other else party.person.email
    return WorkingExample(
        "Change the TV's registration email",
        body={
            "old_email": tv.registration_email,
            "new_email": new_email,
            "document_number": party.person.document,
        },
    )
