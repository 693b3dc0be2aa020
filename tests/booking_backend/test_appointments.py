"""Holds and bookings through the HTTP API, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.booking_backend.conftest import MutableClock, patient


def hold(client: TestClient, slot_id: int, who: int = 1, **headers: str) -> Any:
    return client.post("/v1/holds", json={"slot_id": slot_id, "patient_ref": patient(who)}, headers=headers)


def book(client: TestClient, hold_id: int, who: int = 1, **extra: Any) -> Any:
    return client.post("/v1/bookings", json={"hold_id": hold_id, "patient_ref": patient(who), **extra})


def test_hold_free_slot_returns_hold_with_expiry(client: TestClient, first_slot: dict[str, Any]) -> None:
    response = hold(client, first_slot["id"])
    assert response.status_code == 201
    body = response.json()
    assert body["slot_id"] == first_slot["id"]
    assert body["expires_at"] == "2026-03-23T08:05:00+00:00"


def test_hold_slot_held_by_someone_else_is_409(client: TestClient, first_slot: dict[str, Any]) -> None:
    assert hold(client, first_slot["id"], who=1).status_code == 201
    second = hold(client, first_slot["id"], who=2)
    assert second.status_code == 409
    assert second.json()["code"] == "slot_unavailable"


def test_held_slot_disappears_from_search(client: TestClient, first_slot: dict[str, Any]) -> None:
    hold(client, first_slot["id"])
    ids = [s["id"] for s in client.get("/v1/slots", params={"service": "gp_routine"}).json()]
    assert first_slot["id"] not in ids


def test_expired_hold_never_blocks_anyone(client: TestClient, clock: MutableClock, first_slot: dict[str, Any]) -> None:
    assert hold(client, first_slot["id"], who=1).status_code == 201
    clock.advance(seconds=301)
    ids = [s["id"] for s in client.get("/v1/slots", params={"service": "gp_routine"}).json()]
    assert first_slot["id"] in ids
    assert hold(client, first_slot["id"], who=2).status_code == 201


def test_confirm_live_hold_books_the_slot(client: TestClient, first_slot: dict[str, Any]) -> None:
    hold_id = hold(client, first_slot["id"]).json()["id"]
    response = book(client, hold_id, dependant_label="Sam")
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "booked"
    assert body["slot"]["id"] == first_slot["id"]
    assert body["dependant_label"] == "Sam"
    upcoming = client.get("/v1/bookings", params={"patient_ref": patient(1)}).json()
    assert [b["id"] for b in upcoming] == [body["id"]]


def test_confirm_expired_hold_is_410(client: TestClient, clock: MutableClock, first_slot: dict[str, Any]) -> None:
    hold_id = hold(client, first_slot["id"]).json()["id"]
    clock.advance(seconds=300)
    response = book(client, hold_id)
    assert response.status_code == 410
    assert response.json()["code"] == "hold_expired"


def test_confirm_twice_gives_one_booking(client: TestClient, first_slot: dict[str, Any]) -> None:
    hold_id = hold(client, first_slot["id"]).json()["id"]
    assert book(client, hold_id).status_code == 201
    assert book(client, hold_id).status_code == 409
    assert len(client.get("/v1/bookings", params={"patient_ref": patient(1)}).json()) == 1


def test_confirm_someone_elses_hold_is_404(client: TestClient, first_slot: dict[str, Any]) -> None:
    hold_id = hold(client, first_slot["id"], who=1).json()["id"]
    hold(client, first_slot["id"] + 1, who=2)
    assert book(client, hold_id, who=2).status_code == 404


def test_booked_slot_cannot_be_held(client: TestClient, first_slot: dict[str, Any]) -> None:
    book(client, hold(client, first_slot["id"]).json()["id"])
    assert hold(client, first_slot["id"], who=2).status_code == 409


def test_new_hold_releases_the_patients_previous_hold(client: TestClient, world: Any) -> None:
    first, second = client.get("/v1/slots", params={"service": "gp_routine", "limit": 2}).json()
    first_hold = hold(client, first["id"]).json()["id"]
    assert hold(client, second["id"]).status_code == 201
    assert hold(client, first["id"], who=2).status_code == 201
    assert book(client, first_hold).status_code == 410


def test_release_hold_frees_the_slot(client: TestClient, first_slot: dict[str, Any]) -> None:
    hold_id = hold(client, first_slot["id"]).json()["id"]
    released = client.post(f"/v1/holds/{hold_id}/release", json={"patient_ref": patient(1)})
    assert released.status_code == 200
    assert hold(client, first_slot["id"], who=2).status_code == 201


def test_quota_used_up_is_409(admin: TestClient, world: Any) -> None:
    assert admin.post("/v1/admin/patients/quota", json={"patient_ref": patient(1), "quota": 1}).status_code == 200
    first, second = admin.get("/v1/slots", params={"service": "gp_routine", "limit": 2}).json()
    assert book(admin, hold(admin, first["id"]).json()["id"]).status_code == 201
    response = book(admin, hold(admin, second["id"]).json()["id"])
    assert response.status_code == 409
    assert response.json()["code"] == "quota_exceeded"


def test_hold_unknown_slot_is_404(client: TestClient, world: Any) -> None:
    assert hold(client, 999_999).status_code == 404


def test_patient_ref_that_is_a_phone_number_is_rejected(client: TestClient, first_slot: dict[str, Any]) -> None:
    for ref in ("+447700900123", "447700900123456789"):
        response = client.post("/v1/holds", json={"slot_id": first_slot["id"], "patient_ref": ref})
        assert response.status_code == 422, ref
