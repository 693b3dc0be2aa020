"""SMS through Twilio: `channels.twilio_sms.TwilioSmsInput` in bot/credentials.yml.

Routes: GET /webhooks/twilio_sms/health, POST /webhooks/twilio_sms/webhook (the phone number's or
Messaging Service's "A message comes in" webhook). Replies are GSM-7 only, at most three segments each.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from channels.sms_text import sms_messages
from channels.twilio_channel import TwilioInput


class TwilioSmsInput(TwilioInput):
    """Text messages from any phone."""

    channel_name: ClassVar[str] = "twilio_sms"
    address_channel: ClassVar[str] = "sms"

    def split_reply(self, blocks: Sequence[str]) -> list[str]:
        return sms_messages(*blocks)
