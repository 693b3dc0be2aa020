"""Rasa checks each action-server reply against one fixed schema; this checks the schema itself only once.

Rasa 3.6 validates every reply with `jsonschema.validate(reply, schema)`, which first validates the
schema against the JSON Schema 2020-12 metaschema (jsonschema 4.17). In `make bench-bot` that was
about 45% of the Rasa process's CPU: the triage form calls the action server on every answer. Here
the schema is checked once and the replies are validated with the same validator class; a reply
that fails is handed to Rasa's own check, so the error raised and logged is exactly Rasa's.

Importing `bot.policies` (Rasa does, to load the red-flag policy) installs it.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from jsonschema import validators
from jsonschema.protocols import Validator
from rasa.core.actions.action import RemoteAction

_rasa_validate = RemoteAction._validate_action_result


@cache
def reply_validator() -> Validator:
    """A validator for Rasa's action-server reply schema, the schema checked once."""
    schema = RemoteAction.action_response_format_spec()
    validator_class = validators.validator_for(schema)
    validator_class.check_schema(schema)
    validator: Validator = validator_class(schema)
    return validator


def validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    """True for a valid reply; otherwise Rasa's own check raises its ValidationError."""
    if reply_validator().is_valid(result):
        return True
    return bool(_rasa_validate(self, result))


def install() -> None:
    RemoteAction._validate_action_result = validate_action_result
