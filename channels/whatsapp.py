"""WhatsApp through Twilio: `channels.whatsapp.WhatsAppInput` in bot/credentials.yml, webhook /webhooks/whatsapp/webhook."""

from __future__ import annotations

from channels.twilio_channel import TwilioInput


class WhatsAppInput(TwilioInput):
    """WhatsApp messages: the same connector as SMS with `whatsapp:` addresses."""

    channel_name = "whatsapp"
