"""Does a listening socket per worker pay? Mobile signups on PostgreSQL, 2 workers, wrk's 16
connections opened at once, served by uvicorn's own workers (one shared listening socket) and by
`mascustomers serve` (one SO_REUSEPORT socket per worker, cli/workers.py), alternated.

    .venv/bin/python bench/bench_worker_sockets.py \\
        --database-url postgresql+psycopg://postgres:postgres@127.0.0.1:5432/bench_sockets \\
        [--rounds 4] [--seconds 10]

Each run gets a fresh database. Prints each run's signups/s, the share of the machine's CPU left
idle, and how wrk's connections were split between the two workers (counted from /proc halfway
through the run), then each way's median.
Never part of CI.
"""

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from sqlalchemy import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.live.proc_sockets import ESTABLISHED, by_worker  # noqa: E402
from tests.live_server import free_port, seed  # noqa: E402

from bench.bench_read_mix import serve  # noqa: E402
from bench.bench_remote_database import signup_bodies, warm_up, wrk_posts  # noqa: E402
from mascustomers.cli.serving import EVENT_LOOP, HTTP_PROTOCOL  # noqa: E402

WAYS = {
    "shared socket": [
        "uvicorn",
        "mascustomers.api.asgi:app",
        "--log-level",
        "warning",
        "--no-access-log",
        # otherwise served as `mascustomers serve` serves (cli.serving)
        "--loop",
        EVENT_LOOP,
        "--http",
        HTTP_PROTOCOL,
    ],
    "socket per worker": ["mascustomers.cli.main", "serve"],
}


def cpu_ticks() -> tuple[int, int]:
    """The machine's idle and total CPU ticks so far (/proc/stat)."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return fields[3] + fields[4], sum(fields)


def run(way: str, database_url: str, first: int, seconds: int) -> tuple[float, list[int], float]:
    expected = 400 * seconds
    key = seed(database_url, numbers=expected * 3, sims=expected * 3)
    bodies = signup_bodies("mobile", expected, first)
    port = free_port()
    env = {
        **os.environ,
        "MASCUSTOMERS_DATABASE_URL": database_url,
        "MASCUSTOMERS_LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, "-m", *WAYS[way], "--port", str(port), "--workers", "2"]
    server = serve(command, env, port)
    http = f"http://127.0.0.1:{port}"
    try:
        warm_up(http, key, "mobile", 85_000_000 + first)
        result: dict[str, float] = {}
        load = threading.Thread(
            target=lambda: result.update(
                wrk_posts(http, "/v2/orgs/telco/signups", bodies, key, seconds)
            )
        )
        idle_before, total_before = cpu_ticks()
        load.start()
        time.sleep(seconds / 2)
        split = sorted(len(held) for held in by_worker(server.pid, port, ESTABLISHED).values())
        load.join()
        idle_after, total_after = cpu_ticks()
    finally:
        server.terminate()
        server.wait()
    idle = (idle_after - idle_before) / (total_after - total_before)
    return result["rps"], split, idle


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True, help="a PostgreSQL server to use")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    base = make_url(args.database_url)
    os.environ["MASCUSTOMERS_TEST_DATABASE_URL"] = base.render_as_string(hide_password=False)
    from tests.databases import fresh_database_url

    runs: dict[str, list[float]] = {way: [] for way in WAYS}
    first = 0
    for round_number in range(args.rounds):
        for way in WAYS:
            url = fresh_database_url(f"sockets_{round_number}", Path(tempfile.mkdtemp()))
            rps, split, idle = run(way, url, first, args.seconds)
            first += 400 * args.seconds
            runs[way].append(rps)
            print(
                f"{way:18} {rps:6.1f} signups/s  CPU idle {idle:4.0%}  "
                f"connections per worker {split}",
                flush=True,
            )
    for way, values in runs.items():
        print(
            f"{way:18} median {statistics.median(values):6.1f}/s  "
            f"slowest {min(values):6.1f}/s  runs {[round(v) for v in values]}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
