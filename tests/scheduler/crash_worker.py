"""A scheduler process that dies mid-operation (``python -m tests.scheduler.crash_worker``).

Its PRODUCT_CHANGE handler does the real work, flushes it (uncommitted), touches MARKER and
sleeps; the test kills it with SIGKILL there.
"""

import sys
import time
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from mascustomers.db.engine import make_engine, make_sessionmaker
from mascustomers.models import ScheduledOperation
from mascustomers.scheduler.config import SchedulerConfig
from mascustomers.scheduler.registry import Registry
from mascustomers.scheduler.runner import tick
from mascustomers.subscriptions.jobs import apply_scheduled_product_change


def main(url: str, marker: Path) -> None:
    def slow(session: Session, operation: ScheduledOperation, now: datetime) -> None:
        apply_scheduled_product_change(session, operation, now)
        session.flush()
        marker.write_text("flushed")
        time.sleep(600)

    tick(
        make_sessionmaker(make_engine(url)),
        worker="doomed",
        registry=Registry({"PRODUCT_CHANGE": slow}),
        config=SchedulerConfig(lease_seconds=30),
    )


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))
