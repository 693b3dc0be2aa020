"""TimeWishPolicy on real trackers, the real domain and the real time parser: a time phrase where a
booking flow waits searches again (or holds the slot it names), whatever the classifier made of it."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from rasa.core.policies.ensemble import DefaultPolicyPredictionEnsemble
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, Event, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.time_parser import TimeParser
from bot.policies.red_flag_policy import RedFlagPolicy
from bot.policies.time_wish_policy import CHOOSE_APPOINTMENT, HOLD, OFFER, TimeWishPolicy, next_action

ROOT = Path(__file__).resolve().parents[3]
LONDON = ZoneInfo("Europe/London")
NOW = datetime.now(LONDON)
THURSDAY_11 = (NOW + timedelta(days=(3 - NOW.weekday()) % 7 or 7)).replace(hour=11, minute=0, second=0,
                                                                          microsecond=0)
NEXT_DAY_1120 = (NOW + timedelta(days=1)).replace(hour=11, minute=20, second=0, microsecond=0)


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "bot" / "domain"))


@pytest.fixture(scope="module")
def parser(tmp_path_factory: pytest.TempPathFactory) -> TimeParser:
    storage = LocalModelStorage(Path(tmp_path_factory.mktemp("parser")))
    return TimeParser.create(TimeParser.get_default_config(), storage, Resource("time_parser"),
                             ExecutionContext(GraphSchema({})))


def offered(*starts: datetime) -> list[dict[str, Any]]:
    return [{"id": n, "start": s.isoformat()} for n, s in enumerate(starts, start=1)]


def tracker(domain: Domain, parser: TimeParser, text: str, intent: str, *before: Event) -> DialogueStateTracker:
    message = Message(data={TEXT: text})
    parser.process([message])
    said = UserUttered(text, {"name": intent, "confidence": 0.9}, message.get(ENTITIES) or [])
    events: list[Event] = [ActionExecuted("action_session_start"), ActionExecuted("action_listen"), *before,
                           ActionExecuted("action_listen"), said]
    return DialogueStateTracker.from_events("test-sender", events, domain.slots)


def choosing(*starts: datetime) -> list[Event]:
    return [SlotSet("booking_step", "choosing_slot"), SlotSet("offered_slots", offered(*starts))]


@pytest.mark.parametrize(("text", "intent"), [
    ("have you got anything on thursday", "out_of_scope"),
    ("i cant do those, anything later?", "deny"),
    ("nothing earlier?", "nlu_fallback"),
    ("not fridays", "inform"),
    ("can you book me in for the week after", "book_appointment"),
    ("can we make it a bit later", "reschedule_appointment"),
])
def test_a_wish_at_the_offered_times_searches_again(domain: Domain, parser: TimeParser, text: str,
                                                    intent: str) -> None:
    assert next_action(tracker(domain, parser, text, intent, *choosing(THURSDAY_11)), NOW) == OFFER


@pytest.mark.parametrize("text", ["the 11:20 one", "book me the 11:20 one please"])
def test_an_offered_time_named_by_its_clock_is_held(domain: Domain, parser: TimeParser, text: str) -> None:
    state = tracker(domain, parser, text, "out_of_scope", *choosing(THURSDAY_11, NEXT_DAY_1120))
    assert next_action(state, NOW) == HOLD


def test_a_clock_not_offered_searches_for_it(domain: Domain, parser: TimeParser) -> None:
    state = tracker(domain, parser, "the 3:40 one", "out_of_scope", *choosing(THURSDAY_11, NEXT_DAY_1120))
    assert next_action(state, NOW) == OFFER


def test_yes_at_the_confirm_step_books_when_the_held_time_keeps_to_the_wish(domain: Domain,
                                                                            parser: TimeParser) -> None:
    held = [SlotSet("booking_step", "confirming_booking"), SlotSet("held_slot", offered(THURSDAY_11)[0])]
    assert next_action(tracker(domain, parser, "yes thursday at 11 is great", "affirm", *held), NOW) is None
    assert next_action(tracker(domain, parser, "yes but only on a friday", "affirm", *held), NOW) == OFFER


def test_outside_a_flow_an_unplaced_time_starts_a_booking(domain: Domain, parser: TimeParser) -> None:
    state = tracker(domain, parser, "is there a slot at half 4 on friday", "out_of_scope")
    assert next_action(state, NOW) == OFFER


@pytest.mark.parametrize(("text", "intent", "before"), [
    ("ive had chest pain since tuesday", "describe_symptoms", []),
    ("it started last week", "inform", [SlotSet("booking_step", "choosing_slot")]),
    ("stop, not thursday", "stop", [SlotSet("booking_step", "choosing_slot")]),
    ("i need to cancel my thursday one", "cancel_appointment", []),
    ("hello", "greet", [SlotSet("booking_step", "choosing_slot")]),
    ("tuesday", "inform", [ActiveLoop("triage_form")]),
])
def test_history_other_requests_and_forms_are_left_alone(domain: Domain, parser: TimeParser, text: str,
                                                         intent: str, before: list[Event]) -> None:
    assert next_action(tracker(domain, parser, text, intent, *before), NOW) is None


def test_the_policy_predicts_the_search_above_the_rules(domain: Domain, parser: TimeParser,
                                                        tmp_path: Path) -> None:
    storage, resource = LocalModelStorage(tmp_path), Resource("time_wish_policy")
    context = ExecutionContext(GraphSchema({}))
    policy = TimeWishPolicy.create(TimeWishPolicy.get_default_config(), storage, resource, context)
    policy.train([], domain)
    loaded = TimeWishPolicy.load(TimeWishPolicy.get_default_config(), storage, resource, context)
    prediction = loaded.predict_action_probabilities(
        tracker(domain, parser, "anything on monday?", "out_of_scope", *choosing(THURSDAY_11)), domain)
    assert domain.action_names_or_texts[prediction.max_confidence_index] == OFFER
    assert prediction.max_confidence == 1.0 and loaded.priority > 6
    quiet = loaded.predict_action_probabilities(tracker(domain, parser, "hello", "greet"), domain)
    assert quiet.max_confidence == 0.0


def test_an_appointment_named_by_its_day_is_chosen(domain: Domain, parser: TimeParser) -> None:
    listed = [SlotSet("booking_step", "choosing_appointment"),
              SlotSet("upcoming_appointments", [{"id": 1, "slot": offered(THURSDAY_11)[0]},
                                                {"id": 2, "slot": offered(NEXT_DAY_1120)[0]}])]
    assert next_action(tracker(domain, parser, "the thursday one", "out_of_scope", *listed), NOW) == CHOOSE_APPOINTMENT
    assert next_action(tracker(domain, parser, "the one in march", "out_of_scope", *listed), NOW) is None


@pytest.mark.parametrize("intent", ["affirm", "reschedule_appointment", "book_appointment"])
def test_a_wish_answering_the_offer_to_book_is_a_booking(domain: Domain, parser: TimeParser, intent: str) -> None:
    offered_booking = [ActionExecuted("action_triage_outcome"), ActionExecuted("utter_offer_booking")]
    state = tracker(domain, parser, "yes but only on a friday", intent, *offered_booking)
    assert next_action(state, NOW) == OFFER
    assert next_action(tracker(domain, parser, "can i move it to friday", "reschedule_appointment"), NOW) is None


def test_a_red_flag_with_a_time_wish_is_still_an_emergency(domain: Domain, parser: TimeParser, tmp_path: Path) -> None:
    context = ExecutionContext(GraphSchema({}))
    storage = LocalModelStorage(tmp_path)
    policies = []
    for cls, name in ((TimeWishPolicy, "time_wish"), (RedFlagPolicy, "red_flag")):
        policy = cls.create(cls.get_default_config(), storage, Resource(name), context)
        policy.train([], domain)
        policies.append(cls.load(cls.get_default_config(), storage, Resource(name), context))
    message = Message(data={TEXT: "can't breathe, anything sooner than thursday?"})
    parser.process([message])
    entities = [*(message.get(ENTITIES) or []), {"entity": "red_flag", "value": "emergency_999", "start": 0, "end": 13}]
    said = UserUttered("can't breathe, anything sooner than thursday?", {"name": "inform", "confidence": 0.9}, entities)
    state = DialogueStateTracker.from_events("test-sender", [
        ActionExecuted("action_session_start"), ActionExecuted("action_listen"), *choosing(THURSDAY_11),
        ActionExecuted("action_listen"), said], domain.slots)
    assert next_action(state, NOW) == OFFER  # the wish is seen ...
    predictions = [policy.predict_action_probabilities(state, domain) for policy in policies]
    best = DefaultPolicyPredictionEnsemble().combine_predictions(predictions, state, domain)
    assert domain.action_names_or_texts[best.max_confidence_index] == "action_emergency"  # ... the red flag wins


def test_declining_the_practitioner_offered_searches_everyone(domain: Domain, parser: TimeParser) -> None:
    offered_for_continuity = [*choosing(THURSDAY_11), SlotSet("preferred_practitioner", {
        "id": 7, "display_name": "Dr Ann Example", "role": "gp", "why": "continuity"})]
    assert next_action(tracker(domain, parser, "anyone is fine", "affirm", *offered_for_continuity), NOW) == OFFER
    assert next_action(tracker(domain, parser, "anyone is fine", "affirm", *choosing(THURSDAY_11)), NOW) is None


@pytest.mark.parametrize("text", ["after 4?", "after 3 pls", "not fridays", "anything later"])
def test_a_wish_read_as_an_option_number_searches(domain: Domain, parser: TimeParser, text: str) -> None:
    assert next_action(tracker(domain, parser, text, "choose_option", *choosing(THURSDAY_11)), NOW) == OFFER


def test_a_date_read_as_an_option_is_left_to_the_rules(domain: Domain, parser: TimeParser) -> None:
    assert next_action(tracker(domain, parser, "the 2nd one", "choose_option", *choosing(THURSDAY_11)), NOW) is None
