"""``mascustomers demo``: what ``make run`` uses to get a working sandbox.

Safe to run again and again; each step only does what is missing:

1. migrate the database;
2. create the sandbox org ``telco``;
3. load the shipped catalogue (``catalog/data/telco.yaml``; a no-op when already loaded);
4. stock numbers 600000000-600009999 and 10,000 SIM cards when the org's pool is empty;
5. when the org has no customers: sign up the demo customers (``demo.customers``) through the
   real signup service on the first day of last month — a convergent one (fibre, landline,
   two mobile lines, TV, a financed iPhone), a postpaid mobile-only one, a prepaid one, and
   one for each working example that uses something up (a shipped SIM, an order to cancel,
   two orders held by risk, a line to terminate) — bill last month and compute two penalties
   (``demo.sandbox``);
6. print a fresh all-permission API key and curl lines to try, and the console's URL with its
   three demo staff users (admin, backoffice, agent: one per role) and fresh passwords.
"""

import typer
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from mascustomers.auth import repository as auth_repository
from mascustomers.auth import service as auth_service
from mascustomers.auth.permissions import Permission
from mascustomers.catalog import loader
from mascustomers.catalog.errors import CatalogueInUse
from mascustomers.catalog.file_format import load_shipped_catalogue
from mascustomers.console.demo_staff import DEMO_STAFF, demo_staff
from mascustomers.db import migrate
from mascustomers.db.engine import make_engine
from mascustomers.db.transaction import write_transaction
from mascustomers.demo import customers as demo_customers
from mascustomers.demo import sandbox
from mascustomers.demo.population import populate
from mascustomers.errors import DomainError
from mascustomers.inventory import loader as inventory_loader
from mascustomers.inventory import service as inventory_service
from mascustomers.inventory.states import YOIGO_HOST_CFG
from mascustomers.kit.clock import clock_for
from mascustomers.models import Customer, Org
from mascustomers.settings import Settings

DEMO_ORG = "telco"
DEMO_NUMBERS = "600000000-600009999"
DEMO_ICCIDS = "8934040000000000000-8934040000000009999"


def _org(session: Session) -> Org:
    org = auth_repository.get_org_by_slug(session, DEMO_ORG)
    if org is None:
        org = auth_service.create_org(session, slug=DEMO_ORG, name="Telco demo", is_sandbox=True)
    return org


def _catalogue(session: Session, org: Org) -> str:
    try:
        report = loader.load_catalogue(
            session, org_id=org.id, document=load_shipped_catalogue(), now=clock_for(org.slug).now()
        )
    except CatalogueInUse as error:
        return f"kept the current catalogue: {error.detail}"
    return report.lines()[0]


def _inventory(session: Session, org: Org) -> str:
    if inventory_service.pool_size(session, org_id=org.id) > 0:
        return "inventory: the number pool is stocked already"
    now = clock_for(org.slug).now()
    numbers = inventory_loader.add_numbers(
        session,
        org_id=org.id,
        numbers=inventory_loader.parse_msisdn_range(DEMO_NUMBERS),
        host_cfg_id=YOIGO_HOST_CFG,
        now=now,
    )
    sims = inventory_loader.add_sims(
        session,
        org_id=org.id,
        iccids=inventory_loader.parse_iccid_range(DEMO_ICCIDS),
        batch=inventory_loader.SimBatch(),
        now=now,
    )
    return f"inventory: {numbers.added} numbers and {sims.added} SIM cards added"


def _has_customers(session: Session, org: Org) -> bool:
    return session.scalar(select(Customer.id).where(Customer.org_id == org.id).limit(1)) is not None


def _customers(session: Session, org: Org) -> str:
    if _has_customers(session, org):
        return "customers: the org has customers already"
    now = clock_for(org.slug).now()
    decisions = sandbox.sign_up(session, org=org, now=now)
    lines = [
        f"customers: {len(decisions)} demo customers signed up on "
        f"{sandbox.signup_time(org, now).date()} (risk {', '.join(decisions)})",
        sandbox.bill_last_month(session, org=org, now=now),
        sandbox.penalties(session, org=org, now=now),
        sandbox.webhook_endpoint(session, org=org),
    ]
    return "\n".join(lines)


def prepare(settings: Settings, engine: Engine) -> list[str]:
    """Steps 2-5, each in its own transaction; what each did, one line per step.

    A step the org's data does not allow (say, a catalogue replaced by one without the demo's
    products) is reported and skipped; the others still run.
    """
    with write_transaction(settings, engine=engine) as session:
        _org(session)
    done = []
    for name, step in (
        ("catalogue", _catalogue),
        ("inventory", _inventory),
        ("customers", _customers),
    ):
        try:
            with write_transaction(settings, engine=engine) as session:
                done.append(step(session, _org(session)))
        except DomainError as error:
            done.append(f"{name}: skipped, {error.detail}")
    return done


def _population(session: Session, org: Org, customers: int) -> str:
    """``--customers N``: a generated customer base on top (bulk inserts, not HTTP calls)."""
    with typer.progressbar(length=customers, label="generating customers") as bar:
        populate(
            session,
            org_id=org.id,
            customers=customers,
            now=clock_for(org.slug).now(),
            progress=bar.update,
        )
    return f"population: {customers} generated customers added"


def demo(
    host: str = typer.Option("127.0.0.1", help="host shown in the curl line"),
    port: int = typer.Option(8000, help="port shown in the curl line"),
    customers: int = typer.Option(
        0, min=0, help="also generate this many customers in bulk (1,000,000 works)"
    ),
) -> None:
    """Migrate, set up the sandbox org `telco` with its demo data, and print a fresh API key."""
    settings = Settings()
    migrate.upgrade(settings.database_url)
    engine = make_engine(settings.database_url, settings=settings)
    try:
        for line in prepare(settings, engine):
            typer.echo(line)
        if customers:
            with write_transaction(settings, engine=engine) as session:
                typer.echo(_population(session, _org(session), customers))
        with write_transaction(settings, engine=engine) as session:
            created = auth_service.create_key(
                session, org=_org(session), name="demo", permissions=frozenset(Permission)
            )
            staff = demo_staff(session, org=_org(session), now=clock_for(DEMO_ORG).now())
    finally:
        engine.dispose()
    base = f"http://{host}:{port}"
    key = created.secret
    typer.echo(f"Demo org '{DEMO_ORG}' is ready in {settings.database_url}")
    typer.echo(f"API key (all permissions): {key}")
    typer.echo(f'Try: curl -H "x-api-key: {key}" {base}/v2/orgs/{DEMO_ORG}/signups/master-data')
    typer.echo(f'     curl -H "x-api-key: {key}" {base}/v2/orgs/{DEMO_ORG}/catalogue/products')
    typer.echo(
        f'     curl -H "x-api-key: {key}" "{base}/v2/orgs/{DEMO_ORG}/users/tree?email='
        f'{demo_customers.CONVERGENT_EMAIL}"'
    )
    typer.echo(f'     curl -H "x-api-key: {key}" {base}/v2/openapi.json')
    typer.echo(
        f'Docs: {base}/docs (each operation\'s "Try it out" starts from an example that works)'
    )
    typer.echo(f"Console: {base}/console/ (organisation {DEMO_ORG}; new passwords each run)")
    for username, password in staff.items():
        typer.echo(f"  {username} ({DEMO_STAFF[username].label}): {password}")
