"""What a Telegram update asks of the assistant, decided from the parsed `telegram.Update` alone.

- a text message in a private chat goes to Rasa; the bot commands /start, /help and /stop become the
  intents greet, ask_help and stop, and any other leading "/" is dropped so that typed text always
  goes through the NLU pipeline (and its red-flag screen), never in as a raw intent;
- a pressed inline button (callback query) goes to Rasa as the button's payload;
- an edited message is NOT treated as a new message (it would run a booking step or a triage
  answer twice): the patient is asked to send the correction as a new message;
- a text with characters nobody can read (lone surrogates) gets a "please type it again" reply;
- stickers, photos, voice notes and other media, or an empty text, get a "please type" reply;
- a message in a group gets a "message me privately" reply (health conversations stay private);
- the bot being blocked or unblocked in a private chat records an opt-out or opt-in for reminders;
- every other update (channel posts, polls, reactions, ...) is acknowledged and ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from telegram import CallbackQuery, Chat, ChatMember, Message, Update

from channels.typed_text import UnreadableText, as_typed, normalise

COMMANDS = {"start": "/greet", "help": "/ask_help", "stop": "/stop"}
_COMMAND = re.compile(r"^/(?P<name>[A-Za-z0-9_]+)(?:@\w+)?(?=\s|$)")


class Kind(Enum):
    """What to do with an update."""

    TEXT = "text"
    BUTTON = "button"
    EDITED = "edited"
    MEDIA = "media"
    GROUP = "group"
    UNREADABLE = "unreadable"
    BLOCKED = "blocked"
    UNBLOCKED = "unblocked"
    IGNORED = "ignored"


@dataclass(frozen=True)
class Inbound:
    """One update reduced to what the channel needs: the chat to answer and the text for Rasa."""

    kind: Kind
    chat_id: int | None = None
    text: str = ""
    callback_query_id: str | None = None
    keyboard_message_id: int | None = None


def text_for_rasa(text: str) -> str:
    """The typed text as Rasa should see it: a known command as its intent, else text without a leading "/".

    Raises UnreadableText (channels.typed_text).
    """
    command = _COMMAND.match(normalise(text).strip())
    if command and command.group("name").lower() in COMMANDS:
        return COMMANDS[command.group("name").lower()]
    return as_typed(text)


def _is_private(chat: Chat | None) -> bool:
    return chat is not None and chat.type == Chat.PRIVATE


def _from_message(message: Message) -> Inbound:
    if message.text is None and message.effective_attachment is None:
        # A service message (someone joined, a message was pinned, ...): nobody wrote anything.
        return Inbound(Kind.IGNORED)
    if not _is_private(message.chat):
        return Inbound(Kind.GROUP, chat_id=message.chat.id)
    try:
        text = text_for_rasa(message.text or "")
    except UnreadableText:
        return Inbound(Kind.UNREADABLE, chat_id=message.chat.id)
    if not text:
        return Inbound(Kind.MEDIA, chat_id=message.chat.id)
    return Inbound(Kind.TEXT, chat_id=message.chat.id, text=text)


def _from_callback(query: CallbackQuery) -> Inbound:
    message = query.message
    if message is None or not _is_private(message.chat) or not query.data:
        # An inline-mode button or a game: nothing this bot sends. Still answered, to stop the spinner.
        return Inbound(Kind.IGNORED, callback_query_id=query.id)
    return Inbound(
        Kind.BUTTON,
        chat_id=message.chat.id,
        text=query.data,
        callback_query_id=query.id,
        keyboard_message_id=message.message_id,
    )


def classify(update: Update) -> Inbound:
    """The one thing the channel does for `update`."""
    if update.message is not None:
        return _from_message(update.message)
    if update.callback_query is not None:
        return _from_callback(update.callback_query)
    if update.edited_message is not None:
        chat = update.edited_message.chat
        return Inbound(Kind.EDITED if _is_private(chat) else Kind.IGNORED, chat_id=chat.id)
    membership = update.my_chat_member
    if membership is not None and _is_private(membership.chat):
        status = membership.new_chat_member.status
        if status in (ChatMember.BANNED, ChatMember.LEFT):
            return Inbound(Kind.BLOCKED, chat_id=membership.chat.id)
        if status == ChatMember.MEMBER:
            return Inbound(Kind.UNBLOCKED, chat_id=membership.chat.id)
    return Inbound(Kind.IGNORED)
