"""The connector shared by SMS and WhatsApp: both arrive as Twilio webhooks and leave through Twilio's REST API."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.settings import get_settings

logger = logging.getLogger(__name__)

CREDENTIAL_KEYS = ("account_sid", "auth_token", "from_number", "public_url")


class TwilioInput(InputChannel):
    """A Twilio messaging webhook; subclasses name the channel and its address scheme."""

    channel_name = "twilio"

    @classmethod
    def name(cls) -> str:
        return cls.channel_name

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        values = {key: str((credentials or {}).get(key) or "") for key in (*CREDENTIAL_KEYS, "api_base_url")}
        settings = get_settings()
        for key in CREDENTIAL_KEYS:
            settings.require(f"{cls.name()}.{key}", values[key])
        return cls(**values)

    def __init__(
        self, account_sid: str, auth_token: str, from_number: str, public_url: str, api_base_url: str = ""
    ) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.from_number = from_number
        self.public_url = public_url.rstrip("/")
        self.api_base_url = api_base_url.rstrip("/")

    @property
    def configured(self) -> bool:
        return all((self.account_sid, self.auth_token, self.from_number, self.public_url))

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = Blueprint(f"{self.name()}_webhook", __name__)

        @blueprint.route("/health", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"channel": self.name(), "configured": self.configured})

        @blueprint.route("/webhook", methods=["POST"])
        async def webhook(_: Request) -> HTTPResponse:
            if not self.configured:
                return response.json({"error": f"{self.name()} not configured"}, status=503)
            return response.text("", status=403)

        return blueprint
