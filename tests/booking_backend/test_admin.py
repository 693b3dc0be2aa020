"""Admin endpoints: the API key, creating practitioners and sessions, leave and regeneration."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.booking_backend.conftest import World, patient


def test_admin_without_key_is_401(client: TestClient) -> None:
    response = client.post("/v1/admin/slots/regenerate")
    assert response.status_code == 401
    assert client.post("/v1/admin/slots/regenerate", headers={"X-API-Key": "wrong"}).status_code == 401


def test_created_practitioner_has_bio_and_photo(admin: TestClient, world: World) -> None:
    practitioner = admin.get(f"/v1/practitioners/{world.gp_id}").json()
    assert practitioner["bio"] == "A test GP."
    assert practitioner["photo_url"] == f"/v1/practitioners/{world.gp_id}/photo.svg"
    photo = admin.get(practitioner["photo_url"])
    assert photo.status_code == 200
    assert photo.headers["content-type"].startswith("image/svg+xml")
    assert ">TG</text>" in photo.text


def test_practitioners_filter_by_role(admin: TestClient, world: World) -> None:
    nurses = admin.get("/v1/practitioners", params={"role": "nurse"}).json()
    assert [n["display_name"] for n in nurses] == ["Test Nurse"]


def test_session_generates_slots_within_horizon(admin: TestClient, world: World) -> None:
    found = admin.get("/v1/slots", params={"practitioner": world.nurse_id, "limit": 100}).json()
    # Tuesdays 14:00-18:00 in 20-minute slots (12 a day) for the 4 Tuesdays within 28 days of 23 March.
    assert len(found) == 48
    assert found[-1]["start"] == "2026-04-14T17:40:00+01:00"


def test_session_end_before_start_is_422(admin: TestClient, world: World) -> None:
    response = admin.post("/v1/admin/sessions", json={
        "practitioner_id": world.gp_id, "service": "gp_routine", "location_id": world.location_id,
        "weekdays": ["mon"], "start_time": "12:00", "end_time": "09:00", "slot_minutes": 15,
        "valid_from": "2026-03-01"})
    assert response.status_code == 422
    assert "end_time" in response.text


def test_session_for_unknown_practitioner_is_404(admin: TestClient, world: World) -> None:
    response = admin.post("/v1/admin/sessions", json={
        "practitioner_id": 99999, "service": "gp_routine", "location_id": world.location_id,
        "weekdays": ["mon"], "start_time": "09:00", "end_time": "12:00", "slot_minutes": 15,
        "valid_from": "2026-03-01"})
    assert response.status_code == 404


def test_leave_withdraws_slots_and_reports_booked_ones(admin: TestClient, world: World) -> None:
    slot = admin.get("/v1/slots", params={"service": "gp_routine", "start": "2026-03-25T00:00:00Z",
                                          "limit": 1}).json()[0]
    hold = admin.post("/v1/holds", json={"slot_id": slot["id"], "patient_ref": patient(1)}).json()
    booking = admin.post("/v1/bookings", json={"hold_id": hold["id"], "patient_ref": patient(1)}).json()
    result = admin.post(f"/v1/admin/sessions/{world.gp_session_id}/exceptions", json={
        "start_date": "2026-03-25", "end_date": "2026-03-26", "reason": "leave"})
    assert result.status_code == 200, result.text
    body = result.json()
    assert body["withdrawn"] == 24  # two mornings of 12 slots
    assert body["conflicting_appointment_ids"] == [booking["id"]]
    on_leave = admin.get("/v1/slots", params={"service": "gp_routine", "start": "2026-03-25T00:00:00Z",
                                              "end": "2026-03-27T00:00:00Z"}).json()
    assert on_leave == []


def test_regenerate_twice_creates_nothing_new(admin: TestClient, world: World) -> None:
    first = admin.post("/v1/admin/slots/regenerate").json()
    second = admin.post("/v1/admin/slots/regenerate").json()
    assert first["created"] == 0
    assert second == first


def test_duplicate_ods_code_is_422(admin: TestClient, world: World) -> None:
    response = admin.post("/v1/admin/organisations", json={
        "ods_code": "ZZ9001", "name": "Copy", "address": "x", "postcode": "LS1 4AP",
        "latitude": 53.8, "longitude": -1.5})
    assert response.status_code == 422
    assert "ZZ9001" in response.json()["detail"]


def test_services_list_matches_dispositions(client: TestClient) -> None:
    codes = [s["code"] for s in client.get("/v1/services").json()]
    assert codes == ["gp_routine", "gp_urgent_same_day", "practice_nurse", "pharmacist", "physiotherapist",
                     "mental_health", "dental"]


def test_waitlist_join_is_201(client: TestClient) -> None:
    response = client.post("/v1/waitlist", json={
        "patient_ref": patient(1), "service": "physiotherapist",
        "preferences": {"weekdays": ["tue", "mon"], "part_of_day": ["morning"]}})
    assert response.status_code == 201
    assert response.json()["preferences"]["weekdays"] == ["mon", "tue"]
    bad = client.post("/v1/waitlist", json={"patient_ref": patient(1), "service": "physiotherapist",
                                            "preferences": {"part_of_day": ["midnight"]}})
    assert bad.status_code == 422


def test_health_is_200(client: TestClient) -> None:
    assert client.get("/health").json() == {"status": "ok"}


def test_body_values_of_another_json_type_are_422(admin: TestClient, world: World) -> None:
    """Booleans are not numbers, numbers are not dates: nothing is stored from a value of the wrong type."""
    organisation = {"ods_code": "ZZ9002", "name": "New", "address": "x", "postcode": "LS1 4AP",
                    "latitude": 53.8, "longitude": -1.5}
    session = {"practitioner_id": world.gp_id, "service": "gp_routine", "location_id": world.location_id,
               "weekdays": ["mon"], "start_time": "09:00", "end_time": "12:00", "slot_minutes": 15,
               "valid_from": "2026-03-01"}
    wrong = [
        ("/v1/admin/organisations", {**organisation, "longitude": True}, "longitude"),
        ("/v1/admin/organisations", {**organisation, "latitude": "53.8"}, "latitude"),
        ("/v1/admin/sessions", {**session, "practitioner_id": True}, "practitioner_id"),
        ("/v1/admin/sessions", {**session, "slot_minutes": "15"}, "slot_minutes"),
        ("/v1/admin/sessions", {**session, "bookable_online": 1}, "bookable_online"),
        ("/v1/admin/sessions", {**session, "valid_from": 20_000}, "valid_from"),
        ("/v1/admin/sessions", {**session, "start_time": 32_400}, "start_time"),
        ("/v1/admin/patients/quota", {"patient_ref": patient(1), "quota": False}, "quota"),
        ("/v1/holds", {"slot_id": True, "patient_ref": patient(1)}, "slot_id"),
    ]
    for path, body, field in wrong:
        response = admin.post(path, json=body)
        assert response.status_code == 422, (path, body)
        assert field in response.text, (path, response.text)
    assert admin.post("/v1/admin/organisations", json=organisation).status_code == 201
    assert admin.post("/v1/admin/sessions", json=session).status_code == 201
