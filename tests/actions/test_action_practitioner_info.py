"""action_practitioner_info: bios for the practitioner the patient numbers or names, from the real backend."""

from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.action_practitioner_info import ActionPractitionerInfo
from actions.backend_client import get_client
from tests.actions.booking_trackers import DOMAIN, option, responses, soonest, stored_all, tracker, unreachable_backend

pytestmark = pytest.mark.anyio


async def test_practitioner_info_by_option_number_gives_that_bio_and_resumes(shared_client_on_backend: str) -> None:
    offered = await soonest("physiotherapist", count=3, days_ahead=1)
    expected = await get_client().practitioner(offered[1].practitioner.id)
    dispatcher = CollectingDispatcher()

    events = await ActionPractitionerInfo().run(dispatcher, tracker(slots={
        "offered_slots": stored_all(offered), "booking_step": "choosing_slot"},
        text="who is number 2", intent="ask_practitioner_info", entities=option(2)), DOMAIN)

    assert events == []
    bio, resume = dispatcher.messages
    assert (bio["response"], bio["name"], bio["bio"], bio["practice"]) == (
        "utter_practitioner_bio", expected.display_name, expected.bio, expected.organisation_name)
    assert "English" in bio["languages"]
    assert resume["response"] == "utter_resume_choosing_slot"


async def test_practitioner_info_by_name_finds_them_in_the_directory(shared_client_on_backend: str) -> None:
    [someone] = await get_client().practitioners(role="dentist", limit=1)
    surname = someone.display_name.split()[-1]
    dispatcher = CollectingDispatcher()

    await ActionPractitionerInfo().run(dispatcher, tracker(
        slots={"routed_service": "dental"}, text=f"tell me about Dr {surname}", intent="ask_practitioner_info",
        entities=[{"entity": "practitioner", "value": f"Dr {surname}", "start": 14, "end": 18}]), DOMAIN)

    names = [m["name"] for m in dispatcher.messages]
    assert someone.display_name in names and len(names) <= 3
    assert set(responses(dispatcher)) == {"utter_practitioner_bio"}


async def test_practitioner_info_for_nobody_in_particular_says_so(shared_client_on_backend: str) -> None:
    dispatcher = CollectingDispatcher()

    asked = tracker(text="who is that then", intent="ask_practitioner_info")

    events = await ActionPractitionerInfo().run(dispatcher, asked, DOMAIN)

    assert events == []
    assert responses(dispatcher) == ["utter_practitioner_not_found"]


async def test_practitioner_info_backend_down_says_so(shared_client_on_backend: str,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    offered = await soonest("gp_routine", count=1, days_ahead=1)
    await unreachable_backend(monkeypatch)
    dispatcher = CollectingDispatcher()

    events = await ActionPractitionerInfo().run(dispatcher, tracker(slots={"offered_slots": stored_all(offered)},
                                                                    intent="ask_practitioner_info",
                                                                    entities=option(1)), DOMAIN)

    assert events == []
    assert responses(dispatcher) == ["utter_practitioner_info_unavailable"]


async def test_practitioner_info_by_full_name_the_model_did_not_tag(shared_client_on_backend: str) -> None:
    offered = await soonest("gp_routine", count=5, days_ahead=1)
    wanted = offered[3].practitioner
    dispatcher = CollectingDispatcher()

    await ActionPractitionerInfo().run(dispatcher, tracker(
        slots={"offered_slots": stored_all(offered), "routed_service": "gp_routine", "booking_step": "choosing_slot"},
        text=f"can you tell me about {wanted.display_name}", intent="ask_practitioner_info"), DOMAIN)

    assert [m["name"] for m in dispatcher.messages if m["response"] == "utter_practitioner_bio"] == [
        wanted.display_name]


async def test_practitioner_info_for_a_role_lists_that_role(shared_client_on_backend: str) -> None:
    physios = {p.display_name for p in await get_client().practitioners(role="physiotherapist")}
    dispatcher = CollectingDispatcher()

    await ActionPractitionerInfo().run(dispatcher, tracker(text="who are the physios?",
                                                           intent="ask_practitioner_info"), DOMAIN)

    names = [m["name"] for m in dispatcher.messages]
    assert 1 <= len(names) <= 3 and set(names) <= physios


async def test_practitioner_info_for_a_language_lists_those_who_speak_it(shared_client_on_backend: str) -> None:
    gps = await get_client().practitioners(role="gp")
    speaker = next(p for p in gps if set(p.languages) - {"en"})
    code = sorted(set(speaker.languages) - {"en"})[0]
    language = {"pl": "Polish", "ur": "Urdu", "pa": "Punjabi", "bn": "Bengali", "ar": "Arabic", "so": "Somali",
                "ro": "Romanian", "cy": "Welsh", "gu": "Gujarati", "zh": "Chinese"}[code]
    dispatcher = CollectingDispatcher()

    await ActionPractitionerInfo().run(dispatcher, tracker(
        slots={"routed_service": "gp_routine"}, text=f"is there a doctor who speaks {language.lower()}",
        intent="ask_practitioner_info"), DOMAIN)

    assert dispatcher.messages and all(language in m["languages"] for m in dispatcher.messages)
