"""The demo org's life so far: customers signed up last month, that month billed, penalties.

``mascustomers demo`` (what ``make run`` runs) calls these on a fresh org. The customers sign
up on the first day of the previous month (through the real signup service, with that day as
"now"), so the closed month can be billed like any other: the accounts have an invoice to
read, pay and print from the start. Every object the OpenAPI document's working examples name
is made here or by the signups.
"""

from datetime import datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from mascustomers.auth.caller import Caller
from mascustomers.billing import jobs as billing_jobs
from mascustomers.billing.cycles import Cycle
from mascustomers.billing.service import OrgRef
from mascustomers.demo import repository
from mascustomers.demo.customers import PEOPLE, SIGNUPS, Role
from mascustomers.events import webhooks
from mascustomers.events.schemas import WebhookEndpointCreate
from mascustomers.inventory import service as inventory_service
from mascustomers.kit.clock import default_clock, local_date
from mascustomers.models import Org, Subscription
from mascustomers.penalties import service as penalties_service
from mascustomers.penalties.states import LineReason
from mascustomers.signups import service as signups_service
from mascustomers.signups.schemas import SignupCreate
from mascustomers.subscriptions.states import SubscriptionType

SIGNUP_HOUR = time(10, 0)


def signup_time(org: Org, now: datetime) -> datetime:
    """10:00 on the first day of the month before ``now``, in the org's time zone."""
    first = Cycle.of(local_date(now, org.timezone)).previous().start
    return datetime.combine(first, SIGNUP_HOUR, tzinfo=ZoneInfo(org.timezone))


def caller(org: Org, now: datetime) -> Caller:
    return Caller(
        org_id=org.id,
        org_slug=org.slug,
        actor="demo",
        now=now,
        today=local_date(now, org.timezone),
    )


def sign_up(session: Session, *, org: Org, now: datetime) -> list[str]:
    """Every demo customer, in role order, signed up at ``signup_time``; their risk decisions."""
    at = caller(org, signup_time(org, now))
    decisions = []
    for role in Role:
        iccid = inventory_service.free_sim(session, org_id=org.id)
        body = SignupCreate.model_validate(SIGNUPS[role](iccid))
        result = signups_service.create_signup(session, caller=at, body=body)
        session.flush()
        decisions.append(result.risk_decision)
    return decisions


def webhook_endpoint(session: Session, *, org: Org) -> str:
    """One endpoint for the working examples, disabled: the demo sends nothing anywhere."""
    body = WebhookEndpointCreate(
        url="https://example.com/webhooks/telco-demo",
        event_types=["*"],
        description="Demo endpoint (disabled): give it a URL you serve and enable it",
        enabled=False,
    )
    created = webhooks.create(session, org_id=org.id, body=body, now=default_clock().now())
    return f"webhooks: endpoint {created.endpoint.id} created disabled"


def bill_last_month(session: Session, *, org: Org, now: datetime) -> str:
    cycle = Cycle.of(local_date(now, org.timezone)).previous()
    run = billing_jobs.run_cycle(session, org=OrgRef.of(org), cycle=cycle, now=now)
    return f"billing: {run.invoices} invoices issued for {cycle}"


def _main_line(session: Session, *, org: Org) -> Subscription | None:
    customer = repository.customer_by_document(
        session, org_id=org.id, document=PEOPLE[Role.CONVERGENT].document
    )
    if customer is None:
        return None
    for account in repository.accounts_of(session, customer_id=customer.id):
        for line in repository.lines_of(session, account_id=account.id):
            if SubscriptionType(line.type_id).is_mobile and line.mobile_line_type == "main":
                return line
    return None


def penalties(session: Session, *, org: Org, now: datetime) -> str:
    """Two computed penalties of the convergent main line, for PUT and DELETE penalties/{id}.

    The financed iPhone's penalty is confirmed (to withdraw with DELETE); then the line's
    mobile penalty is computed (COMPUTED, to confirm with PUT): it no longer holds the iPhone's
    commitment, which the first one charges, so either can be tried first.
    """
    line = _main_line(session, org=org)
    if line is None:
        return "penalties: skipped, no convergent demo customer"
    at = caller(org, now)
    device = penalties_service.compute_for_line(
        session,
        org_id=org.id,
        account_id=line.account_id,
        subscription_id=line.id,
        reason=LineReason.DEVICE,
        now=at.now,
        today=at.today,
    )
    penalties_service.confirm(
        session, org_id=org.id, computed_penalty_id=device.penalty.id, line_ids=None, now=at.now
    )
    mobile = penalties_service.compute_for_line(
        session,
        org_id=org.id,
        account_id=line.account_id,
        subscription_id=line.id,
        reason=LineReason.MOBILE,
        now=at.now,
        today=at.today,
    )
    return (
        f"penalties: {device.penalty.id} confirmed (device), {mobile.penalty.id} computed (mobile)"
    )
