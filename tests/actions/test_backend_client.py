"""The backend client against a real booking backend process: results, typed refusals, retries, keys."""

from __future__ import annotations

import asyncio
import logging
import socket
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

import httpx
import pytest

from actions import backend_client
from actions.backend_client import (
    BackendClient,
    BackendUnavailable,
    Booking,
    BookingNotActive,
    HoldExpired,
    HoldNotActive,
    IdempotencyKeyReused,
    InvalidRequest,
    NotFound,
    Organisation,
    QuotaExceeded,
    Slot,
    SlotUnavailable,
    TooLateToChange,
    WaitlistPreferences,
    close_client,
    get_client,
    turn_key,
)
from actions.patient_ref import patient_ref

pytestmark = pytest.mark.anyio
UK = backend_client.UK


def new_key() -> str:
    return turn_key("p_test_sender_000001", uuid.uuid4().hex, "action_test")


def new_patient() -> str:
    """A pseudonym made the way the actions make one, for a sender nobody else uses."""
    return patient_ref(f"test-{uuid.uuid4().hex}")


@pytest.fixture
async def client(backend_url: str) -> AsyncIterator[BackendClient]:
    async with BackendClient(backend_url) as client:
        yield client


@pytest.fixture
async def strict_client(strict_backend_url: str) -> AsyncIterator[BackendClient]:
    async with BackendClient(strict_backend_url) as client:
        yield client


async def free_slots(client: BackendClient, count: int = 2, service: str = "gp_routine",
                     days_ahead: int = 3) -> list[Slot]:
    """Free slots far enough ahead to be outside the default minimum notice."""
    slots = await client.search_slots(service, start=datetime.now(UK) + timedelta(days=days_ahead), limit=count)
    assert len(slots) == count
    return slots


async def booked(client: BackendClient, patient: str, slot: Slot) -> Booking:
    hold = await client.hold(slot.id, patient, idempotency_key=new_key())
    return await client.book(hold.id, patient, idempotency_key=new_key())


# ------------------------------------------------------------------------------------------------ directory


async def test_services_lists_the_routed_services(client: BackendClient) -> None:
    services = {service.code: service for service in await client.services()}

    assert {"gp_routine", "practice_nurse", "pharmacist", "physiotherapist"} <= set(services)
    assert services["gp_routine"].name


async def test_practitioners_filter_by_role_nearest_first(client: BackendClient) -> None:
    physios = await client.practitioners(role="physiotherapist", near="LS1 4AP")

    assert physios and {p.role for p in physios} == {"physiotherapist"}
    distances = [p.distance_km if p.distance_km is not None else -1.0 for p in physios]
    assert min(distances) >= 0 and distances == sorted(distances)


async def test_practitioner_by_id_has_bio_and_languages(client: BackendClient) -> None:
    listed = (await client.practitioners(role="gp"))[0]

    practitioner = await client.practitioner(listed.id)

    assert practitioner == listed
    assert practitioner.bio and practitioner.languages and practitioner.organisation_name


async def test_practitioner_unknown_raises_not_found(client: BackendClient) -> None:
    with pytest.raises(NotFound) as refused:
        await client.practitioner(999_999)

    assert refused.value.status_code == 404 and refused.value.code == "not_found"


async def test_organisations_by_name_and_by_postcode(client: BackendClient) -> None:
    by_name = await client.organisations("the riverside surgery")
    by_postcode = await client.organisations("LS1 4AP", limit=1)

    assert [o.name for o in by_name] == ["Riverside Medical Practice"]
    assert isinstance(by_name[0], Organisation)
    assert by_name[0].ods_code == "ZZ1001" and by_name[0].postcode == "LS1 4AP"
    assert by_postcode == by_name


async def test_organisations_no_match_is_empty_and_empty_q_raises_invalid_request(client: BackendClient) -> None:
    assert await client.organisations("no such practice anywhere") == []

    with pytest.raises(InvalidRequest) as refused:
        await client.organisations("  ")

    assert refused.value.status_code == 422 and "postcode" in str(refused.value)


async def test_patient_practice_set_and_read_back(client: BackendClient) -> None:
    patient = new_patient()
    practice = (await client.organisations("Hillview"))[0]
    assert await client.patient_practice(patient) is None

    chosen = await client.set_patient_practice(patient, practice.id, idempotency_key=new_key())
    again = await client.set_patient_practice(patient, practice.id, idempotency_key=new_key())

    assert chosen == again == practice
    assert await client.patient_practice(patient) == practice


async def test_set_patient_practice_unknown_organisation_raises_not_found(client: BackendClient) -> None:
    patient = new_patient()

    with pytest.raises(NotFound):
        await client.set_patient_practice(patient, 999_999, idempotency_key=new_key())

    assert await client.patient_practice(patient) is None


async def test_set_patient_practice_replayed_key_returns_the_first_answer(client: BackendClient) -> None:
    patient, key = new_patient(), new_key()
    hillview, riverside = (await client.organisations("Hillview"))[0], (await client.organisations("Riverside"))[0]
    await client.set_patient_practice(patient, hillview.id, idempotency_key=key)

    assert await client.set_patient_practice(patient, hillview.id, idempotency_key=key) == hillview
    with pytest.raises(IdempotencyKeyReused):
        await client.set_patient_practice(patient, riverside.id, idempotency_key=key)


async def test_set_patient_practice_without_idempotency_key_is_refused_before_sending(client: BackendClient) -> None:
    with pytest.raises(ValueError, match="idempotency_key"):
        await client.set_patient_practice(new_patient(), 1, idempotency_key="")


# -------------------------------------------------------------------------------------------------- search


async def test_search_slots_of_one_or_several_practices(client: BackendClient) -> None:
    riverside = (await client.organisations("Riverside"))[0]
    hillview = (await client.organisations("Hillview"))[0]

    at_riverside = await client.search_slots("gp_routine", organisation_id=riverside.id, limit=30)
    at_either = await client.search_slots("gp_routine", organisation_id=[riverside.id, hillview.id], limit=60)

    assert at_riverside and {s.location.organisation for s in at_riverside} == {riverside.name}
    assert {s.location.organisation for s in at_either} <= {riverside.name, hillview.name}
    assert hillview.name in {s.location.organisation for s in at_either}


async def test_search_slots_weekdays_and_part_of_day_filter(client: BackendClient) -> None:
    start = datetime.now(UK) + timedelta(days=1)
    end = start + timedelta(days=14)

    slots = await client.search_slots("gp_routine", start=start, end=end, weekdays=["tue", "thu"],
                                      part_of_day="afternoon", limit=30)

    assert slots
    for slot in slots:
        assert slot.start.tzinfo is UK and slot.end.tzinfo is UK
        assert slot.start.weekday() in (1, 3) and 12 <= slot.start.hour < 18
        assert start <= slot.start < end and slot.service == "gp_routine"
    assert [s.start for s in slots] == sorted(s.start for s in slots)


async def test_search_slots_by_channel_and_practitioner(client: BackendClient) -> None:
    first = (await free_slots(client, 1))[0]

    slots = await client.search_slots(practitioner=first.practitioner.id, channel=first.channel, limit=5)

    assert slots and {(s.practitioner.id, s.channel) for s in slots} == {(first.practitioner.id, first.channel)}


async def test_search_slots_domain_refusal_raises_invalid_request_with_message(client: BackendClient) -> None:
    with pytest.raises(InvalidRequest) as refused:
        await client.search_slots("gp_routine", radius_km=5)

    assert refused.value.status_code == 422 and refused.value.code == "invalid_request"
    assert "radius_km needs near" in refused.value.message


async def test_search_slots_validation_error_raises_invalid_request_naming_the_field(client: BackendClient) -> None:
    with pytest.raises(InvalidRequest) as refused:
        await client.search_slots("gp_routine", limit=1000)

    assert refused.value.message == "query.limit: Input should be less than or equal to 100"


# ---------------------------------------------------------------------------------------- holds and bookings


async def test_booking_flow_search_hold_book_upcoming_cancel(client: BackendClient) -> None:
    patient = new_patient()
    slot = (await free_slots(client, 1))[0]

    hold = await client.hold(slot.id, patient, idempotency_key=new_key())
    booking = await client.book(hold.id, patient, idempotency_key=new_key())
    upcoming = await client.upcoming(patient)
    cancelled = await client.cancel(booking.id, patient, idempotency_key=new_key())

    assert hold.slot_id == slot.id and hold.expires_at > datetime.now(UK)
    assert booking.status == "booked" and booking.slot == slot
    assert upcoming == [booking]
    assert cancelled.id == booking.id and cancelled.status == "cancelled"
    assert await client.upcoming(patient) == []
    assert slot.id in {s.id for s in await client.search_slots(practitioner=slot.practitioner.id, start=slot.start,
                                                              end=slot.end)}


async def test_book_for_a_dependant_records_the_label(client: BackendClient) -> None:
    patient = new_patient()
    slot = (await free_slots(client, 1, service="practice_nurse"))[0]
    hold = await client.hold(slot.id, patient, idempotency_key=new_key())

    booking = await client.book(hold.id, patient, idempotency_key=new_key(), dependant_label="Amy")

    assert booking.dependant_label == "Amy"


async def test_reschedule_moves_the_booking_to_the_new_slot(client: BackendClient) -> None:
    patient = new_patient()
    first, second = await free_slots(client, 2)
    booking = await booked(client, patient, first)

    moved = await client.reschedule(booking.id, patient, second.id, idempotency_key=new_key())

    assert moved.slot.id == second.id and moved.replaces_id == booking.id and moved.status == "booked"
    assert [(b.id, b.slot.id) for b in await client.upcoming(patient)] == [(moved.id, second.id)]


async def test_hold_slot_held_by_another_patient_raises_slot_unavailable(client: BackendClient) -> None:
    slot = (await free_slots(client, 1))[0]
    await client.hold(slot.id, new_patient(), idempotency_key=new_key())

    with pytest.raises(SlotUnavailable) as refused:
        await client.hold(slot.id, new_patient(), idempotency_key=new_key())

    assert refused.value.status_code == 409 and "someone else" in refused.value.message


async def test_book_released_hold_raises_hold_expired(client: BackendClient) -> None:
    patient = new_patient()
    slot = (await free_slots(client, 1))[0]
    hold = await client.hold(slot.id, patient, idempotency_key=new_key())
    await client.release_hold(hold.id, patient, idempotency_key=new_key())

    with pytest.raises(HoldExpired) as refused:
        await client.book(hold.id, patient, idempotency_key=new_key())

    assert refused.value.status_code == 410


async def test_book_after_the_hold_lapses_raises_hold_expired(strict_client: BackendClient) -> None:
    patient = new_patient()
    slot = (await strict_client.search_slots("gp_routine", start=datetime.now(UK) + timedelta(days=1), limit=1))[0]
    hold = await strict_client.hold(slot.id, patient, idempotency_key=new_key())

    await asyncio.sleep(max(0.0, (hold.expires_at - datetime.now(UK)).total_seconds()) + 0.5)

    with pytest.raises(HoldExpired):
        await strict_client.book(hold.id, patient, idempotency_key=new_key())


async def test_book_a_confirmed_hold_again_raises_hold_not_active(client: BackendClient) -> None:
    patient = new_patient()
    slot = (await free_slots(client, 1))[0]
    hold = await client.hold(slot.id, patient, idempotency_key=new_key())
    await client.book(hold.id, patient, idempotency_key=new_key())

    with pytest.raises(HoldNotActive):
        await client.book(hold.id, patient, idempotency_key=new_key())


async def test_cancel_inside_minimum_notice_raises_too_late_to_change(strict_client: BackendClient) -> None:
    patient = new_patient()
    slot = (await strict_client.search_slots("gp_routine", start=datetime.now(UK) + timedelta(hours=1), limit=1))[0]
    booking = await booked(strict_client, patient, slot)

    with pytest.raises(TooLateToChange) as refused:
        await strict_client.cancel(booking.id, patient, idempotency_key=new_key())

    assert refused.value.code == "inside_minimum_notice" and "phone the practice" in refused.value.message
    assert await strict_client.upcoming(patient) == [booking]


async def test_cancel_a_cancelled_booking_raises_booking_not_active(client: BackendClient) -> None:
    patient = new_patient()
    booking = await booked(client, patient, (await free_slots(client, 1))[0])
    await client.cancel(booking.id, patient, idempotency_key=new_key())

    with pytest.raises(BookingNotActive):
        await client.cancel(booking.id, patient, idempotency_key=new_key())


async def test_cancel_another_patients_booking_raises_not_found(client: BackendClient) -> None:
    owner = new_patient()
    booking = await booked(client, owner, (await free_slots(client, 1))[0])
    await client.upcoming(new_patient())

    with pytest.raises(NotFound):
        await client.cancel(booking.id, new_patient(), idempotency_key=new_key())

    assert await client.upcoming(owner) == [booking]


async def test_book_beyond_the_quota_raises_quota_exceeded(
    client: BackendClient, backend_url: str, admin_key: str
) -> None:
    patient = new_patient()
    quota = httpx.post(f"{backend_url}/v1/admin/patients/quota", json={"patient_ref": patient, "quota": 1},
                       headers={"X-API-Key": admin_key}, timeout=5)
    assert quota.status_code == 200, quota.text
    first, second = await free_slots(client, 2)
    await booked(client, patient, first)
    hold = await client.hold(second.id, patient, idempotency_key=new_key())

    with pytest.raises(QuotaExceeded) as refused:
        await client.book(hold.id, patient, idempotency_key=new_key())

    assert refused.value.status_code == 409 and "the practice can arrange more" in refused.value.message


async def test_hold_with_a_phone_number_raises_invalid_request_without_echoing_it(client: BackendClient) -> None:
    slot = (await free_slots(client, 1))[0]

    with pytest.raises(InvalidRequest) as refused:
        await client.hold(slot.id, "07700900123", idempotency_key=new_key())

    assert "patient_ref" in refused.value.message and "07700900123" not in refused.value.message


async def test_join_waitlist_keeps_the_preferences(client: BackendClient) -> None:
    wishes = WaitlistPreferences(weekdays=["tue"], part_of_day=["morning"], channel="phone")

    entry = await client.join_waitlist(new_patient(), "physiotherapist", wishes, idempotency_key=new_key())

    assert entry.service == "physiotherapist" and entry.status == "waiting"
    assert entry.preferences == wishes and entry.created_at.tzinfo is UK


async def test_upcoming_unknown_patient_is_empty(client: BackendClient) -> None:
    assert await client.upcoming(new_patient()) == []


# ------------------------------------------------------------------------------------------------ idempotency


async def test_hold_replayed_with_the_same_key_returns_the_same_hold(client: BackendClient) -> None:
    patient, key = new_patient(), new_key()
    first_slot, other_slot = await free_slots(client, 2)

    first = await client.hold(first_slot.id, patient, idempotency_key=key)
    replay = await client.hold(first_slot.id, patient, idempotency_key=key)

    assert replay == first
    with pytest.raises(IdempotencyKeyReused):
        await client.hold(other_slot.id, patient, idempotency_key=key)


async def test_cancel_replayed_with_the_same_key_returns_the_first_answer(client: BackendClient) -> None:
    patient, key = new_patient(), new_key()
    booking = await booked(client, patient, (await free_slots(client, 1))[0])

    first = await client.cancel(booking.id, patient, idempotency_key=key)
    replay = await client.cancel(booking.id, patient, idempotency_key=key)

    assert replay == first and replay.status == "cancelled"


async def test_post_without_idempotency_key_is_refused_before_sending(client: BackendClient) -> None:
    with pytest.raises(ValueError, match="idempotency_key"):
        await client.hold(1, new_patient(), idempotency_key="")


def test_turn_key_stable_per_turn_and_action_without_the_sender_id() -> None:
    sender = "p_3f9a1c0b7e6d5a4f"

    key = turn_key(sender, 1_763_740_800.123456, "action_hold_slot")

    assert key == turn_key(sender, 1_763_740_800.123456, "action_hold_slot")
    assert sender not in key and len(key) <= 255
    assert len({
        key,
        turn_key(sender, 1_763_740_801.0, "action_hold_slot"),
        turn_key(sender, 1_763_740_800.123456, "action_book_slot"),
        turn_key("p_another_sender_01", 1_763_740_800.123456, "action_hold_slot"),
        turn_key(sender, 1_763_740_800.123456, "action_hold_slot", step="release"),
        turn_key(sender, "3f2b8c0e9d7a4c1b", "action_hold_slot"),
    }) == 6


# ---------------------------------------------------------------------------------------- failures and retries


@contextmanager
def port_without_listener() -> Iterator[str]:
    """A loopback port that is bound (so nobody else takes it) but not listening: connections are refused."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as bound:
        bound.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{bound.getsockname()[1]}"


async def test_backend_not_listening_raises_backend_unavailable_quickly() -> None:
    with port_without_listener() as url:
        started = time.monotonic()
        async with BackendClient(url) as client:
            with pytest.raises(BackendUnavailable):
                await client.services()
            with pytest.raises(BackendUnavailable):
                await client.hold(1, new_patient(), idempotency_key=new_key())

    assert time.monotonic() - started < 5


def scripted(statuses: list[int], body: object, seen: list[httpx.Request]) -> httpx.MockTransport:
    """A network that answers each request with the next status (the last one repeats)."""

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        status = statuses[min(len(seen), len(statuses)) - 1]
        return httpx.Response(status, json=body if status < 400 else {"code": "x", "detail": "boom"})

    return httpx.MockTransport(answer)


async def test_get_retried_after_5xx_until_it_succeeds() -> None:
    seen: list[httpx.Request] = []
    transport = scripted([503, 502, 200], [], seen)

    async with BackendClient("http://backend.test", transport=transport, backoff_seconds=0.01) as client:
        assert await client.services() == []

    assert len(seen) == 3


async def test_post_retried_after_5xx_replays_the_same_idempotency_key() -> None:
    seen: list[httpx.Request] = []
    hold = {"id": 7, "slot_id": 3, "expires_at": "2026-03-29T01:30:00+00:00"}
    transport = scripted([500, 201], hold, seen)

    async with BackendClient("http://backend.test", transport=transport, backoff_seconds=0.01) as client:
        result = await client.hold(3, new_patient(), idempotency_key="turn-abc")

    assert [r.headers["Idempotency-Key"] for r in seen] == ["turn-abc", "turn-abc"]
    assert result.expires_at == datetime(2026, 3, 29, 2, 30, tzinfo=UK)  # BST began at 01:00 GMT


async def test_post_retried_after_a_read_timeout_replays_the_same_idempotency_key() -> None:
    seen: list[httpx.Request] = []
    booking_answer = {"code": "hold_expired", "detail": "This hold has expired or was released"}

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if len(seen) == 1:
            raise httpx.ReadTimeout("no answer in time", request=request)
        return httpx.Response(410, json=booking_answer)

    async with BackendClient("http://backend.test", transport=httpx.MockTransport(answer),
                             backoff_seconds=0.01) as client:
        with pytest.raises(HoldExpired):
            await client.book(5, new_patient(), idempotency_key="turn-def")

    assert [r.headers["Idempotency-Key"] for r in seen] == ["turn-def", "turn-def"]
    assert seen[0].content == seen[1].content


async def test_persistent_5xx_raises_backend_unavailable_after_bounded_attempts() -> None:
    seen: list[httpx.Request] = []

    async with BackendClient("http://backend.test", transport=scripted([503], [], seen), attempts=3,
                             backoff_seconds=0.01) as client:
        with pytest.raises(BackendUnavailable) as failure:
            await client.upcoming(new_patient())

    assert len(seen) == 3 and failure.value.status_code == 503


async def test_refusal_is_not_retried() -> None:
    seen: list[httpx.Request] = []

    async with BackendClient("http://backend.test", transport=scripted([409], [], seen),
                             backoff_seconds=0.01) as client:
        with pytest.raises(backend_client.Conflict):
            await client.cancel(1, new_patient(), idempotency_key="turn-abc")

    assert len(seen) == 1


async def test_unreadable_answer_raises_backend_unavailable() -> None:
    seen: list[httpx.Request] = []

    async with BackendClient("http://backend.test", transport=scripted([200], {"not": "a list"}, seen)) as client:
        with pytest.raises(BackendUnavailable):
            await client.services()


# --------------------------------------------------------------------------------------- shared client, logging


async def test_get_client_is_built_lazily_from_the_environment_and_shared(shared_client_on_backend: str) -> None:
    client = get_client()

    assert client is get_client() and client.base_url == shared_client_on_backend
    assert await client.services()


async def test_close_client_lets_the_next_call_build_a_new_one(shared_client_on_backend: str) -> None:
    first = get_client()

    await close_client()

    assert get_client() is not first


async def test_requests_keep_patient_ref_out_of_the_logs(
    client: BackendClient, caplog: pytest.LogCaptureFixture
) -> None:
    patient = new_patient()
    caplog.set_level(logging.DEBUG)

    await client.upcoming(patient)
    await client.hold((await free_slots(client, 1))[0].id, patient, idempotency_key=new_key())
    await client.patient_practice(patient)
    await client.set_patient_practice(patient, (await client.organisations("Hillview"))[0].id,
                                      idempotency_key=new_key())

    assert "/v1/bookings" in caplog.text and "/v1/holds" in caplog.text and "/v1/patients/practice" in caplog.text
    assert patient not in caplog.text
