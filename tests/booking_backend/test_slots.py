"""Free-slot search: filters, ordering, time zones and bad input."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.booking_backend.conftest import World


def slots(client: TestClient, **params: Any) -> list[dict[str, Any]]:
    response = client.get("/v1/slots", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_search_by_service_returns_soonest_first(client: TestClient, world: World) -> None:
    found = slots(client, service="gp_routine", limit=5)
    assert [s["start"] for s in found] == [
        "2026-03-23T09:00:00+00:00", "2026-03-23T09:15:00+00:00", "2026-03-23T09:30:00+00:00",
        "2026-03-23T09:45:00+00:00", "2026-03-23T10:00:00+00:00",
    ]
    assert {s["service"] for s in found} == {"gp_routine"}
    assert found[0]["practitioner"]["display_name"] == "Dr Test Gp"
    assert found[0]["location"]["organisation"] == "Test Surgery"
    assert found[0]["channel"] == "in_person"


def test_search_keeps_wall_clock_across_the_spring_clock_change(client: TestClient, world: World) -> None:
    # The clocks go forward on Sunday 29 March 2026: 09:00 is 09:00Z before and 08:00Z after.
    before = slots(client, service="gp_routine", weekday="fri", limit=1)[0]
    after = slots(client, service="gp_routine", weekday="mon", start="2026-03-24T00:00:00+00:00", limit=1)[0]
    assert before["start"] == "2026-03-27T09:00:00+00:00"
    assert after["start"] == "2026-03-30T09:00:00+01:00"


def test_search_by_weekday_and_part_of_day(client: TestClient, world: World) -> None:
    found = slots(client, service="practice_nurse", weekday="tue", part_of_day="afternoon", limit=100)
    assert found
    assert all(s["start"][11:13] in {"14", "15", "16"} for s in found)
    none = slots(client, service="practice_nurse", part_of_day="morning")
    assert none == []


def test_search_accepts_repeated_and_comma_separated_weekdays(client: TestClient, world: World) -> None:
    repeated = client.get("/v1/slots?service=gp_routine&weekday=mon&weekday=wed&limit=100").json()
    commas = slots(client, service="gp_routine", weekday="mon,wed", limit=100)
    assert repeated == commas
    assert {s["start"][:10] for s in commas} >= {"2026-03-23", "2026-03-25"}


def test_search_window_is_start_inclusive_end_exclusive(client: TestClient, world: World) -> None:
    found = slots(client, service="gp_routine", start="2026-03-24T10:00:00Z", end="2026-03-24T10:30:00Z")
    assert [s["start"] for s in found] == ["2026-03-24T10:00:00+00:00", "2026-03-24T10:15:00+00:00"]


def test_search_naive_times_are_read_as_uk_time(client: TestClient, world: World) -> None:
    found = slots(client, service="gp_routine", start="2026-04-01T10:00:00", limit=1)
    assert found[0]["start"] == "2026-04-01T10:00:00+01:00"


def test_search_tolerates_unescaped_plus_in_offset(client: TestClient, world: World) -> None:
    response = client.get("/v1/slots?service=gp_routine&start=2026-04-01T10:00:00+01:00&limit=1")
    assert response.status_code == 200
    assert response.json()[0]["start"] == "2026-04-01T10:00:00+01:00"


def test_search_by_channel_and_practitioner(client: TestClient, world: World) -> None:
    assert {s["channel"] for s in slots(client, channel="phone", limit=50)} == {"phone"}
    assert {s["practitioner"]["id"] for s in slots(client, practitioner=world.nurse_id, limit=50)} == {world.nurse_id}


def test_search_near_orders_by_distance_and_respects_radius(admin: TestClient, world: World) -> None:
    org = admin.post("/v1/admin/organisations", json={
        "ods_code": "ZZ9002", "name": "Far Surgery", "address": "York", "postcode": "YO1 7HH",
        "latitude": 53.96, "longitude": -1.08,
    }).json()
    loc = admin.post("/v1/admin/locations", json={
        "organisation_id": org["id"], "name": "Far Surgery", "address": "York", "postcode": "YO1 7HH",
        "latitude": 53.96, "longitude": -1.08,
    }).json()
    gp = admin.post("/v1/admin/practitioners", json={
        "organisation_id": org["id"], "role": "gp", "display_name": "Dr Far Away"}).json()
    admin.post("/v1/admin/sessions", json={
        "practitioner_id": gp["id"], "service": "gp_routine", "location_id": loc["id"], "weekdays": ["mon"],
        "start_time": "08:00", "end_time": "09:00", "slot_minutes": 15, "valid_from": "2026-03-01"})
    near_york = slots(admin, service="gp_routine", near="53.95,-1.09", radius_km=100, limit=3)
    assert [s["location"]["name"] for s in near_york] == ["Far Surgery"] * 3
    assert near_york[0]["distance_km"] < 2
    near_leeds = slots(admin, service="gp_routine", near="LS1 4AP", radius_km=5, limit=50)
    assert {s["location"]["name"] for s in near_leeds} == {"Test Surgery"}


def test_search_without_matches_is_an_empty_list(client: TestClient, world: World) -> None:
    assert slots(client, service="dental") == []


def test_search_bad_input_gets_actionable_422(client: TestClient, world: World) -> None:
    cases = {
        "weekday=funday": "unknown weekday",
        "start=yesterday": "ISO 8601",
        "start=2026-03-25T00:00:00Z&end=2026-03-24T00:00:00Z": "end must be after start",
        "near=somewhere%20nice": "near must be",
        "radius_km=5": "radius_km needs near",
    }
    for query, message in cases.items():
        response = client.get(f"/v1/slots?{query}")
        assert response.status_code == 422, query
        assert message in response.text, (query, response.text)
    assert client.get("/v1/slots?service=astrology").status_code == 422
    assert client.get("/v1/slots?limit=0").status_code == 422


def test_search_unknown_postcode_is_404(client: TestClient, world: World) -> None:
    response = client.get("/v1/slots", params={"near": "ZE2 9XX"})
    assert response.status_code == 404
    assert "postcode" in response.json()["detail"]
