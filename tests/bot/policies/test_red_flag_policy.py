"""RedFlagPolicy on real trackers and the real domain: a red flag outranks every form and rule."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rasa.core.policies.ensemble import DefaultPolicyPredictionEnsemble
from rasa.core.policies.policy import PolicyPrediction
from rasa.core.policies.rule_policy import RulePolicy
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, Event, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.policies.red_flag_policy import RedFlagPolicy

ROOT = Path(__file__).resolve().parents[3]
RED_FLAG = {"entity": "red_flag", "value": "emergency_999", "start": 0, "end": 10}
SYMPTOM = {"entity": "symptom", "value": "sore_throat", "start": 0, "end": 11}


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "bot" / "domain"))


@pytest.fixture(scope="module")
def storage(tmp_path_factory: pytest.TempPathFactory) -> LocalModelStorage:
    return LocalModelStorage(Path(tmp_path_factory.mktemp("model")))


@pytest.fixture(scope="module")
def policy(domain: Domain, storage: LocalModelStorage) -> RedFlagPolicy:
    resource = Resource("red_flag_policy")
    context = ExecutionContext(GraphSchema({}))
    trained = RedFlagPolicy.create(RedFlagPolicy.get_default_config(), storage, resource, context)
    trained.train([], domain)
    return RedFlagPolicy.load(RedFlagPolicy.get_default_config(), storage, resource, context)


def user(text: str, *entities: dict[str, Any], intent: str = "describe_symptoms") -> UserUttered:
    return UserUttered(text, {"name": intent, "confidence": 1.0}, list(entities))


def tracker_of(domain: Domain, *events: Event) -> DialogueStateTracker:
    start: list[Event] = [ActionExecuted("action_session_start"), ActionExecuted("action_listen")]
    return DialogueStateTracker.from_events("test-sender", [*start, *events], domain.slots)


def predicted(policy: RedFlagPolicy, tracker: DialogueStateTracker, domain: Domain) -> str | None:
    prediction = policy.predict_action_probabilities(tracker, domain)
    if prediction.max_confidence == 0.0:
        return None
    return domain.action_names_or_texts[prediction.max_confidence_index]


def mid_triage(*latest: Event) -> list[Event]:
    return [user("sore throat", SYMPTOM), ActionExecuted("triage_form"), ActiveLoop("triage_form"),
            SlotSet("requested_slot", "age_band"), ActionExecuted("action_listen"), *latest]


def test_red_flag_policy_predicts_emergency_outside_a_form(policy: RedFlagPolicy, domain: Domain) -> None:
    tracker = tracker_of(domain, user("chest pain", RED_FLAG))
    prediction = policy.predict_action_probabilities(tracker, domain)
    assert domain.action_names_or_texts[prediction.max_confidence_index] == "action_emergency"
    assert prediction.max_confidence == 1.0
    assert prediction.policy_priority > RulePolicy.get_default_config()["priority"]


def test_red_flag_policy_predicts_emergency_inside_a_form(policy: RedFlagPolicy, domain: Domain) -> None:
    tracker = tracker_of(domain, *mid_triage(user("chest pain", RED_FLAG)))
    assert tracker.active_loop_name == "triage_form"
    assert predicted(policy, tracker, domain) == "action_emergency"


def test_red_flag_policy_waits_after_the_emergency_action(policy: RedFlagPolicy, domain: Domain) -> None:
    tracker = tracker_of(domain, user("chest pain", RED_FLAG), ActionExecuted("action_emergency"), ActiveLoop(None))
    assert predicted(policy, tracker, domain) == "action_listen"


def test_red_flag_policy_abstains_without_a_red_flag(policy: RedFlagPolicy, domain: Domain) -> None:
    assert predicted(policy, tracker_of(domain, user("sore throat", SYMPTOM)), domain) is None
    assert predicted(policy, tracker_of(domain, *mid_triage(user("45", intent="inform"))), domain) is None


def test_red_flag_policy_abstains_once_the_bot_has_acted(policy: RedFlagPolicy, domain: Domain) -> None:
    tracker = tracker_of(domain, user("chest pain", RED_FLAG), ActionExecuted("utter_greet"))
    assert predicted(policy, tracker, domain) is None


def test_red_flag_policy_outranks_a_form_happy_path_in_the_ensemble(policy: RedFlagPolicy, domain: Domain) -> None:
    tracker = tracker_of(domain, *mid_triage(user("chest pain", RED_FLAG)))
    loop = [0.0] * domain.num_actions
    loop[domain.index_for_action("triage_form")] = 1.0
    form_prediction = PolicyPrediction(loop, "RulePolicy", policy_priority=6, is_no_user_prediction=True)
    ours = policy.predict_action_probabilities(tracker, domain)
    best = DefaultPolicyPredictionEnsemble().combine_predictions([form_prediction, ours], tracker, domain)
    assert domain.action_names_or_texts[best.max_confidence_index] == "action_emergency"
    assert best.policy_name == "RedFlagPolicy"


def test_red_flag_policy_training_needs_the_emergency_action(storage: LocalModelStorage) -> None:
    policy = RedFlagPolicy.create({}, storage, Resource("bare"), ExecutionContext(GraphSchema({})))
    with pytest.raises(ValueError, match="action_emergency"):
        policy.train([], Domain.from_yaml("version: '3.1'\nintents: [greet]"))
