"""The backend client sends BACKEND_API_TOKEN; a missing or refused token reads as the backend being unavailable."""

from __future__ import annotations

import re

import httpx
import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.action_emergency import ActionEmergency
from actions.action_offer_slots import ActionOfferSlots
from actions.backend_client import (
    ApiTokenRefused,
    BackendClient,
    BackendUnavailable,
    MissingApiToken,
    close_client,
)
from tests.actions import booking_trackers, triage_trackers
from tests.stack import BACKEND_API_TOKEN

pytestmark = pytest.mark.anyio
WRONG_TOKEN = "w" * len(BACKEND_API_TOKEN)


def recording(seen: list[httpx.Request], status: int = 200) -> httpx.MockTransport:
    """A network that notes every request and answers `status` with an empty list."""

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(status, json=[] if status < 400 else {"code": "unauthorized", "detail": "no"})

    return httpx.MockTransport(answer)


async def test_backend_api_token_sent_as_bearer_on_gets_and_posts() -> None:
    seen: list[httpx.Request] = []

    async with BackendClient("http://backend.test", transport=recording(seen)) as client:
        await client.services()
        with pytest.raises(BackendUnavailable):  # the canned empty list is no Hold: only the header matters here
            await client.hold(1, "p_" + "0" * 64, idempotency_key="turn-abc")

    assert [request.headers["Authorization"] for request in seen] == [f"Bearer {BACKEND_API_TOKEN}"] * 2


async def test_backend_api_token_accepted_by_the_real_backend(backend_url: str) -> None:
    async with BackendClient(backend_url) as client:
        assert await client.search_slots("gp_routine", limit=1)


async def test_backend_api_token_wrong_raises_api_token_refused_once(backend_url: str) -> None:
    async with BackendClient(backend_url, api_token=WRONG_TOKEN) as client:
        with pytest.raises(ApiTokenRefused) as refused:
            await client.search_slots("gp_routine", limit=1)

    assert isinstance(refused.value, BackendUnavailable) and refused.value.status_code == 401
    assert WRONG_TOKEN not in str(refused.value)


async def test_backend_api_token_refusal_is_not_retried() -> None:
    seen: list[httpx.Request] = []

    async with BackendClient("http://backend.test", transport=recording(seen, 401), backoff_seconds=0.01) as client:
        with pytest.raises(ApiTokenRefused):
            await client.cancel(1, "p_" + "0" * 64, idempotency_key="turn-abc")

    assert len(seen) == 1


@pytest.mark.parametrize(("environment", "named"), [("production", "production"), (None, "(unset)")])
async def test_backend_api_token_missing_outside_development_raises_before_sending(
    monkeypatch: pytest.MonkeyPatch, environment: str | None, named: str
) -> None:
    monkeypatch.delenv("BACKEND_API_TOKEN")
    if environment is None:
        monkeypatch.delenv("ENVIRONMENT", raising=False)
    else:
        monkeypatch.setenv("ENVIRONMENT", environment)
    seen: list[httpx.Request] = []
    expected = f"BACKEND_API_TOKEN must be set when ENVIRONMENT={named}"

    async with BackendClient("http://backend.test", transport=recording(seen)) as client:  # built without it
        with pytest.raises(MissingApiToken, match=f"^{re.escape(expected)}$"):
            await client.services()

    assert seen == []


@pytest.mark.parametrize("environment", ["development", "test"])
async def test_backend_api_token_unset_in_development_sends_the_backends_development_value(
    monkeypatch: pytest.MonkeyPatch, environment: str
) -> None:
    monkeypatch.delenv("BACKEND_API_TOKEN")
    monkeypatch.setenv("ENVIRONMENT", environment)
    seen: list[httpx.Request] = []

    async with BackendClient("http://backend.test", transport=recording(seen)) as client:
        await client.services()

    # booking_backend/settings.py's DEVELOPMENT_API_TOKEN: the two sides share no code, so it is pinned in both.
    assert seen[0].headers["Authorization"] == "Bearer dev-backend-api-token"


async def test_offer_slots_with_a_refused_token_says_how_else_to_book(
    backend_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BACKEND_API_TOKEN", WRONG_TOKEN)
    await booking_trackers.point_client_at(backend_url, monkeypatch)
    dispatcher = CollectingDispatcher()
    try:
        events = await ActionOfferSlots().run(
            dispatcher, booking_trackers.tracker(slots={"routed_service": "gp_routine"}), booking_trackers.DOMAIN)
    finally:
        await close_client()

    assert booking_trackers.responses(dispatcher) == ["utter_backend_down"]
    assert events[0] == SlotSet("booking_outcome", "backend_down")


async def test_action_emergency_without_a_token_in_production_still_gives_the_advice(
    backend_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setenv("PATIENT_REF_SECRET", "a-production-like-patient-ref-secret")
    monkeypatch.delenv("BACKEND_API_TOKEN")
    await booking_trackers.point_client_at(backend_url, monkeypatch)
    state = triage_trackers.tracker("crushing chest pain", "describe_symptoms", slots={"hold_id": 7},
                                    entities=[{"entity": "red_flag", "value": "emergency_999", "start": 0, "end": 5}])
    dispatcher = CollectingDispatcher()
    try:
        events = await ActionEmergency().run(dispatcher, state, triage_trackers.domain())
    finally:
        await close_client()

    assert dispatcher.messages[0]["response"] == "utter_emergency_999"
    assert SlotSet("hold_id", None) in events
