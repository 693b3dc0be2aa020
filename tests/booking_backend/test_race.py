"""Concurrent holds and bookings through the real HTTP server (uvicorn) on PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, func, select

from booking_backend.appointments.models import Appointment, AppointmentStatus
from booking_backend.audit.models import AuditEvent
from booking_backend.database import build_engine
from booking_backend.idempotency.models import IdempotencyRecord
from booking_backend.migrations import upgrade
from booking_backend.timezone import to_london
from tests.booking_backend.conftest import (
    ADMIN_KEY,
    API_HEADERS,
    API_TOKEN,
    TemporaryPostgres,
    patient,
    postgres_or_skip,
)

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(180)]

CONCURRENCY = 50
SERVER_START_SECONDS = 30.0
REQUEST_TIMEOUT_SECONDS = 30.0
REPO_ROOT = Path(__file__).resolve().parents[2]


@dataclass
class LiveServer:
    base_url: str
    engine: Engine
    slot_ids: list[int]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_until_healthy(process: subprocess.Popen[bytes], base_url: str, log: Path) -> None:
    """Bounded polling of /health: the only waiting in this module."""
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"uvicorn exited with {process.returncode} before it was healthy:\n{log.read_text()}")
        try:
            if httpx.get(f"{base_url}/health", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    pytest.fail(f"uvicorn was not healthy after {SERVER_START_SECONDS:.0f} s:\n{log.read_text()}")


def _populate(base_url: str) -> list[int]:
    """One practice with a GP who works every day; returns the ids of some free slots."""
    today = to_london(datetime.now(UTC)).date()
    headers = {"X-API-Key": ADMIN_KEY, **API_HEADERS}  # the slot search is a patient API route
    with httpx.Client(base_url=base_url, headers=headers, timeout=REQUEST_TIMEOUT_SECONDS) as admin:
        place = {"name": "Race Surgery", "address": "2 Race Street, Leeds", "postcode": "LS1 4AP",
                 "latitude": 53.796, "longitude": -1.547}
        org = admin.post("/v1/admin/organisations", json={"ods_code": "ZZ9002", **place})
        assert org.status_code == 201, org.text
        location = admin.post("/v1/admin/locations", json={"organisation_id": org.json()["id"], **place})
        assert location.status_code == 201, location.text
        gp = admin.post("/v1/admin/practitioners", json={
            "organisation_id": org.json()["id"], "role": "gp", "display_name": "Dr Race Gp", "bio": "A racing GP.",
        })
        assert gp.status_code == 201, gp.text
        clinic = admin.post("/v1/admin/sessions", json={
            "practitioner_id": gp.json()["id"], "service": "gp_routine", "location_id": location.json()["id"],
            "weekdays": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], "start_time": "08:00",
            "end_time": "18:00", "slot_minutes": 10, "channel": "in_person",
            "valid_from": (today - timedelta(days=1)).isoformat(),
        })
        assert clinic.status_code == 201, clinic.text
        # Tomorrow onwards, so that no slot starts while the test runs.
        start = (today + timedelta(days=1)).isoformat()
        slots = admin.get("/v1/slots", params={"service": "gp_routine", "start": start, "limit": 10})
        assert slots.status_code == 200, slots.text
        ids = [slot["id"] for slot in slots.json()]
        assert len(ids) == 10
        return ids


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    postgres_or_skip()
    with TemporaryPostgres() as url:
        upgrade(url)
        port = _free_port()
        base_url = f"http://127.0.0.1:{port}"
        log = tmp_path_factory.mktemp("uvicorn") / "server.log"
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "ADMIN_API_KEY": ADMIN_KEY,
            "BACKEND_API_TOKEN": API_TOKEN,
            "ENVIRONMENT": "test",
            "DB_POOL_SIZE": "20",
            "HOLD_TTL_SECONDS": "300",
        }
        command = [sys.executable, "-m", "uvicorn", "--factory", "booking_backend.main:app_factory",
                   "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning", "--no-access-log"]
        with log.open("wb") as output:
            process = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
        engine = build_engine(url, pool_size=2)
        try:
            _wait_until_healthy(process, base_url, log)
            yield LiveServer(base_url=base_url, engine=engine, slot_ids=_populate(base_url))
        finally:
            engine.dispose()
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        # The server log holds any traceback behind a 5xx; an empty log means no unhandled error.
        assert "Traceback" not in log.read_text(), log.read_text()


async def _concurrently(base_url: str, requests: list[dict[str, Any]]) -> list[httpx.Response]:
    """Sends every request at once, each on its own already open connection."""
    limits = httpx.Limits(max_connections=len(requests), max_keepalive_connections=len(requests))
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=REQUEST_TIMEOUT_SECONDS,
                                 headers=API_HEADERS) as client:
        # Open the connections first, so that the requests themselves race rather than the TCP handshakes.
        await asyncio.gather(*(client.get("/health") for _ in requests))
        sends = asyncio.gather(*(client.post(**request) for request in requests))
        return await asyncio.wait_for(sends, timeout=REQUEST_TIMEOUT_SECONDS * 2)


def race(base_url: str, requests: list[dict[str, Any]]) -> list[httpx.Response]:
    return asyncio.run(_concurrently(base_url, requests))


def statuses(responses: list[httpx.Response]) -> Counter[int]:
    return Counter(response.status_code for response in responses)


def appointments_of_slot(engine: Engine, slot_id: int) -> list[tuple[int, AppointmentStatus]]:
    with engine.connect() as connection:
        rows = connection.execute(select(Appointment.id, Appointment.status).where(Appointment.slot_id == slot_id))
        return [(row.id, AppointmentStatus(row.status)) for row in rows]


def test_concurrent_holds_on_one_slot_give_one_hold(live_server: LiveServer) -> None:
    slot_id = live_server.slot_ids[0]
    requests = [{"url": "/v1/holds", "json": {"slot_id": slot_id, "patient_ref": patient(100 + n)}}
                for n in range(CONCURRENCY)]

    responses = race(live_server.base_url, requests)

    assert statuses(responses) == {201: 1, 409: CONCURRENCY - 1}, [r.text for r in responses if r.status_code >= 500]
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"slot_unavailable"}
    winner = next(r.json() for r in responses if r.status_code == 201)
    assert appointments_of_slot(live_server.engine, slot_id) == [(winner["id"], AppointmentStatus.HELD)]


def test_concurrent_confirms_of_one_hold_give_one_booking(live_server: LiveServer) -> None:
    slot_id = live_server.slot_ids[1]
    who = patient(200)
    created = httpx.post(f"{live_server.base_url}/v1/holds", json={"slot_id": slot_id, "patient_ref": who},
                         headers=API_HEADERS, timeout=REQUEST_TIMEOUT_SECONDS)
    assert created.status_code == 201, created.text
    hold_id = created.json()["id"]
    requests = [{"url": "/v1/bookings", "json": {"hold_id": hold_id, "patient_ref": who}} for _ in range(CONCURRENCY)]

    responses = race(live_server.base_url, requests)

    assert statuses(responses) == {201: 1, 409: CONCURRENCY - 1}, [r.text for r in responses if r.status_code >= 500]
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"hold_not_active"}
    assert appointments_of_slot(live_server.engine, slot_id) == [(hold_id, AppointmentStatus.BOOKED)]
    with live_server.engine.connect() as connection:
        confirmed = connection.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "booking_confirmed", AuditEvent.entity_id == hold_id))
    assert confirmed == 1
    upcoming = httpx.get(f"{live_server.base_url}/v1/bookings", params={"patient_ref": who},
                         headers=API_HEADERS, timeout=REQUEST_TIMEOUT_SECONDS).json()
    assert [booking["id"] for booking in upcoming] == [hold_id]


def test_concurrent_replays_of_one_idempotency_key_give_one_hold(live_server: LiveServer) -> None:
    slot_id = live_server.slot_ids[2]
    key = "race-hold-0001"
    request = {"url": "/v1/holds", "json": {"slot_id": slot_id, "patient_ref": patient(300)},
               "headers": {"Idempotency-Key": key}}

    responses = race(live_server.base_url, [request] * CONCURRENCY)

    assert statuses(responses) == {201: CONCURRENCY}, [r.text for r in responses if r.status_code != 201]
    bodies = {r.content for r in responses}
    assert len(bodies) == 1, bodies
    hold = responses[0].json()
    assert hold["slot_id"] == slot_id
    assert appointments_of_slot(live_server.engine, slot_id) == [(hold["id"], AppointmentStatus.HELD)]
    with live_server.engine.connect() as connection:
        records = connection.scalar(select(func.count()).select_from(IdempotencyRecord).where(
            IdempotencyRecord.key == key))
    assert records == 1


def test_concurrent_replays_of_one_booking_key_give_one_booking(live_server: LiveServer) -> None:
    slot_id = live_server.slot_ids[3]
    who = patient(400)
    created = httpx.post(f"{live_server.base_url}/v1/holds", json={"slot_id": slot_id, "patient_ref": who},
                         headers=API_HEADERS, timeout=REQUEST_TIMEOUT_SECONDS)
    assert created.status_code == 201, created.text
    hold_id = created.json()["id"]
    request = {"url": "/v1/bookings", "json": {"hold_id": hold_id, "patient_ref": who},
               "headers": {"Idempotency-Key": "race-booking-0001"}}

    responses = race(live_server.base_url, [request] * CONCURRENCY)

    assert statuses(responses) == {201: CONCURRENCY}, [r.text for r in responses if r.status_code != 201]
    assert len({r.content for r in responses}) == 1
    assert appointments_of_slot(live_server.engine, slot_id) == [(hold_id, AppointmentStatus.BOOKED)]
