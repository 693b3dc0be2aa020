"""Replies to a Telegram chat through python-telegram-bot's `Bot`: text, inline keyboards, retries.

Every Bot API call goes through `channels.outbound.send_with_retry`: a network error, a timeout, a 5xx
or a 429 (RetryAfter) is retried with backoff; a refusal (BadRequest, Forbidden: the patient blocked
the bot) is not, and is logged by its kind only, never with the text or the chat id.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any, TypeVar

from rasa.core.channels.channel import OutputChannel
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import MessageLimit
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.request import BaseRequest, HTTPXRequest

from channels import contacts
from channels.outbound import send_with_retry
from channels.telegram_callbacks import callback_data

logger = logging.getLogger(__name__)

T = TypeVar("T")

CHANNEL = "telegram"
# BadRequest is a NetworkError subclass in python-telegram-bot: `TelegramOutput._send` turns it into a
# logged, final outcome before the retry policy ever sees it.
RETRY_ON: tuple[type[BaseException], ...] = (NetworkError, RetryAfter)
TEXT_LIMIT = int(MessageLimit.MAX_TEXT_LENGTH)
DEFAULT_API_BASE_URL = "https://api.telegram.org/bot"


def make_bot(token: str, api_base_url: str = "", request: BaseRequest | None = None) -> Bot:
    """A Bot for `token` (no network until it sends); `api_base_url` replaces https://api.telegram.org/bot."""
    # The libraries log every request URL (it holds the token) and, at DEBUG, its parameters (chat
    # ids, message text): keep them at WARNING/INFO whatever level the server runs at.
    for name, level in (("httpx", logging.WARNING), ("httpcore", logging.WARNING), ("telegram", logging.INFO)):
        library_logger = logging.getLogger(name)
        if library_logger.getEffectiveLevel() < level:
            library_logger.setLevel(level)
    # One HTTP client for every call (the bot never polls getUpdates), closed with `bot.request.shutdown()`.
    request = request or HTTPXRequest()
    return Bot(token, base_url=api_base_url or DEFAULT_API_BASE_URL, request=request, get_updates_request=request)


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """`text` in pieces Telegram accepts (4096 characters), cut at a paragraph or line break when possible."""
    pieces: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        cut = max(rest.rfind("\n\n", 0, limit), rest.rfind("\n", 0, limit), rest.rfind(". ", 0, limit) + 1)
        if cut <= 0:
            cut = limit
        pieces.append(rest[:cut].strip())
        rest = rest[cut:].strip()
    return [*pieces, rest] if rest or not pieces else pieces


def inline_keyboard(buttons: list[tuple[str, str]]) -> InlineKeyboardMarkup:
    """One button per row, from (title, callback data) pairs: long titles stay readable on a phone."""
    return InlineKeyboardMarkup([[InlineKeyboardButton(title, callback_data=data)] for title, data in buttons])


class TelegramOutput(OutputChannel):  # type: ignore[misc]  # Rasa ships no type hints
    """Sends the bot's replies to one chat (`chat_id`), or to a stored contact for proactive messages."""

    def __init__(self, bot: Bot, chat_id: int | None = None, *, wait_multiplier: float = 0.5) -> None:
        self.bot = bot
        self.chat_id = chat_id
        self.wait_multiplier = wait_multiplier

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    def _chat_for(self, recipient_id: str) -> int | None:
        if self.chat_id is not None:
            return self.chat_id
        # Proactive messages (reminders) name only the pseudonym: the chat id is the stored contact.
        contact = contacts.lookup(recipient_id)
        if contact is None or contact.channel != CHANNEL or contact.opted_out:
            logger.warning("telegram message not sent: no reachable contact for this sender")
            return None
        return int(contact.address)

    async def _send(self, recipient_id: str, what: str, call: Callable[[], Awaitable[T]]) -> T | None:
        async def refusals_not_retried() -> T | None:
            try:
                return await call()
            except Forbidden:
                # The patient blocked the bot: no reminders either until they write again.
                logger.warning("telegram %s not sent: Forbidden (bot blocked)", what)
                contacts.set_opted_out(recipient_id, True)
            except BadRequest:
                logger.error("telegram %s not sent: BadRequest", what)
            except (NetworkError, RetryAfter):
                raise
            except TelegramError as error:
                logger.error("telegram %s not sent: %s", what, type(error).__name__)
            return None

        return await send_with_retry(
            refusals_not_retried, channel=CHANNEL, what=what, retry_on=RETRY_ON, wait_multiplier=self.wait_multiplier
        )

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        chat_id = self._chat_for(recipient_id)
        if chat_id is None:
            return
        for piece in split_text(text):
            await self._send(recipient_id, "reply", partial(self.bot.send_message, chat_id, piece))

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        chat_id = self._chat_for(recipient_id)
        if chat_id is None:
            return
        pairs = [(str(button.get("title", "")), str(button.get("payload", ""))) for button in buttons]
        datas = callback_data(recipient_id, pairs)
        keyboard = inline_keyboard([(title, data) for (title, _), data in zip(pairs, datas, strict=True)])
        *leading, last = split_text(text)
        for piece in leading:
            await self._send(recipient_id, "reply", partial(self.bot.send_message, chat_id, piece))
        send_keyboard = partial(self.bot.send_message, chat_id, last or "Choose one:", reply_markup=keyboard)
        await self._send(recipient_id, "buttons", send_keyboard)

    async def answer_button(self, recipient_id: str, callback_query_id: str) -> None:
        """Stop the pressed button's spinner (Telegram shows it until the callback query is answered)."""
        await self._send(recipient_id, "callback answer", lambda: self.bot.answer_callback_query(callback_query_id))

    async def remove_keyboard(self, recipient_id: str, message_id: int) -> None:
        """Take the buttons off a message once one was pressed, so an old choice cannot be sent twice."""
        chat_id = self._chat_for(recipient_id)
        if chat_id is not None:
            await self._send(
                recipient_id,
                "keyboard removal",
                lambda: self.bot.edit_message_reply_markup(chat_id=chat_id, message_id=message_id, reply_markup=None),
            )

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        chat_id = self._chat_for(recipient_id)
        if chat_id is not None:
            await self._send(recipient_id, "image", lambda: self.bot.send_photo(chat_id, image))

    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any) -> None:
        # Custom payloads are for the web chat; a patient must never see raw JSON.
        logger.debug("telegram: custom payload not sent (not supported on this channel)")
