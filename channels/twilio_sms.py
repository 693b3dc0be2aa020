"""SMS through Twilio: `channels.twilio_sms.TwilioSmsInput` in bot/credentials.yml, webhook /webhooks/twilio_sms/webhook."""

from __future__ import annotations

from channels.twilio_channel import TwilioInput


class TwilioSmsInput(TwilioInput):
    """Text messages from any phone."""

    channel_name = "twilio_sms"
