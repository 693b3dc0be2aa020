"""The PostgreSQL side of `backend_bench.py`: throwaway databases, a million-slot dataset built from the
demo catalogue, a checkpoint before each measured phase, and pgbench on the same server as the yardstick."""

from __future__ import annotations

import math
import os
import random
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from glob import glob
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql
from psycopg.types.json import Json

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from booking_backend.demo.catalogue import BRANCHES, EXTRA_LANGUAGES, FIRST_NAMES, PRACTICES, ROLES, SURNAMES  # noqa: E402
from booking_backend.migrations import upgrade  # noqa: E402
from booking_backend.scheduling.generator import SessionPattern, slot_times  # noqa: E402
from booking_backend.scheduling.weekdays import parse_weekdays  # noqa: E402
from booking_backend.timezone import to_london  # noqa: E402

DEFAULT_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/test"
PGBENCH_SCALE = 10
SLOTS_PER_TOWN = 250_000  # one town is the demo catalogue: 90 practitioners; more slots, more towns

# Towns the demo catalogue (set in Leeds) is copied to: (name, postcode area, latitude, longitude).
TOWNS = [
    ("Leeds", "LS", 53.800, -1.549),
    ("Bradford", "BD", 53.795, -1.759),
    ("Wakefield", "WF", 53.683, -1.499),
    ("Huddersfield", "HD", 53.645, -1.785),
    ("York", "YO", 53.960, -1.082),
    ("Harrogate", "HG", 53.992, -1.541),
    ("Sheffield", "S", 53.381, -1.470),
    ("Manchester", "M", 53.481, -2.242),
]
SLOT_COLUMNS = (
    "session_id", "service_id", "practitioner_id", "location_id", "channel", "start", "end",
    "local_weekday", "local_minute", "active", "bookable_online",
)


# --------------------------------------------------------------------------- databases


def admin_conninfo() -> dict[str, Any]:
    url = os.environ.get("BENCH_POSTGRES_URL", DEFAULT_ADMIN_URL)
    return {k: v for k, v in psycopg.conninfo.conninfo_to_dict(url).items() if v is not None}


def database_url(name: str) -> str:
    info = admin_conninfo()
    user = info.get("user", "postgres")
    password = f":{info['password']}" if info.get("password") else ""
    return f"postgresql://{user}{password}@{info.get('host', '127.0.0.1')}:{info.get('port', 5432)}/{name}"


def create_database(name: str) -> None:
    with psycopg.connect(**admin_conninfo(), autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_database(name: str) -> None:
    with psycopg.connect(**admin_conninfo(), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class SessionRow:
    id: int
    service_id: int
    practitioner_id: int
    location_id: int
    channel: str
    pattern: SessionPattern


@dataclass
class Dataset:
    towns: list[tuple[str, str, float, float]]
    practitioners: int = 0
    sessions: list[SessionRow] = field(default_factory=list)
    slots: int = 0
    days: int = 0
    first_day: date | None = None
    seconds: float = 0.0


def _insert_returning_id(cur: psycopg.Cursor[Any], table: str, row: dict[str, Any]) -> int:
    query = sql.SQL("INSERT INTO {} ({}) VALUES ({}) RETURNING id").format(
        sql.Identifier(table),
        sql.SQL(", ").join(map(sql.Identifier, row)),
        sql.SQL(", ").join(sql.Placeholder() * len(row)),
    )
    found = cur.execute(query, list(row.values())).fetchone()
    assert found is not None
    return int(found[0])


def seed_directory(conn: psycopg.Connection[Any], *, towns: int, today: date) -> Dataset:
    """The demo catalogue (practices, practitioners, weekly sessions) once per town, shifted in space."""
    rng = random.Random(20261121)
    data = Dataset(towns=TOWNS[:towns])
    names = [(f, s) for f in FIRST_NAMES for s in SURNAMES]
    rng.shuffle(names)
    leeds_lat, leeds_lon = TOWNS[0][2], TOWNS[0][3]
    with conn.cursor() as cur:
        services = dict(cur.execute("SELECT code, id FROM services").fetchall())
        for copy, (town, area, lat, lon) in enumerate(data.towns):
            def place(postcode: str, plat: float, plon: float, area: str = area, lat: float = lat,
                      lon: float = lon) -> dict[str, Any]:
                return {"postcode": area + postcode[2:], "latitude": plat - leeds_lat + lat,
                        "longitude": plon - leeds_lon + lon}

            locations: dict[str, list[int]] = {}
            for code, name, address, postcode, plat, plon in PRACTICES:
                ods = code if copy == 0 else f"{code}-{copy}"
                here = place(postcode, plat, plon)
                org_id = _insert_returning_id(cur, "organisations", {
                    "ods_code": ods, "name": f"{name} ({town})", "address": address.replace("Leeds", town), **here})
                locations[code] = [_insert_returning_id(cur, "locations", {
                    "organisation_id": org_id, "name": f"{name} ({town})",
                    "address": address.replace("Leeds", town), **here})]
                locations[code].append(org_id)  # the organisation rides along at the end
            for code, name, address, postcode, plat, plon in BRANCHES:
                org_id = locations[code][-1]
                locations[code].insert(-1, _insert_returning_id(cur, "locations", {
                    "organisation_id": org_id, "name": f"{name} ({town})",
                    "address": address.replace("Leeds", town), **place(postcode, plat, plon)}))
            for template in ROLES:
                for i in range(template.count):
                    *sites, org_id = locations[template.practices[i % len(template.practices)]]
                    first, last = names[data.practitioners % len(names)]
                    languages = ["en"] + ([rng.choice(EXTRA_LANGUAGES)] if rng.random() < 0.4 else [])
                    practitioner_id = _insert_returning_id(cur, "practitioners", {
                        "organisation_id": org_id, "role": template.role.value,
                        "display_name": f"{template.title}{first} {last}",
                        "bio": template.bio.format(interest="long-term conditions"), "photo_url": None,
                        "languages": Json(languages)})
                    data.practitioners += 1
                    for j, pattern in enumerate(template.sessions):
                        location_id = sites[(i + j) % len(sites)]
                        valid_from = today - timedelta(days=7)
                        session_id = _insert_returning_id(cur, "sessions", {
                            "practitioner_id": practitioner_id, "service_id": services[pattern.service.value],
                            "location_id": location_id, "weekdays": pattern.weekdays,
                            "start_time": pattern.start, "end_time": pattern.end,
                            "slot_minutes": pattern.slot_minutes, "channel": pattern.channel.value,
                            "bookable_online": True, "valid_from": valid_from, "valid_to": None})
                        data.sessions.append(SessionRow(
                            session_id, services[pattern.service.value], practitioner_id, location_id,
                            pattern.channel.value,
                            SessionPattern(frozenset(parse_weekdays([pattern.weekdays])), pattern.start,
                                           pattern.end, pattern.slot_minutes, valid_from, None)))
    conn.commit()
    return data


def _slot_rows(data: Dataset, *, now: datetime, target: int) -> Iterator[tuple[Any, ...]]:
    """Day by day, every session's slots (the real generator), until `target` slots and the day is done."""
    day = to_london(now).date()
    data.first_day = day
    while data.slots < target:
        for s in data.sessions:
            for t in slot_times(s.pattern, first_day=day, last_day=day):
                if t.start > now:
                    data.slots += 1
                    yield (s.id, s.service_id, s.practitioner_id, s.location_id, s.channel,
                           t.start, t.end, t.local_weekday, t.local_minute, True, True)
        day += timedelta(days=1)
        data.days += 1


def load_slots(conn: psycopg.Connection[Any], data: Dataset, *, target: int) -> None:
    copy_sql = sql.SQL("COPY slots ({}) FROM STDIN").format(sql.SQL(", ").join(map(sql.Identifier, SLOT_COLUMNS)))
    now = datetime.now(UTC)
    with conn.cursor() as cur, cur.copy(copy_sql) as copy:
        for row in _slot_rows(data, now=now, target=target):
            copy.write_row(row)
    conn.commit()


def build_dataset(url: str, *, target_slots: int) -> Dataset:
    started = time.perf_counter()
    upgrade(url)
    towns = max(1, min(len(TOWNS), math.ceil(target_slots / SLOTS_PER_TOWN)))
    with psycopg.connect(url) as conn:
        data = seed_directory(conn, towns=towns, today=to_london(datetime.now(UTC)).date())
        load_slots(conn, data, target=target_slots)
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE")
    data.seconds = time.perf_counter() - started
    return data


def checkpoint(url: str) -> bool:
    """Flush the dirty pages that loading left, so that no checkpoint lands inside a measured phase: its
    writes and fsyncs would slow the commits that phase is timing. Needs superuser or pg_checkpoint."""
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("CHECKPOINT")
    except psycopg.errors.InsufficientPrivilege:
        return False
    return True


# --------------------------------------------------------------------------- pgbench


def find_pgbench() -> str:
    found = shutil.which("pgbench") or next(iter(sorted(glob("/usr/lib/postgresql/*/bin/pgbench"), reverse=True)), None)
    if found is None:
        raise SystemExit("pgbench not found on PATH or under /usr/lib/postgresql/*/bin")
    return found


@dataclass
class PgbenchResult:
    settings: str
    tps: float
    latency_ms: float


def run_pgbench(name: str, *, clients: int, duration: int) -> PgbenchResult:
    info = admin_conninfo()
    env = {**os.environ, "PGHOST": str(info.get("host", "127.0.0.1")), "PGPORT": str(info.get("port", 5432)),
           "PGUSER": str(info.get("user", "postgres"))}
    if info.get("password"):
        env["PGPASSWORD"] = str(info["password"])
    binary = find_pgbench()
    subprocess.run([binary, "-i", "-q", "-s", str(PGBENCH_SCALE), name], env=env, check=True,
                   capture_output=True, text=True)
    args = ["-c", str(clients), "-j", "2", "-T", str(duration)]
    done = subprocess.run([binary, *args, name], env=env, check=True, capture_output=True, text=True)
    tps = re.search(r"^tps = ([\d.]+)", done.stdout, re.MULTILINE)
    latency = re.search(r"^latency average = ([\d.]+) ms", done.stdout, re.MULTILINE)
    if tps is None:
        raise RuntimeError(f"Could not read pgbench's tps from:\n{done.stdout}\n{done.stderr}")
    settings = f"TPC-B-like, -i -s {PGBENCH_SCALE}, {' '.join(args)}"
    return PgbenchResult(settings, float(tps[1]), float(latency[1]) if latency else float("nan"))
