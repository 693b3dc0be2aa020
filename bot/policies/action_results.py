"""Rasa checks each action-server reply against one fixed schema; this does the same check far faster.

Rasa 3.6 validates every reply with `jsonschema.validate(reply, schema)`, which first validates the
schema itself against the JSON Schema 2020-12 metaschema (jsonschema 4.17): ~44 ms a reply, about
45% of the Rasa process's CPU in `make bench-bot`, as the triage form calls the action server on
every answer. Here the schema is checked once. The reply is then checked event by event: the schema
says each event is `oneOf` some 20 kinds, told apart by a distinct `event` constant, and checking all
of them made ~9 ms of a 12-event reply. Only the kind an event names can match, so an event is
checked against that kind alone (an event of no known kind matches none, as before). A reply that
fails is handed to Rasa's own check, so the error raised and logged is exactly Rasa's.

Importing `bot.policies` (Rasa does, to load the red-flag policy) installs it.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from jsonschema import validators
from jsonschema.protocols import Validator
from rasa.core.actions.action import RemoteAction

_rasa_validate = RemoteAction._validate_action_result


class ReplyValidator:
    """Rasa's reply schema, with each event checked against the one kind it names."""

    def __init__(self, schema: dict[str, Any]) -> None:
        validator_class = validators.validator_for(schema)
        validator_class.check_schema(schema)
        event_schema = schema["properties"]["events"]["items"]
        kinds = event_schema["oneOf"]
        names = [kind["properties"]["event"]["const"] for kind in kinds]
        if len(set(names)) != len(names):
            raise ValueError("event kinds in Rasa's reply schema are not told apart by `event`")
        common = {key: value for key, value in event_schema.items() if key != "oneOf"}
        envelope = {**schema, "properties": {**schema["properties"], "events": {
            **schema["properties"]["events"], "items": common}}}
        self.envelope: Validator = validator_class(envelope)
        self.kinds: dict[str, Validator] = {
            name: validator_class({"allOf": [common, kind]}) for name, kind in zip(names, kinds, strict=True)}

    def is_valid(self, reply: Any) -> bool:
        if not isinstance(reply, dict) or not self.envelope.is_valid(reply):
            return False
        for event in reply.get("events") or []:
            kind = self.kinds.get(event["event"])
            if kind is None or not kind.is_valid(event):
                return False
        return True


@cache
def reply_validator() -> ReplyValidator | None:
    """None when Rasa's schema is no longer shaped as above: every reply then gets Rasa's own check."""
    try:
        return ReplyValidator(RemoteAction.action_response_format_spec())
    except (KeyError, TypeError, ValueError):
        return None


def validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    """True for a valid reply; otherwise Rasa's own check raises its ValidationError."""
    validator = reply_validator()
    if validator is not None and validator.is_valid(result):
        return True
    return bool(_rasa_validate(self, result))


def install() -> None:
    RemoteAction._validate_action_result = validate_action_result
