"""Fixtures: the same API tests on SQLite and on a real PostgreSQL, one rolled-back transaction per test."""

from __future__ import annotations

import hashlib
import hmac
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import settings as hypothesis_settings
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from booking_backend.database import build_engine
from booking_backend.main import create_app
from booking_backend.migrations import upgrade
from booking_backend.settings import Settings
from booking_backend.timezone import LONDON

# CI runs the property and fuzz tests on a fixed sequence of examples, so that a run's verdict is
# repeatable; elsewhere every run explores new examples.
hypothesis_settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
if os.environ.get("CI", "").lower() in ("1", "true"):
    hypothesis_settings.load_profile("ci")

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
ADMIN_KEY = "test-admin-key-0123456789abcdef"
# The patient API's shared secret (BACKEND_API_TOKEN), long enough for production, and the header that carries it.
API_TOKEN = "test-backend-api-token-0123456789abcdef"
API_HEADERS = {"Authorization": f"Bearer {API_TOKEN}"}
# Monday 23 March 2026, 08:00 GMT: the clocks go forward on Sunday 29 March.
START = datetime(2026, 3, 23, 8, 0, tzinfo=LONDON)


# What the backend reads from the environment that `run_cli` sets itself or leaves out.
BACKEND_SETTINGS = frozenset({"ENVIRONMENT", "ADMIN_API_KEY", "BACKEND_API_TOKEN", "DATABASE_URL", "TRACKER_STORE_URL"})


def run_cli(command: str, *, database: Path, **settings: str) -> subprocess.CompletedProcess[str]:
    """`python -m booking_backend <command>` with only `settings` (and DATABASE_URL) as backend settings."""
    env = {name: value for name, value in os.environ.items() if name.upper() not in BACKEND_SETTINGS}
    env.update(DATABASE_URL=f"sqlite:///{database}", **settings)
    return subprocess.run([sys.executable, "-m", "booking_backend", command], env=env, capture_output=True,
                          text=True, timeout=120, check=False)


def services_required() -> bool:
    """On CI the real PostgreSQL and Redis are part of the test bed: a missing one is a failure."""
    return os.environ.get("CI", "").lower() in ("1", "true") or os.environ.get("REQUIRE_SERVICES") == "1"


def postgres_or_skip() -> None:
    try:
        psycopg.connect(POSTGRES_URL, connect_timeout=3).close()
    except psycopg.OperationalError as error:
        if services_required():
            pytest.fail(f"PostgreSQL is required here but unreachable at {POSTGRES_URL}: {error}")
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_URL} (set TEST_POSTGRES_URL): {error}")


class TemporaryPostgres:
    """A throwaway database on the test server, dropped afterwards."""

    def __init__(self) -> None:
        self.name = f"booking_test_{uuid.uuid4().hex[:12]}"
        base = psycopg.conninfo.conninfo_to_dict(POSTGRES_URL)
        self.url = POSTGRES_URL.rsplit("/", 1)[0] + f"/{self.name}"
        self._admin = {k: v for k, v in base.items() if v is not None}

    def __enter__(self) -> str:
        with psycopg.connect(**self._admin, autocommit=True) as conn:  # type: ignore[arg-type]
            conn.execute(f'CREATE DATABASE "{self.name}"')
        return self.url

    def __exit__(self, *_: object) -> None:
        with psycopg.connect(**self._admin, autocommit=True) as conn:  # type: ignore[arg-type]
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'booking.db'}"
        upgrade(url)
        yield url
        return
    postgres_or_skip()
    with TemporaryPostgres() as url:
        upgrade(url)
        yield url


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = build_engine(database_url, pool_size=2)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session whose commits are savepoints inside one transaction that is rolled back."""
    with engine.connect() as connection:
        transaction = connection.begin()
        db = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False,
                     autoflush=False)
        try:
            yield db
        finally:
            db.close()
            transaction.rollback()


class MutableClock:
    def __init__(self, start: datetime) -> None:
        self.current = start.astimezone(UTC)

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


@pytest.fixture
def clock() -> MutableClock:
    return MutableClock(START)


def make_settings(database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "environment": "test",
        "database_url": database_url,
        "admin_api_key": ADMIN_KEY,
        "backend_api_token": API_TOKEN,
        "hold_ttl_seconds": 300,
        "min_notice_minutes": 120,
        "slot_horizon_days": 28,
    }
    values.update(overrides)
    return Settings(**values)


@pytest.fixture
def app(database_url: str, session: Session, clock: MutableClock) -> FastAPI:
    app = create_app(make_settings(database_url), clock=clock)
    # Every request's session is the test's, so that the test sees what requests wrote and all is rolled back.
    app.state.session_factory = lambda: session
    return app


def api_client(app: FastAPI, **options: Any) -> TestClient:
    """A client of `app` that sends the API token with every request, as the action server does."""
    return TestClient(app, headers=API_HEADERS, **options)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with api_client(app) as test_client:
        yield test_client


@pytest.fixture
def admin(client: TestClient) -> TestClient:
    client.headers["X-API-Key"] = ADMIN_KEY
    return client


@dataclass
class World:
    """One practice with a GP and a nurse, each with a weekly session, and their slots."""

    organisation_id: int
    location_id: int
    gp_id: int
    nurse_id: int
    gp_session_id: int


def build_world(admin: TestClient) -> World:
    org = admin.post("/v1/admin/organisations", json={
        "ods_code": "ZZ9001", "name": "Test Surgery", "address": "1 Test Street, Leeds", "postcode": "LS1 4AP",
        "latitude": 53.796, "longitude": -1.547,
    })
    assert org.status_code == 201, org.text
    org_id = org.json()["id"]
    loc = admin.post("/v1/admin/locations", json={
        "organisation_id": org_id, "name": "Test Surgery", "address": "1 Test Street, Leeds", "postcode": "LS1 4AP",
        "latitude": 53.796, "longitude": -1.547,
    }).json()
    gp = admin.post("/v1/admin/practitioners", json={
        "organisation_id": org_id, "role": "gp", "display_name": "Dr Test Gp", "bio": "A test GP.",
    }).json()
    nurse = admin.post("/v1/admin/practitioners", json={
        "organisation_id": org_id, "role": "nurse", "display_name": "Test Nurse", "bio": "A test nurse.",
    }).json()
    gp_session = admin.post("/v1/admin/sessions", json={
        "practitioner_id": gp["id"], "service": "gp_routine", "location_id": loc["id"],
        "weekdays": ["mon", "tue", "wed", "thu", "fri"], "start_time": "09:00", "end_time": "12:00",
        "slot_minutes": 15, "channel": "in_person", "valid_from": "2026-03-01",
    })
    assert gp_session.status_code == 201, gp_session.text
    nurse_session = admin.post("/v1/admin/sessions", json={
        "practitioner_id": nurse["id"], "service": "practice_nurse", "location_id": loc["id"],
        "weekdays": ["tue"], "start_time": "14:00", "end_time": "18:00", "slot_minutes": 20, "channel": "phone",
        "valid_from": "2026-03-01",
    })
    assert nurse_session.status_code == 201, nurse_session.text
    return World(org_id, loc["id"], gp["id"], nurse["id"], gp_session.json()["id"])


@pytest.fixture
def world(admin: TestClient) -> World:
    return build_world(admin)


def patient_ref_for(label: str) -> str:
    """A pseudonym made the way the action server makes one: `p_` + an HMAC-SHA256 hexdigest of `label`."""
    return "p_" + hmac.new(b"booking-backend-tests", label.encode(), hashlib.sha256).hexdigest()


def patient(n: int = 1) -> str:
    """The pseudonym of test patient number `n`."""
    return patient_ref_for(f"patient-{n}")


@pytest.fixture
def first_slot(client: TestClient, world: World) -> dict[str, Any]:
    slots = client.get("/v1/slots", params={"service": "gp_routine", "limit": 1}).json()
    return slots[0]


