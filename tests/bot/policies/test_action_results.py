"""Rasa's check of action-server replies: the same verdicts and errors, the schema itself checked once."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

import bot.policies  # noqa: F401  (installs the check, as loading the model does)
from bot.policies.action_results import reply_validator, validate_action_result

VALID_REPLY: dict[str, Any] = {
    "events": [{"event": "slot", "timestamp": None, "name": "booking_step", "value": "choosing_slot"}],
    "responses": [{"text": "Which would you like?", "buttons": [{"title": "1", "payload": "/choose_option"}]}],
}


@pytest.fixture
def action() -> RemoteAction:
    return RemoteAction("action_offer_slots", None)


def test_importing_the_policies_installs_the_check() -> None:
    assert RemoteAction._validate_action_result is validate_action_result


def test_a_valid_reply_passes(action: RemoteAction) -> None:
    assert action._validate_action_result(VALID_REPLY) is True
    assert action._validate_action_result({}) is True


@pytest.mark.parametrize("reply", [{"events": "not a list"}, {"responses": [42]}, {"events": [{"no": "event"}]}])
def test_an_invalid_reply_raises_rasas_own_error(action: RemoteAction, reply: dict[str, Any]) -> None:
    with pytest.raises(jsonschema.ValidationError, match="Failed to validate Action server response"):
        action._validate_action_result(reply)


def test_the_schema_is_checked_once_for_many_replies(action: RemoteAction, monkeypatch: pytest.MonkeyPatch) -> None:
    validator_class = jsonschema.validators.validator_for(RemoteAction.action_response_format_spec())
    checks: list[object] = []
    original = validator_class.check_schema
    monkeypatch.setattr(validator_class, "check_schema", classmethod(lambda cls, schema: checks.append(schema)
                                                                     or original(schema)))
    reply_validator.cache_clear()
    for _ in range(20):
        action._validate_action_result(VALID_REPLY)
    assert len(checks) == 1


# One event of many kinds, valid and not, and replies around them: the verdict must be Rasa's.
EVENTS: list[Any] = [
    {"event": "slot", "name": "age_band", "value": "16_to_64", "timestamp": None},
    {"event": "slot", "name": 7},
    {"event": "action", "name": "triage_form", "policy": None, "confidence": 1.0},
    {"event": "action", "name": 3},
    {"event": "user", "text": "hello", "parse_data": {"intent": {"name": "greet"}}},
    {"event": "bot", "text": "Hello", "data": {}},
    {"event": "active_loop", "name": "triage_form"},
    {"event": "active_loop", "name": None},
    {"event": "followup", "name": "action_offer_slots"},
    {"event": "reset_slots"},
    {"event": "restart"},
    {"event": "rewind"},
    {"event": "undo"},
    {"event": "pause"},
    {"event": "loop_interrupted", "is_interrupted": True},
    {"event": "action_execution_rejected", "name": "triage_form"},
    {"event": "no_such_kind"},
    {"event": 5},
    {"name": "no event key"},
    "not an object",
]
REPLIES: list[Any] = [{"events": [event]} for event in EVENTS] + [
    {"events": EVENTS[:3]},
    {"events": [EVENTS[0], EVENTS[2], EVENTS[6]], "responses": [{"text": "hi"}]},
    {"events": None},
    {"responses": "nope"},
    [],
]


@pytest.mark.parametrize("reply", REPLIES)
def test_the_verdict_is_the_full_schemas(reply: Any) -> None:
    schema = RemoteAction.action_response_format_spec()
    validator = reply_validator()
    assert validator is not None
    assert validator.is_valid(reply) == jsonschema.validators.validator_for(schema)(schema).is_valid(reply)


def test_a_schema_of_another_shape_falls_back_to_rasas_check(action: RemoteAction,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(RemoteAction, "action_response_format_spec", staticmethod(lambda: {"type": "object"}))
    reply_validator.cache_clear()
    try:
        assert reply_validator() is None
        assert action._validate_action_result(VALID_REPLY) is True
        with pytest.raises(jsonschema.ValidationError, match="Failed to validate Action server response"):
            action._validate_action_result([])
    finally:
        reply_validator.cache_clear()
