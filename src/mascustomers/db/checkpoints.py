"""SQLite WAL checkpoints on a thread of their own, not at a request's commit.

By default the connection whose commit grows the write-ahead log past 1,000 pages copies it
back into the database file and syncs it — on the request path that is a disk wait on the event
loop. Request connections turn that off (``wal_autocheckpoint=0``) and this thread runs a
PASSIVE checkpoint every ``interval`` seconds instead: it never blocks readers or writers.
"""

import logging
import threading

from sqlalchemy import Engine

log = logging.getLogger(__name__)


class Checkpointer:
    def __init__(self, engine: Engine, *, interval: float = 1.0) -> None:
        self.engine = engine
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="wal-checkpoint", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def checkpoint(self) -> None:
        with self.engine.connect() as conn:
            driver = conn.connection.driver_connection
            assert driver is not None
            driver.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.checkpoint()
            except Exception as error:  # a failed checkpoint is retried next time
                log.warning("WAL checkpoint failed: %s", error)
