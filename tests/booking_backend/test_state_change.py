"""A state change opens its own session and always gives its connection back, committed or rolled back."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text

from booking_backend.audit import service as audit
from booking_backend.main import create_app
from booking_backend.migrations import upgrade
from tests.booking_backend.conftest import (
    ADMIN_KEY,
    START,
    MutableClock,
    World,
    api_client,
    build_world,
    make_settings,
    patient,
)


@pytest.fixture
def real_app(tmp_path: Path) -> Iterator[FastAPI]:
    """The app with its own sessions on a database of its own (no shared test transaction)."""
    url = f"sqlite:///{tmp_path / 'booking.db'}"
    upgrade(url)
    app = create_app(make_settings(url), clock=MutableClock(START))
    yield app
    app.state.engine.dispose()


@pytest.fixture
def real_client(real_app: FastAPI) -> Iterator[TestClient]:
    with api_client(real_app, raise_server_exceptions=False) as client:
        client.headers["X-API-Key"] = ADMIN_KEY
        yield client


@pytest.fixture
def real_world(real_client: TestClient) -> World:
    return build_world(real_client)


def checked_out(app: FastAPI) -> int:
    return int(app.state.engine.pool.checkedout())


def appointments(app: FastAPI) -> int:
    with app.state.engine.connect() as connection:
        return int(connection.execute(text("SELECT count(*) FROM appointments")).scalar_one())


def test_state_change_commits_and_returns_its_connection(real_app: FastAPI, real_client: TestClient,
                                                         real_world: World) -> None:
    slot = real_client.get("/v1/slots", params={"service": "gp_routine", "limit": 1}).json()[0]
    held = real_client.post("/v1/holds", json={"slot_id": slot["id"], "patient_ref": patient(1)})
    taken = real_client.post("/v1/holds", json={"slot_id": slot["id"], "patient_ref": patient(2)})
    assert (held.status_code, taken.status_code) == (201, 409)
    assert appointments(real_app) == 1
    assert checked_out(real_app) == 0


def test_state_change_failing_unexpectedly_writes_nothing_and_returns_its_connection(
    real_app: FastAPI, real_client: TestClient, real_world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    slot = real_client.get("/v1/slots", params={"service": "gp_routine", "limit": 1}).json()[0]

    def broken_audit(*_: object, **__: object) -> None:
        raise RuntimeError("audit store unavailable")

    # The claim has been inserted when the audit fails: none of it may stay.
    monkeypatch.setattr(audit, "record", broken_audit)
    response = real_client.post("/v1/holds", json={"slot_id": slot["id"], "patient_ref": patient(1)})
    assert response.status_code == 500
    assert appointments(real_app) == 0
    assert checked_out(real_app) == 0
    monkeypatch.undo()
    retried = real_client.post("/v1/holds", json={"slot_id": slot["id"], "patient_ref": patient(1)})
    assert retried.status_code == 201
