"""What the backend benchmark measured, the integrity checks by SQL afterwards, and the printed report
(beside backend_bench.py)."""

from __future__ import annotations

import platform
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import psycopg
from bench_figures import host_lines, percentile, verdict  # beside this script on sys.path
from bench_postgres import Dataset, PgbenchResult  # beside this script on sys.path
from psycopg import sql

CLIENTS = 20
SEARCH_P95_TARGET_MS = 25.0
PAIRS_TARGET = 300.0
WIDTH = 100


@dataclass
class SearchStats:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    empty: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    server_cpu_seconds: float = 0.0
    postgres_cpu_seconds: float = 0.0


@dataclass
class BookingStats:
    search_share: float = 0.0
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
    postgres_cpu_seconds: float = 0.0

    @property
    def pairs_per_second(self) -> float:
        return self.pairs / self.seconds if self.seconds else 0.0


@dataclass(frozen=True)
class Check:
    name: str
    found: int
    expected: int

    @property
    def ok(self) -> bool:
        return self.found == self.expected


def integrity_checks(url: str, phases: list[BookingStats]) -> list[Check]:
    booking_ids = [b for stats in phases for _, b, _ in stats.booked]
    holds_created = sum(stats.holds_created for stats in phases)
    mismatches = sum(stats.mismatches for stats in phases)
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
                "SELECT count(*) FROM appointments"), holds_created),
            Check("booking_confirmed audit events (expected: the 201s seen)", one(
                "SELECT count(*) FROM audit_events WHERE action = 'booking_confirmed'"), len(booking_ids)),
            Check("bookings answered with another hold's id, slot or status", mismatches, 0),
        ]


def machine_facts(url: str, *, load_at_start: tuple[float, float, float]) -> list[str]:
    with psycopg.connect(url) as conn:
        settings = {name: conn.execute(sql.SQL("SHOW {}").format(sql.Identifier(name))).fetchone()[0]  # type: ignore[index]
                    for name in ("server_version", "shared_buffers", "max_connections", "synchronous_commit", "fsync")}
    return [
        *host_lines(load_at_start, width=12),
        f"PostgreSQL  {settings['server_version']} on the same machine (shared_buffers {settings['shared_buffers']}, "
        f"max_connections {settings['max_connections']}, synchronous_commit {settings['synchronous_commit']}, "
        f"fsync {settings['fsync']})",
        f"Python      {platform.python_version()}, aiohttp {aiohttp.__version__}, psycopg {psycopg.__version__}",
    ]


def _cpu_line(stats: SearchStats | BookingStats, requests: int, what: str) -> str:
    return (f"  CPU per {what}: server {1000 * stats.server_cpu_seconds / requests:.2f} ms, "
            f"PostgreSQL {1000 * stats.postgres_cpu_seconds / requests:.2f} ms")


def _search_section(search: SearchStats, search_clients: int) -> bool:
    overall: list[float] = []
    print(f"Slot search GET /v1/slots: {search_clients} concurrent clients, {search.seconds:.1f} s, "
          f"latency seen by the client")
    print(f"  {'kind':<24}{'requests':>10}{'empty':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    for kind, values in search.latencies.items():
        overall += values
        print(f"  {kind:<24}{len(values):>10,}{search.empty[kind]:>8,}{percentile(values, 50):>9.1f}"
              f"{percentile(values, 95):>9.1f}{percentile(values, 99):>9.1f}{max(values, default=float('nan')):>9.1f}")
    ok = bool(overall) and percentile(overall, 95) < SEARCH_P95_TARGET_MS and not search.errors
    print(f"  {'overall':<24}{len(overall):>10,}{sum(search.empty.values()):>8,}{percentile(overall, 50):>9.1f}"
          f"{percentile(overall, 95):>9.1f}{percentile(overall, 99):>9.1f}{max(overall, default=float('nan')):>9.1f}"
          f"   {len(overall) / search.seconds:,.0f} searches/s")
    if overall:
        print(_cpu_line(search, len(overall), "search"))
    print(f"  target p95 < {SEARCH_P95_TARGET_MS:.0f} ms: {verdict(ok)}"
          + (f"   errors: {dict(search.errors)}" if search.errors else ""))
    return ok


def _booking_section(booking: BookingStats, *, title: str, target: bool) -> bool:
    pairs_per_s = booking.pairs_per_second
    ok = pairs_per_s >= PAIRS_TARGET and not booking.errors
    print(f"{title}: {CLIENTS} concurrent clients, {booking.seconds:.1f} s, distinct patient per attempt, "
          f"{booking.search_share:.0%} of attempts search first")
    goal = f"   target >= {PAIRS_TARGET:.0f}/s: {verdict(ok)}" if target else "   (no target: shows what searches cost)"
    print(f"  hold+book pairs booked        {booking.pairs:>9,}   {pairs_per_s:>8,.1f} /s{goal}")
    print(f"  hold conflicts (409)          {booking.hold_conflicts:>9,}")
    print(f"  bookings refused after a hold {sum(booking.booking_failures.values()):>9,}   "
          f"{dict(booking.booking_failures) or ''}")
    print(f"  other errors                  {sum(booking.errors.values()):>9,}   {dict(booking.errors) or ''}")
    print(f"  HTTP requests (incl. {booking.searches:,} searches) {booking.requests:>9,}   "
          f"{booking.requests / booking.seconds:>8,.1f} /s")
    if booking.pairs:
        print(_cpu_line(booking, booking.pairs, "pair booked (its searches included)"))
    rows = [("POST /v1/holds", booking.hold_ms), ("POST /v1/bookings", booking.book_ms)]
    if booking.search_ms:
        rows.append(("GET /v1/slots (under load)", booking.search_ms))
    for label, values in rows:
        print(f"  {label:<28}  p50 {percentile(values, 50):6.1f} ms   p95 {percentile(values, 95):6.1f} ms")
    return ok


def report(*, facts: list[str], data: Dataset, workers: int, pgbench: PgbenchResult, search: SearchStats,
           search_clients: int, booking: BookingStats, mixed: BookingStats | None, checks: list[Check],
           total_seconds: float) -> bool:
    print("=" * WIDTH)
    print("Booking backend benchmark (PostgreSQL)")
    print("=" * WIDTH)
    for line in facts:
        print(line)
    print(f"Data        {data.slots:,} slots over {data.days} days from {data.first_day}, "
          f"{data.practitioners} practitioners, {len(data.sessions)} sessions, {len(data.towns)} towns; "
          f"migrate + seed + COPY + VACUUM ANALYZE {data.seconds:.1f} s")
    print(f"Server      uvicorn --workers {workers} (uvloop, httptools; one worker per core), "
          f"sync FastAPI + SQLAlchemy pool per worker; client aiohttp in this process, loopback")
    print()
    search_ok = _search_section(search, search_clients)
    print()
    pairs_ok = _booking_section(booking, title="Hold + book", target=True)
    if mixed is not None:
        print()
        _booking_section(mixed, title="Hold + book with searches", target=False)
    print()
    print("Integrity, by SQL afterwards (both hold+book phases)")
    for check in checks:
        print(f"  {check.name:<72}{check.found:>9,}  {verdict(check.ok)}")
    checks_ok = all(c.ok for c in checks)
    print()
    print(f"Yardstick   pgbench ({pgbench.settings}, own database, same server, backend stopped):")
    print(f"  tps {pgbench.tps:,.0f}, latency average {pgbench.latency_ms:.1f} ms")
    print(f"  hold+book pairs/s / pgbench tps = {booking.pairs_per_second / pgbench.tps:.3f}   "
          f"HTTP requests/s / pgbench tps = {booking.requests / booking.seconds / pgbench.tps:.3f}")
    print()
    ok = search_ok and pairs_ok and checks_ok
    print(f"Result      search p95 {verdict(search_ok)}, hold+book {verdict(pairs_ok)}, "
          f"integrity {verdict(checks_ok)}; whole bench {total_seconds:.0f} s")
    print("=" * WIDTH)
    return ok
