"""How late the event loop runs what is due: the measure of "never wait on the event loop".

A task sleeps ``interval`` seconds over and over; how much later than asked it wakes is the
time the loop spent on something else without a break (a blocking call, or CPU work that never
yields). Exposed as the ``event_loop_lag_seconds`` histogram on ``/metrics``.
"""

import asyncio
import contextlib
import time

from prometheus_client import CollectorRegistry, Histogram

INTERVAL_SECONDS = 0.025


class LoopLag:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.histogram = Histogram(
            "event_loop_lag_seconds",
            "How much later than due the event loop ran a timer",
            registry=registry,
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
        )
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._watch())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _watch(self) -> None:
        while True:
            asked = time.perf_counter()
            await asyncio.sleep(INTERVAL_SECONDS)
            self.histogram.observe(max(time.perf_counter() - asked - INTERVAL_SECONDS, 0.0))
