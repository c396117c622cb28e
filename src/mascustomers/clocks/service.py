"""Test clocks as the back office sees them: show an org's time, advance it."""

from datetime import datetime

from sqlalchemy.orm import Session

from mascustomers.clocks import advance as advance_module
from mascustomers.clocks.schemas import ClockAdvanced, OrgClockView, RanOperation
from mascustomers.kit.clock import format_date, format_timestamp, local_date
from mascustomers.models import Org
from mascustomers.scheduler import clocks
from mascustomers.scheduler.config import SchedulerConfig
from mascustomers.scheduler.registry import Registry, default_registry


def clock_view(session: Session, *, org: Org) -> OrgClockView:
    now = clocks.org_now(session, org_id=org.id)
    return OrgClockView(
        org=org.slug,
        sandbox=org.is_sandbox,
        test_clock=clocks.has_test_clock(session, org_id=org.id),
        now=format_timestamp(now),
        today=format_date(local_date(now, org.timezone)),
        timezone=org.timezone,
    )


def advance_clock(
    session: Session,
    *,
    org: Org,
    to: datetime,
    registry: Registry | None = None,
    config: SchedulerConfig | None = None,
) -> ClockAdvanced:
    """Advance the org's test clock and say what ran, in the order it ran."""
    result = advance_module.advance(
        session,
        org=org,
        to=to,
        registry=registry or default_registry(),
        config=config or SchedulerConfig(),
    )
    ran = [
        RanOperation(
            type="operation",
            ran_at=format_timestamp(outcome.ran_at),
            id=outcome.operation_id,
            kind=outcome.kind,
            subscription_id=outcome.subscription_id,
            due_at=format_timestamp(outcome.due_at),
            status=outcome.status,
            attempts=outcome.attempts,
            error=outcome.error,
        )
        for outcome in result.operations
    ]
    ran += [
        RanOperation(
            type="billing_run",
            ran_at=format_timestamp(event.ran_at),
            cycle=str(event.cycle),
            invoices=event.run.invoices,
            value=event.run.value,
            value_total=event.run.value_total,
        )
        for event in result.billing
    ]
    ran.sort(key=lambda item: item.ran_at)
    return ClockAdvanced(
        org=result.org_slug,
        previous_time=format_timestamp(result.started_at),
        now=format_timestamp(result.target),
        ran=ran,
    )
