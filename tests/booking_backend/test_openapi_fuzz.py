"""Schemathesis against the OpenAPI document, in-process (ASGI), on SQLite seeded with the demo.

Every operation, the admin ones included (with a valid X-API-Key), gets generated valid and invalid input:
no response may be a 5xx, and responses must match the documented status codes, headers and schemas.
The API token goes by the bearer scheme the document declares, so that schemathesis also checks that each
operation declaring it refuses a request without it or with a wrong one (its `ignored_auth` check).

The tests are parametrised here rather than with `schemathesis.pytest.from_fixture`, whose lazy loader
still writes `Function._nodeid`, which pytest 9 no longer has.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis import Case, GenerationMode

from booking_backend.api_token import SCHEME_NAME, needs_token
from booking_backend.database import build_engine, build_session_factory
from booking_backend.demo.seed import seed_demo
from booking_backend.main import create_app
from booking_backend.migrations import upgrade
from tests.booking_backend.conftest import ADMIN_KEY, API_TOKEN, START, MutableClock, api_client, make_settings, patient

# A week of slots is enough for every id the fuzzer may hit, and seeds in a fraction of four weeks' time.
HORIZON_DAYS = 7
UNIQUE = itertools.count()
EXAMPLES = {GenerationMode.POSITIVE: 40, GenerationMode.NEGATIVE: 25}
# Regenerating every session's slots costs ~0.3 s a call, and its only input is the Idempotency-Key.
EXAMPLES_CAP = {("POST", "/v1/admin/slots/regenerate"): 5}


def documented_operations() -> dict[tuple[str, str], dict[str, Any]]:
    """Every operation of the OpenAPI document by (method, path); building the app does no I/O."""
    document = create_app(make_settings("sqlite://")).openapi()
    return {(method.upper(), path): spec for path, item in document["paths"].items() for method, spec in item.items()}


def takes_input(spec: dict[str, Any]) -> bool:
    """Whether invalid input can be made for it: a body or a parameter (the API key is always sent valid)."""
    return "requestBody" in spec or any(p["name"].lower() != "x-api-key" for p in spec.get("parameters", []))


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "operation" in metafunc.fixturenames:
        cases = [((method, path), mode) for (method, path), spec in documented_operations().items()
                 for mode in EXAMPLES if mode is GenerationMode.POSITIVE or takes_input(spec)]
        metafunc.parametrize(("operation", "mode"), cases, ids=[f"{m} {p} {mode}" for (m, p), mode in cases])


@pytest.fixture(scope="module")
def seeded_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    url = f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'booking.db'}"
    upgrade(url)
    engine = build_engine(url)
    with build_session_factory(engine)() as session:
        seed_demo(session, now=START, horizon_days=HORIZON_DAYS)
        session.commit()
    engine.dispose()
    app = create_app(make_settings(url, slot_horizon_days=HORIZON_DAYS), clock=MutableClock(START))
    yield app
    app.state.engine.dispose()


@pytest.fixture(scope="module")
def api_schema(seeded_app: FastAPI) -> schemathesis.BaseSchema:
    config = schemathesis.Config.from_dict({
        "headers": {"X-API-Key": ADMIN_KEY},
        "auth": {"openapi": {SCHEME_NAME: {"bearer": API_TOKEN}}},
        # Valid-looking input may still break a rule the schema cannot state (an ISO 8601 text, a postcode,
        # a location of the practitioner's own organisation): 422 says so, 410 is an expired hold.
        # Everything else about accepting valid input is still checked.
        "checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "401", "404", "409", "410", "422"]}},
    })
    return schemathesis.openapi.from_asgi("/openapi.json", seeded_app, config=config)


@pytest.fixture
def seeded_client(seeded_app: FastAPI) -> Iterator[TestClient]:
    with api_client(seeded_app) as test_client:
        yield test_client


def test_documented_operations_include_admin_and_booking_endpoints() -> None:
    operations = documented_operations()
    assert {("POST", "/v1/holds"), ("POST", "/v1/bookings"), ("POST", "/v1/admin/sessions")} <= operations.keys()


@pytest.mark.slow
def test_api_operation_fuzzed_never_fails(api_schema: schemathesis.BaseSchema, operation: tuple[str, str],
                                          mode: GenerationMode) -> None:
    method, path = operation
    endpoint = api_schema[path][method]

    examples = min(EXAMPLES[mode], EXAMPLES_CAP.get(operation, EXAMPLES[mode]))

    @given(case=endpoint.as_strategy(generation_mode=mode))
    @settings(max_examples=examples, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    def fuzz(case: Case) -> None:
        key = (case.headers or {}).get("Idempotency-Key")
        if isinstance(key, str) and 0 < len(key) <= 200:
            # Generated keys repeat across cases ("0", "00"...), so that most requests would be replays of
            # another body (a correct 422); a unique suffix lets the operation itself run.
            case.headers["Idempotency-Key"] = f"{key}-{next(UNIQUE)}"
        response = case.call_and_validate()
        if mode is GenerationMode.POSITIVE and needs_token(path):
            # 401 is an accepted answer above (for the admin key); here it would mean the token was not sent,
            # and every valid-input check would have passed without reaching the operation.
            assert response.status_code != 401, response.text

    fuzz()


# Regressions the fuzzer found, pinned so that they never come back.


def test_id_beyond_integer_range_is_422(seeded_client: TestClient) -> None:
    too_big = 9_223_372_036_854_775_808
    for response in (
        seeded_client.get(f"/v1/practitioners/{too_big}"),
        seeded_client.post("/v1/holds", json={"slot_id": too_big, "patient_ref": patient(1)}),
        seeded_client.post(f"/v1/bookings/{too_big}/cancel", json={"patient_ref": patient(1)}),
    ):
        assert response.status_code == 422, response.text
        assert response.json()["code"] == "invalid_request"


def test_practitioners_near_unknown_place_is_422(seeded_client: TestClient) -> None:
    response = seeded_client.get("/v1/practitioners", params={"near": "Cache-Control"})
    assert response.status_code == 422
    assert "postcode" in response.json()["detail"]


def test_invalid_body_answers_error_body_without_echoing_input(seeded_client: TestClient) -> None:
    response = seeded_client.post("/v1/holds", json={"slot_id": 1, "patient_ref": "+447700900123"})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_request"
    assert body["detail"].startswith("body.patient_ref: ")
    assert "447700900123" not in response.text


def test_missing_api_key_answers_error_body(seeded_app: FastAPI) -> None:
    with TestClient(seeded_app) as anonymous:
        response = anonymous.post("/v1/admin/slots/regenerate")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"
    assert "X-API-Key" in response.json()["detail"]
