"""Practices: found by name or postcode, remembered against a patient's pseudonym, and used to filter slots."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from booking_backend.audit.models import AuditEvent
from booking_backend.directory.models import Organisation
from booking_backend.patients.models import Patient
from tests.booking_backend.conftest import API_TOKEN, World, patient


@dataclass
class Practices:
    """The world's "Test Surgery" (LS1 4AP) and four more practices in Leeds."""

    test_surgery: int
    park_lane: int
    parkside: int
    chapel_allerton: int
    saint_eloi: int
    chapel_allerton_location: int


def add_practice(admin: TestClient, ods_code: str, name: str, postcode: str) -> int:
    response = admin.post("/v1/admin/organisations", json={
        "ods_code": ods_code, "name": name, "address": "1 Some Street, Leeds", "postcode": postcode,
        "latitude": 53.82, "longitude": -1.57,
    })
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def add_site(admin: TestClient, organisation_id: int, postcode: str, latitude: float = 53.82) -> int:
    response = admin.post("/v1/admin/locations", json={
        "organisation_id": organisation_id, "name": "Branch site", "address": "2 Other Street, Leeds",
        "postcode": postcode, "latitude": latitude, "longitude": -1.53,
    })
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


@pytest.fixture
def practices(admin: TestClient, world: World) -> Practices:
    chapel_allerton = add_practice(admin, "ZZ9004", "Chapel Allerton Surgery", "LS7 4SA")
    return Practices(
        test_surgery=world.organisation_id,
        park_lane=add_practice(admin, "ZZ9002", "The Park Lane Medical Centre", "LS6 1AA"),
        parkside=add_practice(admin, "ZZ9003", "Parkside Health", "LS6 2BB"),
        chapel_allerton=chapel_allerton,
        saint_eloi=add_practice(admin, "ZZ9005", "Saint Éloi Practice", "LS2 9JT"),
        # A branch site in another district.
        chapel_allerton_location=add_site(admin, chapel_allerton, "LS8 1NT"),
    )


def search(client: TestClient, q: str, **params: Any) -> list[dict[str, Any]]:
    response = client.get("/v1/organisations", params={"q": q, **params})
    assert response.status_code == 200, response.text
    return response.json()


def names(found: list[dict[str, Any]]) -> list[str]:
    return [o["name"] for o in found]


# ------------------------------------------------------------------------------------------ organisations


def test_organisations_by_name_gives_id_ods_code_name_and_postcode(client: TestClient, practices: Practices) -> None:
    assert search(client, "park lane") == [
        {"id": practices.park_lane, "ods_code": "ZZ9002", "name": "The Park Lane Medical Centre",
         "postcode": "LS6 1AA"},
    ]


@pytest.mark.parametrize("q", ["PARK LANE", "the park lane surgery", "Park Lane Medical Centre", "  park   lane  "])
def test_organisations_by_name_ignores_case_spacing_and_generic_words(client: TestClient, practices: Practices,
                                                                        q: str) -> None:
    assert names(search(client, q)) == ["The Park Lane Medical Centre"]


def test_organisations_by_name_whole_words_before_word_starts(client: TestClient, practices: Practices) -> None:
    # "park" is a word of Park Lane's name and the start of Parkside's.
    assert names(search(client, "park")) == ["The Park Lane Medical Centre", "Parkside Health"]


def test_organisations_by_name_needs_every_word(client: TestClient, practices: Practices) -> None:
    assert search(client, "park allerton") == []
    assert names(search(client, "chap")) == ["Chapel Allerton Surgery"]


def test_organisations_of_only_generic_or_short_words_match_nothing(client: TestClient, practices: Practices) -> None:
    assert search(client, "the surgery") == []
    assert search(client, "dr") == []


def test_organisations_by_name_in_other_alphabets_and_cases(client: TestClient, practices: Practices) -> None:
    assert names(search(client, "éloi")) == ["Saint Éloi Practice"]
    assert names(search(client, "SAINT ÉLOI")) == ["Saint Éloi Practice"]
    assert search(client, "診療所") == []


def test_organisations_by_outward_code_are_by_name(client: TestClient, practices: Practices) -> None:
    assert names(search(client, "ls6")) == ["Parkside Health", "The Park Lane Medical Centre"]


def test_organisations_by_full_postcode_exact_first_then_the_district(client: TestClient, practices: Practices) -> None:
    assert names(search(client, "LS6 2BB")) == ["Parkside Health", "The Park Lane Medical Centre"]
    assert names(search(client, "ls14ap")) == ["Test Surgery"]


def test_organisations_by_postcode_of_a_branch_site(client: TestClient, practices: Practices) -> None:
    assert names(search(client, "LS8")) == ["Chapel Allerton Surgery"]


def test_organisations_by_unknown_postcode_is_an_empty_list(client: TestClient, practices: Practices) -> None:
    assert search(client, "ZE1 0AA") == []
    assert search(client, "LS61") == []  # not LS6 nor LS1


def test_organisations_limit(client: TestClient, practices: Practices) -> None:
    assert names(search(client, "LS6", limit=1)) == ["Parkside Health"]
    for limit in (0, 51):
        response = client.get("/v1/organisations", params={"q": "LS6", "limit": limit})
        assert response.status_code == 422, response.text


@pytest.mark.parametrize("q", ["", " ", "\t \n"])
def test_organisations_empty_q_is_422_saying_what_to_give(client: TestClient, q: str) -> None:
    response = client.get("/v1/organisations", params={"q": q})
    assert response.status_code == 422
    assert response.json() == {
        "code": "invalid_request",
        "detail": "q must give a practice's name (e.g. Park Lane) or a postcode (e.g. LS1 4AP or LS1)",
    }


def test_organisations_without_q_is_422(client: TestClient) -> None:
    response = client.get("/v1/organisations")
    assert response.status_code == 422
    assert response.json()["detail"].startswith("query.q: ")


def test_organisations_q_too_long_is_422(client: TestClient, practices: Practices) -> None:
    response = client.get("/v1/organisations", params={"q": "park " * 21})
    assert response.status_code == 422
    assert response.json()["detail"].startswith("query.q: ")


@pytest.mark.parametrize("q", ["' OR 1=1 --", "park'; DROP TABLE organisations; --", "%", "%%%", "_ark lane",
                               "pa%k", "\\", "LS6%"])
def test_organisations_sql_like_input_is_only_text(client: TestClient, session: Session, practices: Practices,
                                                   q: str) -> None:
    response = client.get("/v1/organisations", params={"q": q})

    assert response.status_code in (200, 422), response.text
    if response.status_code == 200:
        # Neither quotes nor LIKE's wildcards widen the match: "_ark" is not "park", "%" is no name.
        assert "The Park Lane Medical Centre" not in names(response.json())
    assert session.scalar(select(func.count()).select_from(Organisation)) == 5


def test_organisations_control_characters_separate_words(client: TestClient, practices: Practices) -> None:
    # Never sent to the database as they are (PostgreSQL refuses a NUL in text).
    assert names(search(client, "park\x00lane")) == ["The Park Lane Medical Centre"]
    assert names(search(client, "park\x1blane")) == ["The Park Lane Medical Centre"]


# ------------------------------------------------------------------------------------------- the practice


def practice_of(client: TestClient, patient_ref: str) -> Any:
    response = client.get("/v1/patients/practice", params={"patient_ref": patient_ref})
    assert response.status_code == 200, response.text
    return response.json()


def set_practice(client: TestClient, patient_ref: str, organisation_id: Any, **headers: str) -> Any:
    return client.put("/v1/patients/practice", json={"patient_ref": patient_ref, "organisation_id": organisation_id},
                      headers=headers)


def test_practice_of_an_unknown_patient_is_null(client: TestClient, session: Session) -> None:
    assert practice_of(client, patient(1)) == {"organisation": None}
    assert session.scalar(select(func.count()).select_from(Patient)) == 0  # a read creates no patient


def test_practice_set_then_read_back(client: TestClient, session: Session, practices: Practices) -> None:
    expected = {"organisation": {"id": practices.park_lane, "ods_code": "ZZ9002",
                                 "name": "The Park Lane Medical Centre", "postcode": "LS6 1AA"}}

    response = set_practice(client, patient(1), practices.park_lane)

    assert response.status_code == 200, response.text
    assert response.json() == expected
    assert practice_of(client, patient(1)) == expected
    assert practice_of(client, patient(2)) == {"organisation": None}
    stored = session.scalars(select(Patient).where(Patient.ref == patient(1))).one()
    assert stored.practice_id == practices.park_lane


def test_practice_set_for_a_known_patient_keeps_the_same_row(
    client: TestClient, session: Session, first_slot: dict[str, Any], practices: Practices
) -> None:
    held = client.post("/v1/holds", json={"slot_id": first_slot["id"], "patient_ref": patient(1)})
    assert held.status_code == 201, held.text

    assert set_practice(client, patient(1), practices.parkside).status_code == 200

    assert session.scalar(select(func.count()).select_from(Patient)) == 1
    assert practice_of(client, patient(1))["organisation"]["id"] == practices.parkside


def test_practice_set_twice_is_the_same_and_audited_once(client: TestClient, session: Session,
                                                         practices: Practices) -> None:
    first = set_practice(client, patient(1), practices.park_lane)
    second = set_practice(client, patient(1), practices.park_lane)

    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    audited = session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "practice_set"))
    assert audited == 1


def test_practice_changed(client: TestClient, practices: Practices) -> None:
    set_practice(client, patient(1), practices.park_lane)

    response = set_practice(client, patient(1), practices.chapel_allerton)

    assert response.json()["organisation"]["name"] == "Chapel Allerton Surgery"
    assert practice_of(client, patient(1))["organisation"]["name"] == "Chapel Allerton Surgery"


def test_practice_unknown_organisation_is_404_and_writes_nothing(client: TestClient, session: Session,
                                                                 practices: Practices) -> None:
    response = set_practice(client, patient(1), 999_999)

    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "No organisation with id 999999"}
    assert session.scalar(select(func.count()).select_from(Patient)) == 0


@pytest.mark.parametrize("organisation_id", [0, -1, 2**31, "1", 1.5, True, None])
def test_practice_organisation_id_not_a_valid_id_is_422(client: TestClient, organisation_id: Any) -> None:
    response = set_practice(client, patient(1), organisation_id)
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "invalid_request"


@pytest.mark.parametrize("patient_ref", ["+447700900123", "telegram:123456789", "", "p_" + "A" * 64])
def test_practice_patient_ref_not_a_pseudonym_is_422_and_not_echoed(client: TestClient, practices: Practices,
                                                                    patient_ref: str) -> None:
    put = set_practice(client, patient_ref, practices.park_lane)
    get = client.get("/v1/patients/practice", params={"patient_ref": patient_ref})

    for response in (put, get):
        assert response.status_code == 422, response.text
        assert response.json()["code"] == "invalid_request"
        if patient_ref:
            assert patient_ref not in response.text


def test_practice_replayed_idempotency_key_answers_as_the_first(client: TestClient, practices: Practices) -> None:
    first = set_practice(client, patient(1), practices.park_lane, **{"Idempotency-Key": "turn-1"})
    # Meanwhile the patient changed their mind; a late retry of the first request must not undo that.
    set_practice(client, patient(1), practices.parkside, **{"Idempotency-Key": "turn-2"})

    replay = set_practice(client, patient(1), practices.park_lane, **{"Idempotency-Key": "turn-1"})

    assert replay.status_code == 200
    assert replay.headers["Idempotent-Replay"] == "true"
    assert replay.json() == first.json()
    assert practice_of(client, patient(1))["organisation"]["id"] == practices.parkside


def test_practice_idempotency_key_with_another_body_is_422(client: TestClient, practices: Practices) -> None:
    set_practice(client, patient(1), practices.park_lane, **{"Idempotency-Key": "turn-1"})

    response = set_practice(client, patient(1), practices.parkside, **{"Idempotency-Key": "turn-1"})

    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"


# ------------------------------------------------------------------------------------------------ the token


@pytest.fixture
def stranger(app: FastAPI) -> Any:
    with TestClient(app) as test_client:
        yield test_client


REQUESTS: dict[str, tuple[str, str, dict[str, Any]]] = {
    "organisations": ("GET", "/v1/organisations", {"params": {"q": "park"}}),
    "practice": ("GET", "/v1/patients/practice", {"params": {"patient_ref": patient(1)}}),
    "set practice": ("PUT", "/v1/patients/practice", {"json": {"patient_ref": patient(1), "organisation_id": 1}}),
}


@pytest.mark.parametrize("request_name", list(REQUESTS))
@pytest.mark.parametrize("authorization", [None, "Bearer " + "x" * len(API_TOKEN), API_TOKEN])
def test_practice_routes_without_the_token_are_401(stranger: TestClient, session: Session, practices: Practices,
                                                   request_name: str, authorization: str | None) -> None:
    method, url, options = REQUESTS[request_name]
    headers = {"Authorization": authorization} if authorization else {}

    response = stranger.request(method, url, headers=headers, **options)

    assert response.status_code == 401, response.text
    assert response.json()["code"] == "unauthorized"
    assert session.scalar(select(func.count()).select_from(Patient)) == 0


# -------------------------------------------------------------------------------------------------- slots


@dataclass
class TwoPractices:
    test_surgery: int
    other: int
    other_location: int


@pytest.fixture
def two_practices(admin: TestClient, world: World) -> TwoPractices:
    """The world's practice and another with a GP session at the same hours, a short walk away."""
    other = add_practice(admin, "ZZ9010", "Other Surgery", "LS2 7EW")
    location = add_site(admin, other, "LS2 7EW", latitude=53.80)
    gp = admin.post("/v1/admin/practitioners", json={
        "organisation_id": other, "role": "gp", "display_name": "Dr Other Gp", "bio": "Another GP.",
    }).json()
    created = admin.post("/v1/admin/sessions", json={
        "practitioner_id": gp["id"], "service": "gp_routine", "location_id": location,
        "weekdays": ["mon", "tue", "wed", "thu", "fri"], "start_time": "09:00", "end_time": "12:00",
        "slot_minutes": 15, "channel": "in_person", "valid_from": "2026-03-01",
    })
    assert created.status_code == 201, created.text
    return TwoPractices(world.organisation_id, other, location)


def organisations_of(client: TestClient, **params: Any) -> set[str]:
    response = client.get("/v1/slots", params={"service": "gp_routine", "limit": 40, **params})
    assert response.status_code == 200, response.text
    return {slot["location"]["organisation"] for slot in response.json()}


def test_slots_of_one_practice_only(client: TestClient, two_practices: TwoPractices) -> None:
    assert organisations_of(client) == {"Test Surgery", "Other Surgery"}
    assert organisations_of(client, organisation_id=two_practices.other) == {"Other Surgery"}
    assert organisations_of(client, organisation_id=two_practices.test_surgery) == {"Test Surgery"}


def test_slots_of_several_practices(client: TestClient, two_practices: TwoPractices) -> None:
    found = organisations_of(client, organisation_id=[two_practices.test_surgery, two_practices.other])
    assert found == {"Test Surgery", "Other Surgery"}


def test_slots_of_a_practice_near_a_place(client: TestClient, two_practices: TwoPractices) -> None:
    assert organisations_of(client, organisation_id=two_practices.other, near="LS1 4AP") == {"Other Surgery"}


def test_slots_of_an_unknown_practice_is_an_empty_list(client: TestClient, two_practices: TwoPractices) -> None:
    assert organisations_of(client, organisation_id=999_999) == set()


@pytest.mark.parametrize("organisation_id", ["0", "-1", "abc", str(2**31)])
def test_slots_organisation_id_not_a_valid_id_is_422(client: TestClient, world: World, organisation_id: str) -> None:
    response = client.get("/v1/slots", params={"organisation_id": organisation_id})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_request"


def test_slots_more_than_twenty_practices_is_422(client: TestClient, world: World) -> None:
    response = client.get("/v1/slots", params={"organisation_id": list(range(1, 22))})
    assert response.status_code == 422
    assert response.json()["detail"].startswith("query.organisation_id: ")
