"""Idempotency-Key: a replay returns the first response; a different body with the same key is 422."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from booking_backend.appointments.models import Appointment
from tests.booking_backend.conftest import World, patient


def test_replayed_hold_returns_first_response_and_holds_once(
    client: TestClient, session: Session, world: World
) -> None:
    slot = client.get("/v1/slots", params={"service": "gp_routine", "limit": 1}).json()[0]
    body = {"slot_id": slot["id"], "patient_ref": patient(1)}
    first = client.post("/v1/holds", json=body, headers={"Idempotency-Key": "turn-1"})
    second = client.post("/v1/holds", json=body, headers={"Idempotency-Key": "turn-1"})
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert second.headers["Idempotent-Replay"] == "true"
    assert session.scalar(select(func.count()).select_from(Appointment)) == 1


def test_same_key_with_different_body_is_422(client: TestClient, world: World) -> None:
    first, second = client.get("/v1/slots", params={"service": "gp_routine", "limit": 2}).json()
    client.post("/v1/holds", json={"slot_id": first["id"], "patient_ref": patient(1)}, headers={"Idempotency-Key": "k"})
    response = client.post("/v1/holds", json={"slot_id": second["id"], "patient_ref": patient(1)},
                           headers={"Idempotency-Key": "k"})
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"


def test_replayed_refusal_returns_the_same_refusal(client: TestClient, world: World) -> None:
    slot = client.get("/v1/slots", params={"service": "gp_routine", "limit": 1}).json()[0]
    client.post("/v1/holds", json={"slot_id": slot["id"], "patient_ref": patient(1)})
    body = {"slot_id": slot["id"], "patient_ref": patient(2)}
    first = client.post("/v1/holds", json=body, headers={"Idempotency-Key": "other"})
    second = client.post("/v1/holds", json=body, headers={"Idempotency-Key": "other"})
    assert first.status_code == second.status_code == 409
    assert first.json() == second.json()


def test_replayed_booking_confirms_once(client: TestClient, world: World) -> None:
    slot = client.get("/v1/slots", params={"service": "gp_routine", "limit": 1}).json()[0]
    hold = client.post("/v1/holds", json={"slot_id": slot["id"], "patient_ref": patient(1)}).json()
    body = {"hold_id": hold["id"], "patient_ref": patient(1)}
    first = client.post("/v1/bookings", json=body, headers={"Idempotency-Key": "confirm-1"})
    second = client.post("/v1/bookings", json=body, headers={"Idempotency-Key": "confirm-1"})
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
