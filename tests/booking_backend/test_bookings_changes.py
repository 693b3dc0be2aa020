"""Cancelling and rescheduling: ownership, minimum notice, atomicity."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from booking_backend.appointments.models import Appointment
from tests.booking_backend.conftest import MutableClock, World, patient


def booked(client: TestClient, slot_id: int, who: int = 1) -> dict[str, Any]:
    hold = client.post("/v1/holds", json={"slot_id": slot_id, "patient_ref": patient(who)}).json()
    response = client.post("/v1/bookings", json={"hold_id": hold["id"], "patient_ref": patient(who)})
    assert response.status_code == 201, response.text
    return response.json()


def gp_slots(client: TestClient, **params: Any) -> list[dict[str, Any]]:
    return client.get("/v1/slots", params={"service": "gp_routine", "start": "2026-03-24T09:00:00Z", **params}).json()


def test_cancel_frees_the_slot(client: TestClient, world: World) -> None:
    slot = gp_slots(client, limit=1)[0]
    booking = booked(client, slot["id"])
    response = client.post(f"/v1/bookings/{booking['id']}/cancel", json={"patient_ref": patient(1)})
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert client.get("/v1/bookings", params={"patient_ref": patient(1)}).json() == []
    assert slot["id"] in [s["id"] for s in gp_slots(client)]


def test_cancel_someone_elses_booking_is_404(client: TestClient, world: World) -> None:
    booking = booked(client, gp_slots(client, limit=1)[0]["id"], who=1)
    response = client.post(f"/v1/bookings/{booking['id']}/cancel", json={"patient_ref": patient(2)})
    assert response.status_code == 404
    assert len(client.get("/v1/bookings", params={"patient_ref": patient(1)}).json()) == 1


def test_cancel_inside_minimum_notice_is_409(client: TestClient, clock: MutableClock, world: World) -> None:
    slot = gp_slots(client, limit=1)[0]  # 24 March 09:00
    booking = booked(client, slot["id"])
    clock.advance(hours=23, minutes=59)  # 24 March 07:59: 61 minutes before, inside 120 minutes' notice
    response = client.post(f"/v1/bookings/{booking['id']}/cancel", json={"patient_ref": patient(1)})
    assert response.status_code == 409
    assert response.json()["code"] == "inside_minimum_notice"
    assert "120 minutes" in response.json()["detail"]


def test_cancel_twice_is_409(client: TestClient, world: World) -> None:
    booking = booked(client, gp_slots(client, limit=1)[0]["id"])
    client.post(f"/v1/bookings/{booking['id']}/cancel", json={"patient_ref": patient(1)})
    again = client.post(f"/v1/bookings/{booking['id']}/cancel", json={"patient_ref": patient(1)})
    assert again.status_code == 409


def test_reschedule_moves_the_booking_atomically(client: TestClient, world: World) -> None:
    old_slot, new_slot = gp_slots(client, limit=2)
    booking = booked(client, old_slot["id"])
    response = client.post(f"/v1/bookings/{booking['id']}/reschedule",
                           json={"patient_ref": patient(1), "slot_id": new_slot["id"]})
    assert response.status_code == 200, response.text
    moved = response.json()
    assert moved["slot"]["id"] == new_slot["id"]
    assert moved["replaces_id"] == booking["id"]
    assert [b["slot"]["id"] for b in client.get("/v1/bookings", params={"patient_ref": patient(1)}).json()] == [
        new_slot["id"]
    ]
    assert old_slot["id"] in [s["id"] for s in gp_slots(client)]


def test_reschedule_to_taken_slot_changes_nothing(client: TestClient, session: Session, world: World) -> None:
    mine, theirs = gp_slots(client, limit=2)
    booking = booked(client, mine["id"], who=1)
    booked(client, theirs["id"], who=2)
    before = session.scalar(select(func.count()).select_from(Appointment))
    response = client.post(f"/v1/bookings/{booking['id']}/reschedule",
                           json={"patient_ref": patient(1), "slot_id": theirs["id"]})
    assert response.status_code == 409
    assert session.scalar(select(func.count()).select_from(Appointment)) == before
    upcoming = client.get("/v1/bookings", params={"patient_ref": patient(1)}).json()
    assert [b["slot"]["id"] for b in upcoming] == [mine["id"]]


def test_reschedule_to_another_service_is_422(client: TestClient, world: World) -> None:
    booking = booked(client, gp_slots(client, limit=1)[0]["id"])
    nurse_slot = client.get("/v1/slots", params={"service": "practice_nurse", "limit": 1}).json()[0]
    response = client.post(f"/v1/bookings/{booking['id']}/reschedule",
                           json={"patient_ref": patient(1), "slot_id": nurse_slot["id"]})
    assert response.status_code == 422
    assert "same service" in response.json()["detail"]


def test_reschedule_inside_minimum_notice_is_409(client: TestClient, clock: MutableClock, world: World) -> None:
    old_slot, new_slot = gp_slots(client, limit=2)
    booking = booked(client, old_slot["id"])
    clock.advance(hours=24, minutes=-30)
    response = client.post(f"/v1/bookings/{booking['id']}/reschedule",
                           json={"patient_ref": patient(1), "slot_id": new_slot["id"]})
    assert response.status_code == 409


def test_unknown_booking_is_404(client: TestClient, world: World) -> None:
    assert client.post("/v1/bookings/999999/cancel", json={"patient_ref": patient(1)}).status_code == 404
