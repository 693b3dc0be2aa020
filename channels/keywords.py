"""The messaging keywords a text channel answers itself, before anything reaches the bot.

The whole message must be the keyword (any case). CANCEL is deliberately not an opt-out word here:
patients write it to cancel an appointment, so it goes to the bot. Twilio's Messaging Service
(Advanced Opt-Out) must be configured with the same words (README, "SMS and WhatsApp").
"""

from __future__ import annotations

from enum import Enum


class Keyword(Enum):
    STOP = "stop"
    START = "start"
    HELP = "help"


_KEYWORDS = {
    **dict.fromkeys(("stop", "stopall", "unsubscribe", "end", "quit"), Keyword.STOP),
    **dict.fromkeys(("start", "unstop"), Keyword.START),
    Keyword.HELP.value: Keyword.HELP,
}

REPLIES = {
    Keyword.STOP: (
        "You've been unsubscribed and won't get any more messages from the GP practice assistant. "
        "Reply START to use it again."
    ),
    Keyword.START: (
        "You're subscribed again. Tell me what you need, for example \"book an appointment\". "
        "Reply HELP for help or STOP to stop."
    ),
    Keyword.HELP: (
        "This is the GP practice's automated assistant: health advice and GP appointments. "
        "In an emergency call 999. For urgent advice call 111 or go to 111.nhs.uk. "
        "Reply STOP to stop messages."
    ),
}

OPTED_OUT_REPLY = "You've unsubscribed from the GP practice assistant. Reply START to use it again."

TEXT_ONLY_REPLY = (
    "Sorry, I can only read text, not pictures, voice notes or other attachments. "
    "Please describe your problem or what you need in words."
)


def keyword(text: str) -> Keyword | None:
    """The keyword `text` is, when the whole message is one (surrounding spaces and a full stop allowed)."""
    return _KEYWORDS.get(text.strip().strip(".!").strip().lower())
