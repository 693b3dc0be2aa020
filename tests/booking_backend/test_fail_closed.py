"""Fail closed: no start without ENVIRONMENT, no demo or API docs in production, only real pseudonyms."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from booking_backend.main import app_factory, create_app
from booking_backend.settings import SettingsError, get_settings
from tests.booking_backend.conftest import ADMIN_KEY, API_TOKEN, api_client, make_settings, patient, run_cli

ALLOWED = "development, test, production"
PRODUCTION = {"ENVIRONMENT": "production", "ADMIN_API_KEY": ADMIN_KEY, "BACKEND_API_TOKEN": API_TOKEN}


def practitioner_count(database: Path) -> int:
    with api_client(create_app(make_settings(f"sqlite:///{database}"))) as client:
        return len(client.get("/v1/practitioners", params={"limit": 200}).json())


@pytest.fixture
def no_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in os.environ:
        if name.upper() == "ENVIRONMENT":
            monkeypatch.delenv(name)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.mark.parametrize("command", ["serve", "prepare", "migrate", "seed-demo"])
def test_cli_without_environment_exits_with_one_line(command: str, tmp_path: Path) -> None:
    database = tmp_path / "booking.db"
    result = run_cli(command, database=database)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"python -m booking_backend: ENVIRONMENT must be set to one of {ALLOWED}"]
    assert not database.exists()


def test_cli_with_unknown_environment_names_it(tmp_path: Path) -> None:
    result = run_cli("prepare", database=tmp_path / "booking.db", ENVIRONMENT="prod")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"python -m booking_backend: ENVIRONMENT must be set to one of {ALLOWED} (it is 'prod')")


def test_settings_without_environment_raise_one_line(no_environment: None) -> None:
    with pytest.raises(SettingsError, match=f"^ENVIRONMENT must be set to one of {ALLOWED}$"):
        get_settings()


def test_uvicorn_factory_without_environment_exits_with_message(no_environment: None) -> None:
    with pytest.raises(SystemExit, match="ENVIRONMENT must be set"):
        app_factory()


def test_production_settings_error_does_not_show_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setenv("ADMIN_API_KEY", "short-secret")
    monkeypatch.setenv("BACKEND_API_TOKEN", API_TOKEN)
    get_settings.cache_clear()
    try:
        with pytest.raises(SettingsError) as raised:
            get_settings()
    finally:
        get_settings.cache_clear()
    assert str(raised.value) == "ADMIN_API_KEY must be at least 24 characters in production"


def test_prepare_in_production_on_empty_database_seeds_nothing(tmp_path: Path) -> None:
    database = tmp_path / "booking.db"
    result = run_cli("prepare", database=database, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "The database is empty and nothing was seeded" in result.stderr
    assert "seed-demo" in result.stderr
    assert "Seeded" not in result.stderr
    assert practitioner_count(database) == 0


def test_seed_demo_seeds_once_then_refuses(tmp_path: Path) -> None:
    database = tmp_path / "booking.db"
    first = run_cli("seed-demo", database=database, **PRODUCTION)
    assert first.returncode == 0, first.stderr
    assert "Seeded the demo: 90 practitioners" in first.stderr
    second = run_cli("seed-demo", database=database, **PRODUCTION)
    assert second.returncode == 3
    assert second.stderr.strip().splitlines()[-1] == (
        "python -m booking_backend seed-demo: The database already holds organisations: "
        "seed-demo only seeds an empty database")
    assert practitioner_count(database) == 90


@pytest.mark.parametrize("path", ["/docs", "/redoc", "/openapi.json", "/docs/oauth2-redirect"])
def test_api_docs_in_production_are_404(path: str) -> None:
    client = api_client(create_app(make_settings("sqlite://", environment="production")))
    assert client.get(path).status_code == 404  # not even to a caller with the API token


@pytest.mark.parametrize("environment", ["development", "test"])
def test_api_docs_in_development_load_nothing_from_another_host(environment: str) -> None:
    client = api_client(create_app(make_settings("sqlite://", environment=environment)))
    page = client.get("/docs")
    assert page.status_code == 200
    assert "/v1/holds" in page.text
    assert not re.search(r"(?i)(?:https?:)?//|<script|<link|src=", page.text)
    assert page.headers["content-security-policy"].startswith("default-src 'none'")
    assert client.get("/redoc").status_code == 404
    assert client.get("/openapi.json").status_code == 200


INVALID_REFS = ["tel_447700900123", "p_" + "a" * 63, "p_" + "A" * 64, "+447700900123", "447700900123",
                patient(1) + "\n", patient(1).upper()]


@pytest.mark.parametrize("ref", INVALID_REFS)
def test_patient_ref_not_a_pseudonym_is_422(admin: TestClient, first_slot: dict[str, Any], ref: str) -> None:
    for method, url, body in (
        ("POST", "/v1/holds", {"slot_id": first_slot["id"], "patient_ref": ref}),
        ("POST", "/v1/bookings", {"hold_id": 1, "patient_ref": ref}),
        ("POST", "/v1/waitlist", {"patient_ref": ref, "service": "physiotherapist"}),
        ("POST", "/v1/holds/1/release", {"patient_ref": ref}),
        ("POST", "/v1/bookings/1/cancel", {"patient_ref": ref}),
        ("POST", "/v1/admin/patients/quota", {"patient_ref": ref, "quota": 1}),
        ("GET", "/v1/bookings", None),
    ):
        if body is None:
            response = admin.get(url, params={"patient_ref": ref})
        else:
            response = admin.request(method, url, json=body)
        assert response.status_code == 422, (url, response.text)
        assert response.json()["code"] == "invalid_request"
        assert "447700900123" not in response.text


def test_patient_ref_from_the_action_server_holds_books_and_joins_waitlist(
    client: TestClient, first_slot: dict[str, Any]
) -> None:
    hold = client.post("/v1/holds", json={"slot_id": first_slot["id"], "patient_ref": patient(1)})
    assert hold.status_code == 201, hold.text
    booking = client.post("/v1/bookings", json={"hold_id": hold.json()["id"], "patient_ref": patient(1)})
    assert booking.status_code == 201, booking.text
    waitlist = client.post("/v1/waitlist", json={"patient_ref": patient(1), "service": "physiotherapist"})
    assert waitlist.status_code == 201, waitlist.text
