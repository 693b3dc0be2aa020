"""WhatsApp through Twilio: `channels.whatsapp.WhatsAppInput` in bot/credentials.yml.

Routes: GET /webhooks/whatsapp/health, POST /webhooks/whatsapp/webhook (the WhatsApp sender's
"A message comes in" webhook). The same connector as SMS, with `whatsapp:` addresses; Unicode is
kept and each message stays within Twilio's 1600 characters. Outside the 24-hour customer-service
window WhatsApp accepts only approved templates: `send_template` (used by reminders).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

from channels.outbound import send_with_retry
from channels.sms_text import whatsapp_messages
from channels.twilio_channel import TwilioInput
from channels.twilio_client import TRANSIENT_ERRORS


class WhatsAppInput(TwilioInput):
    """WhatsApp messages: the SMS connector with `whatsapp:` addresses."""

    channel_name: ClassVar[str] = "whatsapp"
    address_channel: ClassVar[str] = "whatsapp"
    address_prefix: ClassVar[str] = "whatsapp:"

    def split_reply(self, blocks: Sequence[str]) -> list[str]:
        return whatsapp_messages(*blocks)

    async def send_template(
        self, address: str, content_sid: str, content_variables: Mapping[str, str] | None = None
    ) -> str | None:
        """Send the approved content template `content_sid` to `address`; its MessageSid, None when not sent."""
        return await send_with_retry(
            lambda: self.messenger.send_template(
                from_=self.from_number,
                to=self.with_prefix(address),
                content_sid=content_sid,
                content_variables=content_variables,
            ),
            channel=self.name(),
            what="template",
            retry_on=TRANSIENT_ERRORS,
            wait_multiplier=self.retry_wait,
        )
