"""What the web chat page sends (a typed text or a tapped button's payload, under a client message id)
and what it gets back (the bot's replies as text and buttons)."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from typing import Any

from channels.typed_text import UnreadableText, as_typed

MAX_TEXT_LENGTH = 1000
MAX_PAYLOAD_LENGTH = 500
# The safety net's responses (bot/domain/safety.yml: 999, A&E, mental-health crisis).
EMERGENCY_RESPONSE_PREFIX = "utter_emergency_"


class MessageError(ValueError):
    """The page sent something we cannot take; the message says what, `status` is the HTTP answer."""

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class PatientMessage:
    """One message from the page: exactly one of `text` (typed) and `payload` (a button)."""

    id: str
    text: str | None
    payload: str | None

    @property
    def for_rasa(self) -> str:
        """The text Rasa parses: a button's payload, or the typed words (never read as a /intent)."""
        # `text` went through `as_typed` in `parse_message`: it cannot be read as a /intent.
        return self.payload if self.payload is not None else self.text or ""

    @property
    def body_hash(self) -> str:
        """A digest of what was sent, to tell a genuine retry from a reused id."""
        canonical = json.dumps({"text": self.text, "payload": self.payload}, sort_keys=True)
        return hashlib.sha256(canonical.encode()).hexdigest()


def parse_message(body: bytes) -> PatientMessage:
    """Validate the JSON body {"id": uuid, "text": str} or {"id": uuid, "payload": str}."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise MessageError("The request body must be JSON.", status=400) from error
    if not isinstance(data, dict):
        raise MessageError('The request body must be a JSON object like {"id": "...", "text": "..."}.', status=400)
    unknown = sorted(set(data) - {"id", "text", "payload"})
    if unknown:
        raise MessageError(f"Unknown field(s): {', '.join(unknown)}.")
    message_id = _message_id(data.get("id"))
    text, payload = data.get("text"), data.get("payload")
    if (text is None) == (payload is None):
        raise MessageError('Send exactly one of "text" or "payload".')
    if text is not None:
        return PatientMessage(id=message_id, text=_text(text), payload=None)
    return PatientMessage(id=message_id, text=None, payload=_payload(payload))


def _message_id(value: object) -> str:
    if not isinstance(value, str):
        raise MessageError('"id" must be a UUID string chosen by the page.')
    try:
        return str(uuid.UUID(value))
    except ValueError as error:
        raise MessageError('"id" must be a UUID string chosen by the page.') from error


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise MessageError('"text" must be a string.')
    try:
        # A typed "/inform{...}" would skip the NLU pipeline, and with it the red-flag screen.
        text = as_typed(value)
    except UnreadableText as error:
        raise MessageError(str(error)) from error
    if not text:
        raise MessageError("Type a message before sending.")
    if len(text) > MAX_TEXT_LENGTH:
        raise MessageError(f"Your message is too long: keep it under {MAX_TEXT_LENGTH} characters.")
    return text


def _payload(value: object) -> str:
    if not isinstance(value, str) or not value.startswith("/") or len(value) > MAX_PAYLOAD_LENGTH:
        raise MessageError('"payload" must be the payload of a button the assistant offered.')
    return value


def is_emergency(utter_action: object) -> bool:
    """True for a reply from the safety net (999 / A&E / crisis advice), which the page shows prominently."""
    return isinstance(utter_action, str) and utter_action.startswith(EMERGENCY_RESPONSE_PREFIX)


def page_replies(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Collected messages (channels.webchat_output) as the page shows them: text, buttons, emergency."""
    replies: list[dict[str, Any]] = []
    for message in messages:
        text = str(message.get("text") or "")
        buttons = [
            {"title": str(button.get("title", "")), "payload": str(button.get("payload", ""))}
            for button in message.get("buttons") or []
            if isinstance(button, dict) and button.get("payload")
        ]
        if text or buttons:
            replies.append({"text": text, "buttons": buttons, "emergency": is_emergency(message.get("utter_action"))})
    return replies


def offered_payloads(replies: list[dict[str, Any]]) -> set[str]:
    """The payloads of the buttons in `replies`: the only ones the page may send next."""
    return {button["payload"] for reply in replies for button in reply.get("buttons", [])}
