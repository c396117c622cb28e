"""A TCP proxy that delays every chunk by a fixed time in each direction (bench only).

    .venv/bin/python bench/latency_proxy.py --listen 127.0.0.1:6543 --to 127.0.0.1:5432 \
        --delay-ms 0.5

Stands in for a database on the next host: each byte the client sends reaches the server
``delay`` later, and each byte back reaches the client ``delay`` later, so one round trip costs
``2 × delay`` more while throughput is not capped (chunks in flight are pipelined). Threads and
``time.sleep`` rather than asyncio: the event loop's timers have millisecond granularity, too
coarse for a 0.5 ms delay. Never part of the product.
"""

import argparse
import collections
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress


class _Pipe:
    """One direction of one connection: a reader thread stamps chunks, a writer sends them
    when their time has come."""

    def __init__(self, source: socket.socket, target: socket.socket, delay: float) -> None:
        self.source, self.target, self.delay = source, target, delay
        self.chunks: collections.deque[tuple[float, bytes]] = collections.deque()
        self.ready = threading.Condition()
        self.closed = False

    def start(self) -> None:
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._write, daemon=True).start()

    def _read(self) -> None:
        try:
            while data := self.source.recv(65536):
                with self.ready:
                    self.chunks.append((time.perf_counter() + self.delay, data))
                    self.ready.notify()
        except OSError:
            pass
        with self.ready:
            self.closed = True
            self.ready.notify()

    def _write(self) -> None:
        try:
            while True:
                with self.ready:
                    while not self.chunks and not self.closed:
                        self.ready.wait()
                    if not self.chunks:
                        break
                    due, data = self.chunks.popleft()
                wait = due - time.perf_counter()
                if wait > 0:
                    time.sleep(wait)
                self.target.sendall(data)
        except OSError:
            pass
        for sock in (self.target, self.source):
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


class LatencyProxy:
    def __init__(self, listen: tuple[str, int], upstream: tuple[str, int], delay_ms: float):
        self.upstream = upstream
        self.delay = delay_ms / 1000
        self.server = socket.create_server(listen, backlog=1024)
        self.port = self.server.getsockname()[1]
        self._stopped = False
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()

    def serve_forever(self) -> None:
        while not self._stopped:
            try:
                client, _ = self.server.accept()
            except OSError:
                break
            try:
                backend = socket.create_connection(self.upstream)
            except OSError:
                client.close()
                continue
            for sock in (client, backend):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self._lock:
                self._open.update((client, backend))
            _Pipe(client, backend, self.delay).start()
            _Pipe(backend, client, self.delay).start()

    def stop(self) -> None:
        """Refuse new connections and cut the open ones: to the client, the server is gone."""
        self._stopped = True
        # shutdown() wakes the thread blocked in accept(); close() alone would leave the
        # listening socket alive (and accepting) until accept() returned.
        with suppress(OSError):
            self.server.shutdown(socket.SHUT_RDWR)
        self.server.close()
        with self._lock:
            for sock in self._open:
                with suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self._open.clear()


@contextmanager
def running_proxy(
    upstream: tuple[str, int], delay_ms: float, port: int = 0
) -> Iterator[LatencyProxy]:
    """A proxy on 127.0.0.1 (a free port unless given), in a background thread, for the
    `with` block."""
    proxy = LatencyProxy(("127.0.0.1", port), upstream, delay_ms)
    thread = threading.Thread(target=proxy.serve_forever, daemon=True)
    thread.start()
    try:
        yield proxy
    finally:
        proxy.stop()


def _address(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    return host, int(port)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--listen", type=_address, required=True)
    parser.add_argument("--to", type=_address, required=True)
    parser.add_argument("--delay-ms", type=float, default=0.5)
    args = parser.parse_args()
    proxy = LatencyProxy(args.listen, args.to, args.delay_ms)
    print(
        f"proxy 127.0.0.1:{proxy.port} -> {args.to[0]}:{args.to[1]}, {args.delay_ms} ms each way",
        flush=True,
    )
    proxy.serve_forever()


if __name__ == "__main__":
    main()
