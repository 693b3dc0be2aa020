"""The patient API answers only callers with BACKEND_API_TOKEN; /health and the admin routes keep their own rules."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.websockets import WebSocketDisconnect

from booking_backend.api_token import SCHEME_NAME, presented_token
from booking_backend.appointments.models import Appointment
from booking_backend.main import create_app
from booking_backend.settings import DEVELOPMENT_API_TOKEN, MIN_API_TOKEN_LENGTH
from tests.booking_backend.conftest import ADMIN_KEY, API_TOKEN, World, make_settings, patient, run_cli

BASIC = base64.b64encode(f"actions:{API_TOKEN}".encode()).decode()
# Each way a caller may get the token wrong: as request options for TestClient.
REFUSED: dict[str, dict[str, Any]] = {
    "no header": {},
    "wrong token": {"headers": {"Authorization": "Bearer " + "x" * len(API_TOKEN)}},
    "token with a character more": {"headers": {"Authorization": f"Bearer {API_TOKEN}x"}},
    "basic scheme": {"headers": {"Authorization": f"Basic {BASIC}"}},
    "token without a scheme": {"headers": {"Authorization": API_TOKEN}},
    "token in the query string": {"params": {"access_token": API_TOKEN}},
    "token in another header": {"headers": {"X-API-Key": API_TOKEN}},
    "two authorization headers": {"headers": [("Authorization", f"Bearer {API_TOKEN}"), ("Authorization", "Bearer x")]},
}


@pytest.fixture
def stranger(app: FastAPI) -> Iterator[TestClient]:
    """A client of the same app that sends nothing unless told: no token, no admin key."""
    with TestClient(app) as test_client:
        yield test_client


def patient_requests(slot_id: int) -> dict[str, tuple[str, str, dict[str, Any]]]:
    return {
        "slot search": ("GET", "/v1/slots", {"params": {"service": "gp_routine"}}),
        "hold": ("POST", "/v1/holds", {"json": {"slot_id": slot_id, "patient_ref": patient(1)}}),
        "bookings list": ("GET", "/v1/bookings", {"params": {"patient_ref": patient(1)}}),
        "booking history": ("GET", "/v1/bookings/history", {"params": {"patient_ref": patient(1),
                                                                      "service": "gp_routine"}}),
    }


def merged(request: dict[str, Any], refusal: dict[str, Any]) -> dict[str, Any]:
    options = {**request, **{key: value for key, value in refusal.items() if key != "params"}}
    if "params" in refusal:
        options["params"] = {**request.get("params", {}), **refusal["params"]}
    return options


@pytest.mark.parametrize("request_name", ["slot search", "hold", "bookings list", "booking history"])
@pytest.mark.parametrize("refusal", list(REFUSED))
def test_api_token_missing_or_wrong_is_401(stranger: TestClient, first_slot: dict[str, Any], session: Session,
                                           request_name: str, refusal: str) -> None:
    method, url, request = patient_requests(first_slot["id"])[request_name]

    response = stranger.request(method, url, **merged(request, REFUSED[refusal]))

    assert response.status_code == 401, response.text
    assert response.json() == {"code": "unauthorized", "detail": "A valid Authorization: Bearer token is required"}
    assert response.headers["www-authenticate"] == "Bearer"
    assert API_TOKEN not in response.text
    assert session.scalar(select(func.count()).select_from(Appointment)) == 0  # the refused hold wrote nothing


@pytest.mark.parametrize("request_name", ["slot search", "hold", "bookings list", "booking history"])
@pytest.mark.parametrize("scheme", ["Bearer", "bearer", "BEARER"])
def test_api_token_in_bearer_header_is_served(stranger: TestClient, first_slot: dict[str, Any],
                                              request_name: str, scheme: str) -> None:
    method, url, request = patient_requests(first_slot["id"])[request_name]

    response = stranger.request(method, url, headers={"Authorization": f"{scheme} {API_TOKEN}"}, **request)

    assert response.status_code in (200, 201), response.text


def test_api_token_refused_hold_leaves_the_slot_free(stranger: TestClient, client: TestClient,
                                                     first_slot: dict[str, Any]) -> None:
    body = {"slot_id": first_slot["id"], "patient_ref": patient(1)}
    assert stranger.post("/v1/holds", json=body).status_code == 401

    held = client.post("/v1/holds", json={"slot_id": first_slot["id"], "patient_ref": patient(2)})

    assert held.status_code == 201, held.text


def test_api_token_unknown_path_is_401_not_404(stranger: TestClient) -> None:
    # A caller without the token learns nothing about which routes exist.
    assert stranger.get("/v1/no-such-thing").status_code == 401
    assert stranger.get("/v2/slots").status_code == 401


def test_api_token_missing_closes_a_websocket_before_it_opens(stranger: TestClient) -> None:
    with pytest.raises(WebSocketDisconnect) as closed, stranger.websocket_connect("/v1/slots"):
        pass
    assert closed.value.code == 1008  # policy violation


def test_api_token_not_needed_for_health(stranger: TestClient) -> None:
    response = stranger.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_api_token_not_needed_for_api_docs_in_test(stranger: TestClient) -> None:
    assert stranger.get("/docs").status_code == 200
    assert stranger.get("/openapi.json").status_code == 200


def test_admin_route_with_only_the_api_token_is_401(stranger: TestClient) -> None:
    response = stranger.post("/v1/admin/slots/regenerate", headers={"Authorization": f"Bearer {API_TOKEN}"})

    assert response.status_code == 401
    assert response.json() == {"code": "unauthorized", "detail": "A valid X-API-Key header is required"}


def test_admin_route_with_the_admin_key_needs_no_api_token(stranger: TestClient, world: World) -> None:
    response = stranger.post("/v1/admin/slots/regenerate", headers={"X-API-Key": ADMIN_KEY})

    assert response.status_code == 200, response.text


def test_api_token_development_default_is_the_one_the_action_server_uses(database_url: str) -> None:
    app = create_app(make_settings(database_url, environment="development", backend_api_token=None))
    with TestClient(app) as client:
        # The same text as actions/backend_client.py's development fallback: the two sides share no code.
        accepted = client.get("/v1/services", headers={"Authorization": "Bearer dev-backend-api-token"})
        refused = client.get("/v1/services", headers={"Authorization": f"Bearer {API_TOKEN}"})
    assert DEVELOPMENT_API_TOKEN == "dev-backend-api-token"
    assert (accepted.status_code, refused.status_code) == (200, 401)


def test_api_token_declared_in_openapi_for_patient_operations_only() -> None:
    document = create_app(make_settings("sqlite://")).openapi()

    scheme = document["components"]["securitySchemes"][SCHEME_NAME]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    for path, item in document["paths"].items():
        for method, operation in item.items():
            expected = None if path == "/health" or path.startswith("/v1/admin/") else [{SCHEME_NAME: []}]
            assert operation.get("security") == expected, (method, path)
            if expected:
                assert "401" in operation["responses"], (method, path)


@pytest.mark.parametrize(("header", "token"), [
    ((b"authorization", b"Bearer abc"), b"abc"),
    ((b"authorization", b"bearer  abc "), b"abc"),
    ((b"authorization", b"Basic abc"), None),
    ((b"authorization", b"Bearerabc"), None),
    ((b"x-api-key", b"Bearer abc"), None),
])
def test_presented_token_reads_only_a_bearer_authorization(header: tuple[bytes, bytes], token: bytes | None) -> None:
    assert presented_token([header]) == token


PRODUCTION_WITHOUT_TOKEN = {"ENVIRONMENT": "production", "ADMIN_API_KEY": ADMIN_KEY}


@pytest.mark.parametrize("command", ["serve", "prepare"])
def test_production_without_api_token_refuses_to_start(command: str, tmp_path: Path) -> None:
    database = tmp_path / "booking.db"

    result = run_cli(command, database=database, **PRODUCTION_WITHOUT_TOKEN)

    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "python -m booking_backend: BACKEND_API_TOKEN must be set when ENVIRONMENT=production"]
    assert not database.exists()


@pytest.mark.parametrize("token", ["", "dev-backend-api-token", "s" * (MIN_API_TOKEN_LENGTH - 1)])
def test_production_with_short_api_token_refuses_to_start(token: str, tmp_path: Path) -> None:
    database = tmp_path / "booking.db"

    result = run_cli("serve", database=database, **PRODUCTION_WITHOUT_TOKEN, BACKEND_API_TOKEN=token)

    assert result.returncode == 2
    expected = ("BACKEND_API_TOKEN must be set when ENVIRONMENT=production" if not token
                else f"BACKEND_API_TOKEN must be at least {MIN_API_TOKEN_LENGTH} characters in production")
    assert result.stderr.strip().splitlines() == [f"python -m booking_backend: {expected}"]
    assert not token or token not in result.stderr
    assert not database.exists()


def test_production_without_any_secret_names_both_in_one_line(tmp_path: Path) -> None:
    result = run_cli("serve", database=tmp_path / "booking.db", ENVIRONMENT="production")

    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "python -m booking_backend: ADMIN_API_KEY must be set when ENVIRONMENT=production; "
        "BACKEND_API_TOKEN must be set when ENVIRONMENT=production"]
