"""A patient's booking history for one service (continuity of care), on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.booking_backend.conftest import MutableClock, World, patient
from tests.booking_backend.test_appointments import book, hold


def history(client: TestClient, who: int = 1, service: str = "gp_routine", **extra: Any) -> Any:
    return client.get("/v1/bookings/history", params={"patient_ref": patient(who), "service": service, **extra})


def booked(client: TestClient, slot: dict[str, Any], who: int = 1) -> dict[str, Any]:
    body: dict[str, Any] = book(client, hold(client, slot["id"], who=who).json()["id"], who=who).json()
    return body


def test_history_is_past_and_upcoming_latest_first_and_only_that_service(client: TestClient, clock: MutableClock,
                                                                          world: World) -> None:
    gp = client.get("/v1/slots", params={"service": "gp_routine", "limit": 50}).json()
    nurse = client.get("/v1/slots", params={"service": "practice_nurse", "limit": 1}).json()
    first, later = booked(client, gp[0]), booked(client, gp[-1])
    booked(client, nurse[0])
    clock.advance(seconds=3 * 24 * 3600)  # the first appointment is in the past now

    assert [b["id"] for b in history(client).json()] == [later["id"], first["id"]]
    assert [b["id"] for b in history(client, limit=1).json()] == [later["id"]]
    assert history(client, service="practice_nurse").json()[0]["slot"]["service"] == "practice_nurse"


def test_cancelled_bookings_and_other_patients_are_not_history(client: TestClient, world: World) -> None:
    gp = client.get("/v1/slots", params={"service": "gp_routine", "limit": 50}).json()
    mine = booked(client, gp[-1])  # days ahead: still free to cancel
    booked(client, gp[-2], who=2)
    cancelled = client.post(f"/v1/bookings/{mine['id']}/cancel", json={"patient_ref": patient(1)})
    assert cancelled.status_code == 200
    assert history(client).json() == []
    assert history(client, who=3).json() == []  # a patient never seen


def test_history_refuses_crafted_input(client: TestClient) -> None:
    assert history(client, service="hotel").status_code == 422
    assert history(client, limit=0).status_code == 422
    assert history(client, limit=21).status_code == 422
    assert client.get("/v1/bookings/history", params={"patient_ref": "+447700900123",
                                                      "service": "gp_routine"}).status_code == 422
    assert client.get("/v1/bookings/history", params={"patient_ref": patient(1)}).status_code == 422
