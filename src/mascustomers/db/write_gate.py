"""One writer at a time on a SQLite database: a queue in front of ``BEGIN IMMEDIATE``.

SQLite lets one connection write at a time. Left to itself, a second writer sleeps inside
SQLite's busy handler in growing steps (up to 100 ms) and keeps missing the lock a busy process
takes again; on the event loop that sleep froze the whole process. Every writer of the database
— requests, the scheduler thread, CLI commands in other processes — takes this gate first, so
``BEGIN IMMEDIATE`` finds the lock free (only a program outside the service can still hold it).

Rules, in order:
1. Coroutines of one event loop queue in arrival order (an ``asyncio.Lock`` is FIFO) and wait
   as awaits: the loop keeps serving reads meanwhile.
2. The process's writers (the loop's queue head and threads such as the in-process scheduler)
   share one ``threading.Lock``; processes share an ``flock`` on ``<database>-writer.lock``.
   When either is taken, the wait for both runs on a worker thread, never on the loop, and the
   kernel wakes it as soon as the holder lets go (no polling gap, unlike the busy handler).
3. A wait longer than ``timeout`` fails with ``WriteGateTimeout``; a turn obtained after its
   waiter gave up is let go at once.
"""

import asyncio
import concurrent.futures
import fcntl
import os
import threading
import time
import weakref
from dataclasses import dataclass


class WriteGateTimeout(Exception):
    """No turn to write within the timeout (another writer held the database that long)."""


@dataclass
class Turn:
    """A held turn; ``queue`` is the loop's queue lock when a coroutine holds it."""

    gate: "WriteGate"
    queue: asyncio.Lock | None = None
    loop: asyncio.AbstractEventLoop | None = None

    def release(self) -> None:
        self.gate._let_go()
        if self.queue is None or self.loop is None:
            return
        try:
            on_loop = asyncio.get_running_loop() is self.loop
        except RuntimeError:
            on_loop = False
        # A connection is normally returned on its loop; one collected elsewhere hands over.
        if on_loop:
            self.queue.release()
        else:
            self.loop.call_soon_threadsafe(self.queue.release)


# Waits for a busy gate: at most one per process and database at a time (the queue and the
# thread lock come first), so a small pool is enough.
_waiters = concurrent.futures.ThreadPoolExecutor(max_workers=4, thread_name_prefix="write-gate")


class WriteGate:
    def __init__(self, database_path: str) -> None:
        self.lock_path = f"{database_path}-writer.lock"
        self._threads = threading.Lock()
        self._queues: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            weakref.WeakKeyDictionary()
        )
        self._fd: int | None = None
        self._fd_pid = 0

    async def turn(self, timeout: float) -> Turn:
        """Wait, as awaits, for the loop's earlier writers, then the process's and the
        other processes' writers."""
        deadline = time.monotonic() + timeout
        queue = self._queue()
        try:
            async with asyncio.timeout(timeout):
                await queue.acquire()
        except TimeoutError as error:
            raise WriteGateTimeout(f"no write turn within {timeout:g} s") from error
        try:
            if not self._try_hold():
                future = asyncio.get_running_loop().run_in_executor(_waiters, self._hold, deadline)
                try:
                    async with asyncio.timeout(max(deadline - time.monotonic(), 0)):
                        held = await asyncio.shield(future)
                except BaseException as error:
                    future.add_done_callback(self._let_go_if_held)
                    if isinstance(error, TimeoutError):
                        raise WriteGateTimeout(f"no write turn within {timeout:g} s") from error
                    raise
                if not held:
                    raise WriteGateTimeout(f"no write turn within {timeout:g} s")
        except BaseException:
            queue.release()
            raise
        return Turn(self, queue, asyncio.get_running_loop())

    def turn_blocking(self, timeout: float) -> Turn:
        """The same turn for threads that may block (CLI commands, the scheduler)."""
        deadline = time.monotonic() + timeout
        if not self._try_hold():
            future = _waiters.submit(self._hold, deadline)
            try:
                held = future.result(timeout=max(deadline - time.monotonic(), 0))
            except BaseException as error:
                future.add_done_callback(self._let_go_if_held)
                if isinstance(error, concurrent.futures.TimeoutError):
                    raise WriteGateTimeout(f"no write turn within {timeout:g} s") from error
                raise
            if not held:
                raise WriteGateTimeout(f"no write turn within {timeout:g} s")
        return Turn(self)

    def _queue(self) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        queue = self._queues.get(loop)
        if queue is None:
            queue = self._queues[loop] = asyncio.Lock()
        return queue

    def _try_hold(self) -> bool:
        if not self._threads.acquire(blocking=False):
            return False
        try:
            fcntl.flock(self._descriptor(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._threads.release()
            return False
        return True

    def _hold(self, deadline: float) -> bool:
        """Blocking: the process's thread lock (bounded), then the file lock (the kernel
        wakes us when the other process lets go; its transaction bounds the wait)."""
        if not self._threads.acquire(timeout=max(deadline - time.monotonic(), 0)):
            return False
        try:
            fcntl.flock(self._descriptor(), fcntl.LOCK_EX)
        except BaseException:
            self._threads.release()
            raise
        return True

    def _let_go(self) -> None:
        fcntl.flock(self._descriptor(), fcntl.LOCK_UN)
        self._threads.release()

    def _let_go_if_held(
        self, done: "concurrent.futures.Future[bool] | asyncio.Future[bool]"
    ) -> None:
        if not done.cancelled() and done.exception() is None and done.result():
            self._let_go()

    def _descriptor(self) -> int:
        if self._fd is None or self._fd_pid != os.getpid():
            self._fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
            self._fd_pid = os.getpid()
        return self._fd


_gates: dict[str, WriteGate] = {}
_gates_lock = threading.Lock()


def gate_for(database_path: str) -> WriteGate:
    """The process's one gate per database file (every engine on the file shares it)."""
    path = os.path.realpath(database_path)
    with _gates_lock:
        gate = _gates.get(path)
        if gate is None:
            gate = _gates[path] = WriteGate(path)
        return gate
