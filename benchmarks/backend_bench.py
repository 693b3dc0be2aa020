"""Booking backend benchmark on PostgreSQL, with pgbench on the same server as the yardstick.

Run it with `make bench-backend`, or directly:

    .venv-backend/bin/python benchmarks/backend_bench.py [--slots 1000000] [--duration 20] [--keep-db]

It creates two throwaway databases on the server named by BENCH_POSTGRES_URL (default
postgresql://postgres@127.0.0.1:5432/test, which is only used to create and drop them), migrates one,
fills it with the demo catalogue scaled up to at least --slots slots, runs pgbench in the other, then
starts the real backend (uvicorn) and loads it over loopback with aiohttp:

1. slot search latency, a mix of four query kinds (GET /v1/slots);
2. hold + book pairs per second with 20 concurrent clients (POST /v1/holds, POST /v1/bookings);
3. integrity checks by SQL afterwards: no slot with two live appointments, every booking consumed its hold.

The server is stopped and both databases are dropped at the end, also on Ctrl-C or failure.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from types import FrameType
from typing import Any

import aiohttp
import psycopg
from bench_postgres import (  # beside this script on sys.path
    Dataset,
    PgbenchResult,
    build_dataset,
    checkpoint,
    create_database,
    database_url,
    drop_database,
    run_pgbench,
)
from process_cpu import group_cpu_seconds  # beside this script on sys.path
from psycopg import sql

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from booking_backend.scheduling.weekdays import WEEKDAY_CODES  # noqa: E402
from booking_backend.timezone import LONDON  # noqa: E402

CLIENTS = 20
SEARCH_P95_TARGET_MS = 25.0
PAIRS_TARGET = 300.0
# How often patients ask for each service (weights), and for each kind of search.
SERVICE_WEIGHTS = {
    "gp_routine": 30, "gp_urgent_same_day": 15, "practice_nurse": 15, "pharmacist": 15,
    "physiotherapist": 10, "mental_health": 10, "dental": 5,
}
SEARCH_KINDS = {"service": 40, "weekday+part_of_day": 20, "near": 20, "date window": 20}


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
        env = {**os.environ, "DATABASE_URL": self._url, "ENVIRONMENT": "development", "PYTHONPATH": str(REPO)}
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


@dataclass
class SearchStats:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    empty: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    server_cpu_seconds: float = 0.0


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
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=clients)) as http:
        await asyncio.gather(*(client(n, http) for n in range(clients)))
    stats.seconds = time.perf_counter() - began
    return stats


@dataclass
class BookingStats:
    pairs: int = 0
    hold_conflicts: int = 0
    booking_failures: Counter[int] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    requests: int = 0
    searches: int = 0
    picked_from_search: int = 0
    holds_created: int = 0
    hold_ms: list[float] = field(default_factory=list)
    book_ms: list[float] = field(default_factory=list)
    search_ms: list[float] = field(default_factory=list)
    booked: list[tuple[int, int, int]] = field(default_factory=list)  # (hold id, booking id, slot id)
    mismatches: int = 0
    seconds: float = 0.0
    server_cpu_seconds: float = 0.0


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
    stats = BookingStats()
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
            patient_ref = f"bench_c{number:02d}_{attempts:07d}_{uuid.uuid4().hex[:8]}"
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
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=clients)) as http:
        await asyncio.gather(*(client(n, http) for n in range(clients)))
    stats.seconds = time.perf_counter() - began
    return stats


async def warm_up(base: str, data: Dataset, *, seconds: float) -> None:
    """Fill the caches and open the pools' connections before measuring."""
    await search_phase(base, data, clients=CLIENTS, duration=seconds, max_requests=2000)


# --------------------------------------------------------------------------- checks


@dataclass(frozen=True)
class Check:
    name: str
    found: int
    expected: int

    @property
    def ok(self) -> bool:
        return self.found == self.expected


def integrity_checks(url: str, stats: BookingStats) -> list[Check]:
    booking_ids = [b for _, b, _ in stats.booked]
    with psycopg.connect(url) as conn:
        def one(query: str, *args: Any) -> int:
            row = conn.execute(query, args).fetchone()
            return int(row[0]) if row else 0

        return [
            Check("slots with more than one live (held/booked) appointment", one(
                "SELECT count(*) FROM (SELECT slot_id FROM appointments WHERE status IN ('held', 'booked') "
                "GROUP BY slot_id HAVING count(*) > 1) AS doubled"), 0),
            Check("slots with more than one booked appointment", one(
                "SELECT count(*) FROM (SELECT slot_id FROM appointments WHERE status = 'booked' "
                "GROUP BY slot_id HAVING count(*) > 1) AS doubled"), 0),
            Check("bookings whose hold was not consumed (not booked, or still expiring)", one(
                "SELECT count(*) FROM unnest(%s::int[]) AS b(id) LEFT JOIN appointments a ON a.id = b.id "
                "WHERE a.id IS NULL OR a.status <> 'booked' OR a.expires_at IS NOT NULL OR a.booked_at IS NULL",
                booking_ids), 0),
            Check("booked appointments in the database (expected: the 201s seen)", one(
                "SELECT count(*) FROM appointments WHERE status = 'booked'"), len(booking_ids)),
            Check("holds created in the database (expected: the 201s seen)", one(
                "SELECT count(*) FROM appointments"), stats.holds_created),
            Check("booking_confirmed audit events (expected: the 201s seen)", one(
                "SELECT count(*) FROM audit_events WHERE action = 'booking_confirmed'"), len(booking_ids)),
            Check("bookings answered with another hold's id, slot or status", stats.mismatches, 0),
        ]


# --------------------------------------------------------------------------- report


def machine_facts(url: str, *, load_at_start: tuple[float, float, float]) -> list[str]:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown CPU")
    mem_kb = next((int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), 0)
    with psycopg.connect(url) as conn:
        settings = {name: conn.execute(sql.SQL("SHOW {}").format(sql.Identifier(name))).fetchone()[0]  # type: ignore[index]
                    for name in ("server_version", "shared_buffers", "max_connections", "synchronous_commit", "fsync")}
    start, end = (" / ".join(f"{x:.1f}" for x in load) for load in (load_at_start, os.getloadavg()))
    return [
        f"Load        average {start} at the start, {end} at the end (1/5/15 min; other work shares the cores)",
        f"Machine     {os.cpu_count()} CPU cores ({cpu}), {mem_kb / 1024 / 1024:.1f} GiB RAM, {platform.platform()}",
        f"PostgreSQL  {settings['server_version']} on the same machine (shared_buffers {settings['shared_buffers']}, "
        f"max_connections {settings['max_connections']}, synchronous_commit {settings['synchronous_commit']}, "
        f"fsync {settings['fsync']})",
        f"Python      {platform.python_version()}, aiohttp {aiohttp.__version__}, psycopg {psycopg.__version__}",
    ]


def percentile(values: list[float], q: int) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def report(*, facts: list[str], data: Dataset, server: Server, pgbench: PgbenchResult, search: SearchStats,
           search_clients: int, booking: BookingStats, checks: list[Check], args: argparse.Namespace,
           total_seconds: float) -> bool:
    width = 100
    print("=" * width)
    print("Booking backend benchmark (PostgreSQL)")
    print("=" * width)
    for line in facts:
        print(line)
    print(f"Data        {data.slots:,} slots over {data.days} days from {data.first_day}, "
          f"{data.practitioners} practitioners, {len(data.sessions)} sessions, {len(data.towns)} towns; "
          f"migrate + seed + COPY + VACUUM ANALYZE {data.seconds:.1f} s")
    print(f"Server      uvicorn --workers {server.workers} (uvloop, httptools; one worker per core), "
          f"sync FastAPI + SQLAlchemy pool per worker; client aiohttp in this process, loopback")
    print()
    overall: list[float] = []
    print(f"Slot search GET /v1/slots: {search_clients} concurrent clients, {search.seconds:.1f} s, "
          f"latency seen by the client")
    print(f"  {'kind':<24}{'requests':>10}{'empty':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    for kind, values in search.latencies.items():
        overall += values
        print(f"  {kind:<24}{len(values):>10,}{search.empty[kind]:>8,}{percentile(values, 50):>9.1f}"
              f"{percentile(values, 95):>9.1f}{percentile(values, 99):>9.1f}{max(values, default=float('nan')):>9.1f}")
    search_ok = bool(overall) and percentile(overall, 95) < SEARCH_P95_TARGET_MS and not search.errors
    print(f"  {'overall':<24}{len(overall):>10,}{sum(search.empty.values()):>8,}{percentile(overall, 50):>9.1f}"
          f"{percentile(overall, 95):>9.1f}{percentile(overall, 99):>9.1f}{max(overall, default=float('nan')):>9.1f}"
          f"   {len(overall) / search.seconds:,.0f} searches/s")
    if overall:
        print(f"  server CPU {1000 * search.server_cpu_seconds / len(overall):.1f} ms per search")
    print(f"  target p95 < {SEARCH_P95_TARGET_MS:.0f} ms: {verdict(search_ok)}"
          + (f"   errors: {dict(search.errors)}" if search.errors else ""))
    print()
    pairs_per_s = booking.pairs / booking.seconds
    requests_per_s = booking.requests / booking.seconds
    pairs_ok = pairs_per_s >= PAIRS_TARGET and not booking.errors
    print(f"Hold + book: {CLIENTS} concurrent clients, {booking.seconds:.1f} s, distinct patient per attempt, "
          f"{args.search_share:.0%} of attempts search first")
    print(f"  hold+book pairs booked        {booking.pairs:>9,}   {pairs_per_s:>8,.1f} /s   "
          f"target >= {PAIRS_TARGET:.0f}/s: {verdict(pairs_ok)}")
    print(f"  hold conflicts (409)          {booking.hold_conflicts:>9,}")
    print(f"  bookings refused after a hold {sum(booking.booking_failures.values()):>9,}   "
          f"{dict(booking.booking_failures) or ''}")
    print(f"  other errors                  {sum(booking.errors.values()):>9,}   {dict(booking.errors) or ''}")
    print(f"  HTTP requests (incl. {booking.searches:,} searches) {booking.requests:>9,}   {requests_per_s:>8,.1f} /s")
    if booking.requests:
        print(f"  server CPU                    {1000 * booking.server_cpu_seconds / booking.requests:>9.1f} ms "
              "per request")
    for label, values in (("POST /v1/holds", booking.hold_ms), ("POST /v1/bookings", booking.book_ms),
                          ("GET /v1/slots (under load)", booking.search_ms)):
        print(f"  {label:<28}  p50 {percentile(values, 50):6.1f} ms   p95 {percentile(values, 95):6.1f} ms")
    print()
    print("Integrity, by SQL afterwards")
    for check in checks:
        print(f"  {check.name:<72}{check.found:>9,}  {verdict(check.ok)}")
    checks_ok = all(c.ok for c in checks)
    print()
    print(f"Yardstick   pgbench ({pgbench.settings}, own database, same server, backend stopped):")
    print(f"  tps {pgbench.tps:,.0f}, latency average {pgbench.latency_ms:.1f} ms")
    print(f"  hold+book pairs/s / pgbench tps = {pairs_per_s / pgbench.tps:.3f}   "
          f"HTTP requests/s / pgbench tps = {requests_per_s / pgbench.tps:.3f}")
    print()
    ok = search_ok and pairs_ok and checks_ok
    print(f"Result      search p95 {verdict(search_ok)}, hold+book {verdict(pairs_ok)}, "
          f"integrity {verdict(checks_ok)}; whole bench {total_seconds:.0f} s")
    print("=" * width)
    return ok


# --------------------------------------------------------------------------- main


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
                        help="share of hold+book attempts that search first instead of picking a slot (default 0.25)")
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
        cpu = server.cpu_seconds()
        search = asyncio.run(search_phase(server.base, data, clients=args.search_clients, duration=args.duration,
                                          max_requests=args.max_requests))
        search.server_cpu_seconds = server.cpu_seconds() - cpu
        pool = free_slot_pool(url, size=args.max_requests)
        if not checkpoint(url):
            print("  (no CHECKPOINT: needs superuser or pg_checkpoint; one may land inside the phase)", flush=True)
        print(f"  hold+book phase for {args.duration:.0f} s ...", flush=True)
        cpu = server.cpu_seconds()
        booking = asyncio.run(booking_phase(server.base, pool, clients=CLIENTS, duration=args.duration,
                                            max_pairs=args.max_requests, search_share=args.search_share))
        booking.server_cpu_seconds = server.cpu_seconds() - cpu
        server.stop()
        checks = integrity_checks(url, booking)
        facts = machine_facts(url, load_at_start=load_at_start)
        ok = report(facts=facts, data=data, server=server, pgbench=pgbench, search=search,
                    search_clients=args.search_clients, booking=booking, checks=checks, args=args,
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
