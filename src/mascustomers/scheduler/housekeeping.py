"""Clean-up the scheduler does besides due operations, every ``housekeeping_seconds``.

- Idempotency-Key answers older than ``idempotency_key_hours`` are deleted, oldest first, in
  batches of their own transactions (a retry that late runs its operation anew, as Stripe's
  keys do after 24 hours). Several scheduler processes may purge at once: deleting rows that
  another process already deleted deletes nothing.
"""

from datetime import timedelta

from sqlalchemy.orm import Session, sessionmaker

from mascustomers.db.engine import begin_for_write
from mascustomers.idempotency import repository as idempotency_repository
from mascustomers.scheduler import clocks

PURGE_BATCH = 1000


def purge_idempotency_answers(factory: sessionmaker[Session], *, keep_hours: int) -> int:
    """Delete expired stored answers; how many."""
    before = clocks.wall_now() - timedelta(hours=keep_hours)
    total = 0
    while True:
        with factory() as session:
            begin_for_write(session)
            deleted = idempotency_repository.purge_expired(
                session, before=before, limit=PURGE_BATCH
            )
            session.commit()
        total += deleted
        if deleted < PURGE_BATCH:
            return total
