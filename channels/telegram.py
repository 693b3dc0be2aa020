"""Telegram channel (python-telegram-bot): authenticated webhook, inline keyboards. Work in progress."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse


class TelegramInput(InputChannel):
    """Telegram webhook under /webhooks/telegram/."""

    @classmethod
    def name(cls) -> str:
        return "telegram"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        return cls(**{key: value or "" for key, value in (credentials or {}).items()})

    def __init__(self, token: str = "", secret_token: str = "", public_url: str = "", api_base_url: str = "") -> None:
        self.token, self.secret_token = token, secret_token
        self.public_url, self.api_base_url = public_url, api_base_url

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        telegram_webhook = Blueprint("telegram_webhook", __name__)

        @telegram_webhook.route("/health", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"channel": "telegram", "configured": False})

        @telegram_webhook.route("/webhook", methods=["POST"])
        async def webhook(_: Request) -> HTTPResponse:
            return response.json({"error": "telegram is not configured"}, status=503)

        return telegram_webhook
