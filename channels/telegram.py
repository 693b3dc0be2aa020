"""Telegram channel: the bot's webhook, authenticated by Telegram's secret token header.

Routes (under /webhooks/telegram/): `GET health` and `POST webhook`. Set the webhook with
`make telegram-webhook` (channels/telegram_webhook.py). Settings: TELEGRAM_BOT_TOKEN,
TELEGRAM_SECRET_TOKEN (both required outside development), TELEGRAM_API_BASE_URL (optional).

A request is authenticated first (X-Telegram-Bot-Api-Secret-Token, compared in constant time), then
parsed with `telegram.Update.de_json`, checked against redelivery (update_id), answered at once and
processed in a background task, in order per chat. channels/telegram_updates.py decides what each
update type does. Rasa sees only the pseudonym of the chat id; the chat id is kept encrypted for
reminders and never logged.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from telegram import Bot, Update
from telegram.request import BaseRequest

from channels import contacts
from channels.deliveries import first_delivery
from channels.pseudonym import channel_id_secret, sender_id
from channels.rate_limits import SLOW_DOWN_REPLY, rate_limits
from channels.server_limits import cap_request_size
from channels.settings import ChannelConfigError, get_settings
from channels.telegram_callbacks import payload_for
from channels.telegram_output import CHANNEL, TelegramOutput, make_bot
from channels.telegram_updates import Inbound, Kind, classify
from channels.typed_text import UNREADABLE_REPLY

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name
# What Telegram accepts as a webhook secret token (Bot API, setWebhook).
_SECRET_TOKEN_FORMAT = re.compile(r"[A-Za-z0-9_-]{1,256}")
# How long a stopping server waits for updates it already accepted.
DRAIN_SECONDS = 10.0

MEDIA_REPLY = "Sorry, I can only read typed messages. Please type your message instead."
EDITED_REPLY = (
    "I can't see changes to a message you've already sent. Please send what you meant as a new message."
)
GROUP_REPLY = "For your privacy, please message me in a private chat with me, not in a group."
EXPIRED_BUTTON_REPLY = "Sorry, that button has expired. Please type your answer instead."

MessageHandler = Callable[[UserMessage], Awaitable[Any]]


def _is_json(request: Request) -> bool:
    try:
        request.json  # noqa: B018 - Sanic parses on first access
    except Exception:  # Sanic raises InvalidUsage for a body that is not JSON
        return False
    return True


class TelegramInput(InputChannel):  # type: ignore[misc]  # Rasa ships no type hints
    """The Telegram webhook; `request` (tests) replaces the library's HTTP layer for outbound calls."""

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        """Build from bot/credentials.yml; outside development a missing secret stops Rasa from starting."""
        values = {key: str(value or "") for key, value in (credentials or {}).items()}
        settings = get_settings()
        token = settings.require("TELEGRAM_BOT_TOKEN", values.get("token", ""))
        secret_token = settings.require("TELEGRAM_SECRET_TOKEN", values.get("secret_token", ""))
        if secret_token and not _SECRET_TOKEN_FORMAT.fullmatch(secret_token):
            raise ChannelConfigError("TELEGRAM_SECRET_TOKEN must be 1-256 characters from A-Z, a-z, 0-9, _ and -")
        # The pseudonym and contact keys are needed on the first message: fail now rather than then.
        channel_id_secret()
        contacts.check_key()
        return cls(
            token=token,
            secret_token=secret_token,
            public_url=values.get("public_url", ""),
            api_base_url=values.get("api_base_url", ""),
        )

    def __init__(
        self,
        token: str = "",
        secret_token: str = "",
        public_url: str = "",
        api_base_url: str = "",
        *,
        request: BaseRequest | None = None,
        retry_wait: float = 0.5,
    ) -> None:
        self.token = token
        self.secret_token = secret_token
        self.public_url = public_url
        self.api_base_url = api_base_url
        self.retry_wait = retry_wait
        self._request = request
        self._bot: Bot | None = None
        # Accepted updates still being processed, and the last one per sender (the next one waits for it).
        self.pending: set[asyncio.Task[None]] = set()
        self._last_by_sender: dict[str, asyncio.Task[None]] = {}

    @property
    def configured(self) -> bool:
        return bool(self.token and self.secret_token)

    @property
    def bot(self) -> Bot:
        """The library's Bot, built on first use (building it does no network I/O)."""
        if self._bot is None:
            self._bot = make_bot(self.token, self.api_base_url, self._request)
        return self._bot

    def get_output_channel(self) -> TelegramOutput | None:
        """For proactive messages (reminders): sends to the contact stored for the recipient's pseudonym."""
        return TelegramOutput(self.bot, wait_multiplier=self.retry_wait) if self.configured else None

    def authentic(self, request: Request) -> bool:
        """True when the request carries our secret token (constant-time comparison)."""
        sent = request.headers.get(SECRET_HEADER, "")
        return hmac.compare_digest(sent.encode(), self.secret_token.encode())

    def blueprint(self, on_new_message: MessageHandler) -> Blueprint:
        telegram_webhook = Blueprint("telegram_webhook", __name__)
        cap_request_size(telegram_webhook)

        @telegram_webhook.route("/health", methods=["GET"])  # type: ignore[misc]  # untyped in Sanic 21.12
        async def health(_: Request) -> HTTPResponse:
            return response.json({"channel": CHANNEL, "configured": self.configured})

        @telegram_webhook.route("/webhook", methods=["POST"])  # type: ignore[misc]  # untyped in Sanic 21.12
        async def webhook(request: Request) -> HTTPResponse:
            if not self.configured:
                return response.json({"error": "telegram is not configured"}, status=503)
            if not self.authentic(request):
                logger.warning("telegram webhook refused: missing or wrong secret token")
                return response.json({"error": "forbidden"}, status=403)
            data = request.json if _is_json(request) else None
            if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
                return response.json({"error": "not a Telegram update"}, status=400)
            update = self._parse(data)
            if update is None:
                # Authentic but unreadable by this library version (a newer Bot API shape): acknowledged,
                # since Telegram would otherwise redeliver it for hours.
                return response.json({"status": "ignored"})
            if not first_delivery(CHANNEL, str(update.update_id)):
                logger.info("telegram update %d already processed", update.update_id)
                return response.json({"status": "duplicate"})
            self._schedule(classify(update), on_new_message)
            return response.json({"status": "accepted"})

        @telegram_webhook.listener("before_server_stop")  # type: ignore[misc]  # untyped in Sanic 21.12
        async def drain(_: Sanic, __: asyncio.AbstractEventLoop) -> None:
            await self.drain(DRAIN_SECONDS)
            if self._bot is not None:
                await self._bot.request.shutdown()

        return telegram_webhook

    def _parse(self, data: dict[str, Any]) -> Update | None:
        try:
            return Update.de_json(data, self.bot)
        except Exception as error:  # the library rejects a shape it does not know
            logger.warning("telegram update %d not readable: %s", data["update_id"], type(error).__name__)
            return None

    async def drain(self, timeout: float | None = None) -> None:
        """Wait until the accepted updates are processed (tests; a stopping server)."""
        while self.pending:
            _, still_running = await asyncio.wait(set(self.pending), timeout=timeout)
            if still_running:
                logger.warning("telegram: %d updates still in progress at shutdown", len(still_running))
                return

    def _schedule(self, inbound: Inbound, on_new_message: MessageHandler) -> None:
        if inbound.kind is Kind.IGNORED and inbound.callback_query_id is None:
            return
        sender = sender_id(CHANNEL, str(inbound.chat_id)) if inbound.chat_id is not None else ""
        previous = self._last_by_sender.get(sender) if sender else None
        task = asyncio.create_task(self._process(inbound, sender, previous, on_new_message))
        self.pending.add(task)
        if sender:
            self._last_by_sender[sender] = task

        def finished(done: asyncio.Task[None]) -> None:
            self.pending.discard(done)
            if self._last_by_sender.get(sender) is done:
                del self._last_by_sender[sender]

        task.add_done_callback(finished)

    async def _process(
        self, inbound: Inbound, sender: str, previous: asyncio.Task[None] | None, on_new_message: MessageHandler
    ) -> None:
        output = TelegramOutput(self.bot, inbound.chat_id, wait_multiplier=self.retry_wait)
        try:
            # The pressed button's spinner stops at once, even while an earlier message is processed.
            if inbound.callback_query_id is not None:
                await output.answer_button(sender, inbound.callback_query_id)
            if inbound.keyboard_message_id is not None:
                await output.remove_keyboard(sender, inbound.keyboard_message_id)
            if previous is not None:
                await asyncio.wait({previous})
            await self._handle(inbound, sender, output, on_new_message)
        except Exception as error:  # one broken update must not stop the others
            logger.error("telegram update not processed: %s", type(error).__name__)
            logger.debug("telegram update failure", exc_info=True)

    async def _handle(
        self, inbound: Inbound, sender: str, output: TelegramOutput, on_new_message: MessageHandler
    ) -> None:
        if inbound.kind in (Kind.TEXT, Kind.BUTTON) and not rate_limits().allow_message(CHANNEL, sender):
            logger.warning("telegram: a message refused: the sender is over its rate limit")
            if rate_limits().should_notify(CHANNEL, sender):
                await output.send_text_message(sender, SLOW_DOWN_REPLY)
        elif inbound.kind in (Kind.TEXT, Kind.BUTTON):
            text = payload_for(sender, inbound.text) if inbound.kind is Kind.BUTTON else inbound.text
            if text is None:
                await output.send_text_message(sender, EXPIRED_BUTTON_REPLY)
                return
            contacts.remember(sender, CHANNEL, str(inbound.chat_id))
            await on_new_message(UserMessage(text, output, sender, input_channel=CHANNEL))
        elif inbound.kind is Kind.EDITED:
            await output.send_text_message(sender, EDITED_REPLY)
        elif inbound.kind is Kind.UNREADABLE:
            await output.send_text_message(sender, UNREADABLE_REPLY)
        elif inbound.kind is Kind.MEDIA:
            await output.send_text_message(sender, MEDIA_REPLY)
        elif inbound.kind is Kind.GROUP:
            await output.send_text_message(sender, GROUP_REPLY)
        elif inbound.kind in (Kind.BLOCKED, Kind.UNBLOCKED):
            contacts.set_opted_out(sender, inbound.kind is Kind.BLOCKED)
