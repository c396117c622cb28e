"""A delivery worker process for tests (``python -m tests.events.worker_process URL NAME …``).

Runs until SIGTERM, then prints how many attempts it made; SIGKILL is the crash the tests
want to survive.
"""

import signal
import sys
from types import FrameType

from mascustomers.db.engine import make_engine, make_sessionmaker
from mascustomers.events.delivery import DeliveryWorker, PassResult, WorkerConfig
from mascustomers.events.sending import Timeouts


def main(url: str, name: str, lease_seconds: float, batch_size: int, per_pass: int) -> None:
    engine = make_engine(url)
    config = WorkerConfig(
        poll_interval=0.05,
        lease_seconds=lease_seconds,
        batch_size=batch_size,
        endpoints_per_pass=per_pass,
        threads=2,
        # Short, so that a short lease still fits a send (tests kill and restart workers).
        timeouts=Timeouts(connect=1.0, read=1.0, write=1.0, total=1.0),
    )
    worker = DeliveryWorker(make_sessionmaker(engine), config=config, worker=name)
    total = PassResult()

    def stop(signum: int, frame: FrameType | None) -> None:
        worker.stop()

    signal.signal(signal.SIGTERM, stop)
    print("ready", flush=True)
    while not worker.stop_event.is_set():
        try:
            result = worker.run_once()
        except Exception as error:  # as run_forever: the next pass tries again
            print(f"pass failed: {error!r}", file=sys.stderr, flush=True)
            result = PassResult()
        total.add(result)
        if result.endpoints == 0:
            worker.stop_event.wait(config.poll_interval)
    worker.close()
    print(f"sent {total.sent}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
