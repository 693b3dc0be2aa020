"""Booking backend benchmark on PostgreSQL, with pgbench on the same server as the yardstick.

Run it with `make bench-backend`, or directly:

    .venv-backend/bin/python benchmarks/backend_bench.py [--slots 1000000] [--duration 20] [--keep-db]

It creates two throwaway databases on the server named by BENCH_POSTGRES_URL (default
postgresql://postgres@127.0.0.1:5432/test, which is only used to create and drop them), migrates one,
fills it with the demo catalogue scaled up to at least --slots slots, runs pgbench in the other, then
starts the real backend (uvicorn) and loads it over loopback with aiohttp:

1. slot search latency, a mix of four query kinds (GET /v1/slots);
2. hold + book pairs per second with 20 concurrent clients (POST /v1/holds, POST /v1/bookings), each
   client picking slots another search found (the issue's figure and its target);
3. the same with a share of the attempts searching first (--search-share), to show what searches cost
   under write load (no target; --search-share 0 skips it);
4. integrity checks by SQL afterwards: no slot with two live appointments, every booking consumed its hold.

The server is stopped and both databases are dropped at the end, also on Ctrl-C or failure.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Coroutine
from datetime import datetime, timedelta
from pathlib import Path
from types import FrameType
from typing import Any, TypeVar

import aiohttp
import psycopg
from bench_postgres import (  # beside this script on sys.path
    Dataset,
    build_dataset,
    checkpoint,
    create_database,
    database_url,
    drop_database,
    run_pgbench,
)
from bench_report import (  # beside this script on sys.path
    CLIENTS,
    BookingStats,
    SearchStats,
    integrity_checks,
    machine_facts,
    report,
)
from process_cpu import group_cpu_seconds, postgres_cpu_seconds  # beside this script on sys.path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from booking_backend.scheduling.weekdays import WEEKDAY_CODES  # noqa: E402
from booking_backend.timezone import LONDON  # noqa: E402

# How often patients ask for each service (weights), and for each kind of search.
SERVICE_WEIGHTS = {
    "gp_routine": 30, "gp_urgent_same_day": 15, "practice_nurse": 15, "pharmacist": 15,
    "physiotherapist": 10, "mental_health": 10, "dental": 5,
}
SEARCH_KINDS = {"service": 40, "weekday+part_of_day": 20, "near": 20, "date window": 20}
# The patient API's shared secret for this run's server (BACKEND_API_TOKEN); every load client sends it, so the
# figures include the token check a deployment pays.
API_TOKEN = secrets.token_urlsafe(32)
API_HEADERS = {"Authorization": f"Bearer {API_TOKEN}"}


# --------------------------------------------------------------------------- server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """The real backend under uvicorn, in its own process group so that it can be stopped as a whole."""

    def __init__(self, url: str, *, workers: int, log: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.workers = workers
        self.log = log
        self._url = url
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        env = {**os.environ, "DATABASE_URL": self._url, "ENVIRONMENT": "development", "PYTHONPATH": str(REPO),
               "BACKEND_API_TOKEN": API_TOKEN}
        command = [
            sys.executable, "-m", "uvicorn", "--factory", "booking_backend.main:app_factory",
            "--host", "127.0.0.1", "--port", str(self.port), "--workers", str(self.workers),
            "--loop", "uvloop", "--http", "httptools", "--no-access-log", "--log-level", "warning",
        ]
        with self.log.open("wb") as out:
            self._process = subprocess.Popen(command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT,
                                             start_new_session=True)

    async def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        async with aiohttp.ClientSession() as http:
            while time.monotonic() < deadline:
                if self._process is not None and self._process.poll() is not None:
                    break
                try:
                    async with http.get(f"{self.base}/health") as response:
                        if response.status == 200:
                            return
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.2)
        raise RuntimeError(f"The backend did not start; its log:\n{self.log.read_text()[-3000:]}")

    def cpu_seconds(self) -> float:
        """CPU time used so far by the server's processes (Linux /proc), to show the cost per request."""
        if self._process is None:
            return 0.0
        return group_cpu_seconds(self._process.pid)

    def stop(self) -> None:
        if self._process is None or self._process.poll() is not None:
            return
        os.killpg(self._process.pid, signal.SIGTERM)
        try:
            self._process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self._process.pid, signal.SIGKILL)
            self._process.wait(timeout=5)


# --------------------------------------------------------------------------- load


def pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def search_params(rng: random.Random, kind: str, data: Dataset) -> dict[str, str]:
    params = {"service": pick(rng, SERVICE_WEIGHTS)}
    if kind == "weekday+part_of_day":
        days = rng.sample(WEEKDAY_CODES[:6], rng.choice((1, 1, 2)))
        params["weekday"] = ",".join(days)
        params["part_of_day"] = rng.choice(("morning", "afternoon", "evening"))
    elif kind == "near":
        _, _, lat, lon = rng.choice(data.towns)
        params["near"] = f"{lat + rng.uniform(-0.03, 0.03):.4f},{lon + rng.uniform(-0.03, 0.03):.4f}"
        params["radius_km"] = str(rng.choice((5, 10, 25)))
    elif kind == "date window":
        assert data.first_day is not None
        first = data.first_day + timedelta(days=rng.randrange(1, max(2, data.days - 14)))
        midnight = datetime.combine(first, datetime.min.time())
        params["start"] = midnight.replace(hour=rng.choice((0, 9, 13))).isoformat()
        params["end"] = (midnight + timedelta(days=rng.choice((1, 2, 7)))).isoformat()
    return params


async def search_phase(base: str, data: Dataset, *, clients: int, duration: float, max_requests: int) -> SearchStats:
    stats = SearchStats(latencies={k: [] for k in SEARCH_KINDS})
    deadline = time.monotonic() + duration
    sent = 0

    async def client(number: int, http: aiohttp.ClientSession) -> None:
        nonlocal sent
        rng = random.Random(1000 + number)
        while time.monotonic() < deadline and sent < max_requests:
            sent += 1
            kind = pick(rng, SEARCH_KINDS)
            params = search_params(rng, kind, data)
            began = time.perf_counter()
            async with http.get(f"{base}/v1/slots", params=params) as response:
                body = await response.json()
            elapsed = (time.perf_counter() - began) * 1000
            if response.status != 200:
                stats.errors[f"{kind}: HTTP {response.status}"] += 1
                continue
            stats.latencies[kind].append(elapsed)
            if not body:
                stats.empty[kind] += 1

    began = time.perf_counter()
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=clients), headers=API_HEADERS) as http:
        await asyncio.gather(*(client(n, http) for n in range(clients)))
    stats.seconds = time.perf_counter() - began
    return stats


def free_slot_pool(url: str, size: int) -> list[int]:
    """Random future slots for clients that pick a slot instead of searching."""
    with psycopg.connect(url) as conn:
        ids = [r[0] for r in conn.execute(
            "SELECT id FROM slots TABLESAMPLE SYSTEM (10) REPEATABLE (7) "
            "WHERE active AND bookable_online AND start > now() + interval '1 day' "
            "AND NOT EXISTS (SELECT FROM appointments a WHERE a.slot_id = slots.id) LIMIT %s", (size,))]
    random.Random(7).shuffle(ids)
    return ids


async def booking_phase(base: str, pool: list[int], *, clients: int, duration: float, max_pairs: int,
                        search_share: float) -> BookingStats:
    """Each client: search (soonest, or from a random day) and pick one, or pick a slot; hold it; book it."""
    stats = BookingStats(search_share=search_share)
    deadline = time.monotonic() + duration
    attempts = 0

    async def timed_post(http: aiohttp.ClientSession, path: str, body: dict[str, Any],
                         into: list[float]) -> tuple[int, Any]:
        began = time.perf_counter()
        async with http.post(f"{base}{path}", json=body, headers={"Idempotency-Key": uuid.uuid4().hex}) as response:
            content = await response.json()
        into.append((time.perf_counter() - began) * 1000)
        stats.requests += 1
        return response.status, content

    async def choose_slot(rng: random.Random, http: aiohttp.ClientSession) -> int | None:
        if rng.random() >= search_share and pool:
            return pool.pop()
        params = {"service": pick(rng, SERVICE_WEIGHTS), "limit": "10"}
        if rng.random() < 0.5:
            params["start"] = (datetime.now(LONDON) + timedelta(days=rng.randrange(1, 60))).strftime("%Y-%m-%dT09:00")
        began = time.perf_counter()
        async with http.get(f"{base}/v1/slots", params=params) as response:
            found = await response.json()
        stats.search_ms.append((time.perf_counter() - began) * 1000)
        stats.requests += 1
        stats.searches += 1
        if response.status != 200:
            stats.errors[f"search HTTP {response.status}"] += 1
            return None
        if not found:
            return None
        stats.picked_from_search += 1
        return int(rng.choice(found)["id"])

    async def client(number: int, http: aiohttp.ClientSession) -> None:
        nonlocal attempts
        rng = random.Random(2000 + number)
        while time.monotonic() < deadline and attempts < max_pairs:
            attempts += 1
            # The backend takes only pseudonyms shaped like the action server's (`p_` + 64 hex digits).
            label = f"bench_c{number:02d}_{attempts:07d}_{uuid.uuid4().hex[:8]}"
            patient_ref = "p_" + hashlib.sha256(label.encode()).hexdigest()
            slot_id = await choose_slot(rng, http)
            if slot_id is None:
                continue
            status, hold = await timed_post(http, "/v1/holds", {"slot_id": slot_id, "patient_ref": patient_ref},
                                            stats.hold_ms)
            if status == 409:
                stats.hold_conflicts += 1
                continue
            if status != 201:
                stats.errors[f"hold HTTP {status}"] += 1
                continue
            stats.holds_created += 1
            status, booking = await timed_post(http, "/v1/bookings",
                                               {"hold_id": hold["id"], "patient_ref": patient_ref}, stats.book_ms)
            if status != 201:
                stats.booking_failures[status] += 1
                continue
            stats.pairs += 1
            stats.booked.append((hold["id"], booking["id"], booking["slot"]["id"]))
            if booking["id"] != hold["id"] or booking["slot"]["id"] != slot_id or booking["status"] != "booked":
                stats.mismatches += 1

    began = time.perf_counter()
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=clients), headers=API_HEADERS) as http:
        await asyncio.gather(*(client(n, http) for n in range(clients)))
    stats.seconds = time.perf_counter() - began
    return stats


async def warm_up(base: str, data: Dataset, *, seconds: float) -> None:
    """Fill the caches and open the pools' connections before measuring."""
    await search_phase(base, data, clients=CLIENTS, duration=seconds, max_requests=2000)


# --------------------------------------------------------------------------- main


Measured = TypeVar("Measured", SearchStats, BookingStats)


def measured(server: Server, phase: Coroutine[Any, Any, Measured]) -> Measured:
    """Run a load phase and note the CPU that the server's processes and PostgreSQL spent in it."""
    server_cpu, postgres_cpu = server.cpu_seconds(), postgres_cpu_seconds()
    stats = asyncio.run(phase)
    stats.server_cpu_seconds = server.cpu_seconds() - server_cpu
    stats.postgres_cpu_seconds = postgres_cpu_seconds() - postgres_cpu
    return stats


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--slots", type=int, default=1_000_000, help="slots to generate (default 1,000,000)")
    parser.add_argument("--duration", type=float, default=20.0,
                        help="seconds of each measured phase: pgbench, search, hold+book (default 20)")
    parser.add_argument("--keep-db", action="store_true", help="keep the two databases (their names are printed)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="uvicorn workers (default: one per CPU core)")
    parser.add_argument("--search-clients", type=int, default=4,
                        help="concurrent clients in the search-latency phase (default 4)")
    parser.add_argument("--search-share", type=float, default=0.25,
                        help="in the second hold+book phase, the share of attempts that search first instead of "
                        "picking a slot (default 0.25; 0 skips that phase)")
    parser.add_argument("--max-requests", type=int, default=200_000, help="upper bound on requests per phase")
    return parser.parse_args(argv)


def _raise_interrupt(_signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.slots < 1:
        raise SystemExit("--slots must be positive")
    # Clean up on Ctrl-C, also when started with SIGINT ignored (a background job), and on `kill`.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _raise_interrupt)
    started = time.perf_counter()
    load_at_start = os.getloadavg()
    suffix = f"{os.getpid()}_{uuid.uuid4().hex[:6]}"
    backend_db, pgbench_db = f"bench_backend_{suffix}", f"bench_pgbench_{suffix}"
    url = database_url(backend_db)
    created: list[str] = []
    server: Server | None = None
    log_dir = Path(tempfile.mkdtemp(prefix="backend_bench_"))
    try:
        for name in (backend_db, pgbench_db):
            create_database(name)
            created.append(name)
        print(f"Building {args.slots:,} slots in {backend_db} ...", flush=True)
        data = build_dataset(url, target_slots=args.slots)
        print(f"  {data.slots:,} slots in {data.seconds:.1f} s; pgbench for {args.duration:.0f} s ...", flush=True)
        checkpoint(url)
        pgbench = run_pgbench(pgbench_db, clients=CLIENTS, duration=round(args.duration))
        print(f"  pgbench tps {pgbench.tps:,.0f}; starting the backend ...", flush=True)
        checkpoint(url)
        server = Server(url, workers=args.workers, log=log_dir / "uvicorn.log")
        server.start()
        asyncio.run(server.wait_ready())
        asyncio.run(warm_up(server.base, data, seconds=3))
        print(f"  search phase for {args.duration:.0f} s ...", flush=True)
        search = measured(server, search_phase(server.base, data, clients=args.search_clients,
                                               duration=args.duration, max_requests=args.max_requests))
        pool = free_slot_pool(url, size=args.max_requests)
        phases: list[BookingStats] = []
        for share in (0.0, args.search_share) if args.search_share > 0 else (0.0,):
            if not checkpoint(url):
                print("  (no CHECKPOINT: needs superuser or pg_checkpoint; one may land inside the phase)", flush=True)
            print(f"  hold+book phase for {args.duration:.0f} s, {share:.0%} searching first ...", flush=True)
            phases.append(measured(server, booking_phase(server.base, pool, clients=CLIENTS, duration=args.duration,
                                                         max_pairs=args.max_requests, search_share=share)))
        server.stop()
        checks = integrity_checks(url, phases)
        facts = machine_facts(url, load_at_start=load_at_start)
        ok = report(facts=facts, data=data, workers=server.workers, pgbench=pgbench, search=search,
                    search_clients=args.search_clients, booking=phases[0],
                    mixed=phases[1] if len(phases) > 1 else None, checks=checks,
                    total_seconds=time.perf_counter() - started)
        return 0 if ok else 1
    except KeyboardInterrupt:
        print("\nInterrupted; cleaning up.", file=sys.stderr)
        return 130
    finally:
        if server is not None:
            server.stop()
        if args.keep_db:
            if created:
                print(f"Kept databases: {', '.join(created)}")
        else:
            for name in created:
                drop_database(name)
        shutil.rmtree(log_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
