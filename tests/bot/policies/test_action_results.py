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
