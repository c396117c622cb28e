"""``mascustomers scheduler …``: run dated operations when they fall due (and, with ``run``,
deliver webhooks beside them)."""

from typing import Annotated

import typer

from mascustomers.db.engine import make_engine, make_sessionmaker
from mascustomers.events.delivery import BackgroundDelivery, DeliveryWorker
from mascustomers.kit.clock import format_timestamp
from mascustomers.scheduler.config import SchedulerConfig
from mascustomers.scheduler.loop import SchedulerLoop
from mascustomers.scheduler.runner import Outcome
from mascustomers.settings import Settings

app = typer.Typer(no_args_is_help=True)
defaults = SchedulerConfig()

BatchOption = Annotated[int, typer.Option(help="operations leased per pass")]
LeaseOption = Annotated[float, typer.Option(help="seconds before a leased operation is retaken")]


def echo_outcome(outcome: Outcome) -> None:
    error = f"\t{outcome.error}" if outcome.error else ""
    typer.echo(
        f"{outcome.operation_id}\t{outcome.kind}\t{format_timestamp(outcome.due_at)}\t"
        f"{outcome.status}\tattempt {outcome.attempts}{error}"
    )


def _loop(batch_size: int, lease_seconds: float, poll_interval: float) -> SchedulerLoop:
    settings = Settings()
    engine = make_engine(settings.database_url, settings=settings)
    config = SchedulerConfig(
        poll_interval=poll_interval,
        lease_seconds=lease_seconds,
        batch_size=batch_size,
        idempotency_key_hours=settings.idempotency_key_hours,
    )
    return SchedulerLoop(make_sessionmaker(engine), config=config, on_outcome=echo_outcome)


@app.command("tick")
def tick(
    batch_size: BatchOption = defaults.batch_size,
    lease_seconds: LeaseOption = defaults.lease_seconds,
    until_idle: Annotated[bool, typer.Option(help="repeat passes until nothing is due")] = False,
) -> None:
    """One pass: run the operations due now (at most one batch), print what ran."""
    loop = _loop(batch_size, lease_seconds, defaults.poll_interval)
    ran = loop.run_once()
    while until_idle and len(ran) >= batch_size:
        ran = loop.run_once()


@app.command("run")
def run(
    poll_interval: Annotated[float, typer.Option(help="seconds between idle passes")] = (
        defaults.poll_interval
    ),
    batch_size: BatchOption = defaults.batch_size,
    lease_seconds: LeaseOption = defaults.lease_seconds,
    webhooks: Annotated[
        bool, typer.Option(help="also run the webhook delivery worker on a thread")
    ] = True,
) -> None:
    """Run passes until interrupted (Ctrl-C); safe to run as several processes."""
    loop = _loop(batch_size, lease_seconds, poll_interval)
    delivery = BackgroundDelivery(DeliveryWorker(loop.factory)) if webhooks else None
    if delivery is not None:
        delivery.start()
    try:
        loop.run_forever()
    except KeyboardInterrupt:
        loop.stop()
    finally:
        if delivery is not None:
            delivery.stop()
