"""The Telegram webhook in a real Sanic server, with recorded Telegram updates; the library's own Bot
sends the replies to a RecordingApi (its base URL points there). Rasa is a stand-in message handler."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from rasa.core.channels.channel import UserMessage
from sanic import Sanic

from channels import contacts
from channels.pseudonym import sender_id
from channels.settings import ChannelConfigError, get_settings
from channels.telegram import EDITED_REPLY, EXPIRED_BUTTON_REPLY, GROUP_REPLY, MEDIA_REPLY, SECRET_HEADER, TelegramInput
from tests.channels.conftest import TELEGRAM_BOT_TOKEN, TELEGRAM_SECRET_TOKEN
from tests.channels.recording_api import RecordingApi
from tests.channels.sanic_server import serving
from tests.channels.telegram_api import CHAT_ID, button_update, calls, text_update, update

SENDER = "telegram-"  # every sender id Rasa sees starts so, then 64 hex digits


@dataclass
class FakeRasa:
    """Stands in for Rasa's handler: records each UserMessage and answers through its output channel."""

    messages: list[UserMessage] = field(default_factory=list)
    reply: Callable[[UserMessage], Awaitable[None]] | None = None

    async def __call__(self, message: UserMessage) -> None:
        self.messages.append(message)
        if self.reply is not None:
            await self.reply(message)


@dataclass
class Webhook:
    channel: TelegramInput
    rasa: FakeRasa
    client: httpx.AsyncClient

    async def post(self, body: object, secret: str | None = TELEGRAM_SECRET_TOKEN) -> httpx.Response:
        headers = {SECRET_HEADER: secret} if secret is not None else {}
        answer = await self.client.post("/webhooks/telegram/webhook", json=body, headers=headers)
        await self.channel.drain()
        return answer


async def serve(channel: TelegramInput, rasa: FakeRasa) -> AsyncIterator[Webhook]:
    app = Sanic(f"telegram_test_{uuid.uuid4().hex}")
    app.blueprint(channel.blueprint(rasa), url_prefix="/webhooks/telegram")
    async with serving(app) as url, httpx.AsyncClient(base_url=url) as client:
        yield Webhook(channel, rasa, client)


@pytest.fixture
async def webhook(channel_state: str, bot_api: RecordingApi) -> AsyncIterator[Webhook]:
    channel = TelegramInput(
        token=TELEGRAM_BOT_TOKEN, secret_token=TELEGRAM_SECRET_TOKEN, api_base_url=f"{bot_api.url}/bot", retry_wait=0
    )
    async for running in serve(channel, FakeRasa()):
        yield running


def sent_texts(api: RecordingApi) -> list[str]:
    return [params["text"] for _, params in calls(api, TELEGRAM_BOT_TOKEN, "sendMessage")]


@pytest.mark.anyio
async def test_webhook_text_message_reaches_rasa_under_a_pseudonym(webhook: Webhook, bot_api: RecordingApi) -> None:
    async def reply(message: UserMessage) -> None:
        await message.output_channel.send_text_message(message.sender_id, "Hello from the practice")

    webhook.rasa.reply = reply
    answer = await webhook.post(update("message_text"))

    assert answer.status_code == 200
    [message] = webhook.rasa.messages
    assert message.text == "I need a smear test"
    assert message.sender_id == sender_id("telegram", str(CHAT_ID))
    assert message.sender_id.startswith(SENDER) and str(CHAT_ID) not in message.sender_id
    assert message.input_channel == "telegram"
    assert not message.metadata
    assert calls(bot_api, TELEGRAM_BOT_TOKEN, "sendMessage") == [
        ("sendMessage", {"chat_id": CHAT_ID, "text": "Hello from the practice"})
    ]


@pytest.mark.anyio
async def test_webhook_text_message_stores_the_chat_id_encrypted(webhook: Webhook) -> None:
    await webhook.post(update("message_text"))

    contact = contacts.lookup(sender_id("telegram", str(CHAT_ID)))
    assert contact is not None and contact.channel == "telegram" and contact.address == str(CHAT_ID)


@pytest.mark.anyio
async def test_webhook_buttons_sent_as_an_inline_keyboard_one_per_row(webhook: Webhook, bot_api: RecordingApi) -> None:
    buttons = [
        {"title": "1. Monday 5 January, 09:00", "payload": '/choose_option{"option": "1"}'},
        {"title": "2. Monday 5 January, 09:15", "payload": '/choose_option{"option": "2"}'},
    ]

    async def reply(message: UserMessage) -> None:
        await message.output_channel.send_response(message.sender_id, {"text": "Pick a time:", "buttons": buttons})

    webhook.rasa.reply = reply
    await webhook.post(update("message_text"))

    [(_, params)] = calls(bot_api, TELEGRAM_BOT_TOKEN, "sendMessage")
    assert params["chat_id"] == CHAT_ID and params["text"] == "Pick a time:"
    assert params["reply_markup"] == {
        "inline_keyboard": [
            [{"text": "1. Monday 5 January, 09:00", "callback_data": '/choose_option{"option": "1"}'}],
            [{"text": "2. Monday 5 January, 09:15", "callback_data": '/choose_option{"option": "2"}'}],
        ]
    }


@pytest.mark.anyio
async def test_webhook_callback_query_sends_the_payload_and_answers_the_query(
    webhook: Webhook, bot_api: RecordingApi
) -> None:
    answer = await webhook.post(update("callback_query"))

    assert answer.status_code == 200
    [message] = webhook.rasa.messages
    assert message.text == '/choose_option{"option": "2"}'
    assert message.sender_id == sender_id("telegram", str(CHAT_ID))
    assert calls(bot_api, TELEGRAM_BOT_TOKEN, "answerCallbackQuery") == [
        ("answerCallbackQuery", {"callback_query_id": "3008190000000000123"})
    ]
    # The keyboard is taken off the message, so the same choice cannot be sent twice.
    assert calls(bot_api, TELEGRAM_BOT_TOKEN, "editMessageReplyMarkup") == [
        ("editMessageReplyMarkup", {"chat_id": CHAT_ID, "message_id": 102})
    ]


@pytest.mark.anyio
async def test_webhook_expired_button_key_asks_to_type(webhook: Webhook, bot_api: RecordingApi) -> None:
    await webhook.post(button_update(861000301, "#" + "0" * 32))

    assert webhook.rasa.messages == []
    assert sent_texts(bot_api) == [EXPIRED_BUTTON_REPLY]
    assert len(calls(bot_api, TELEGRAM_BOT_TOKEN, "answerCallbackQuery")) == 1


@pytest.mark.anyio
async def test_webhook_start_command_becomes_the_greet_intent(webhook: Webhook) -> None:
    await webhook.post(update("command_start"))

    assert [message.text for message in webhook.rasa.messages] == ["/greet"]


@pytest.mark.anyio
async def test_webhook_typed_intent_syntax_goes_through_nlu_as_text(webhook: Webhook) -> None:
    await webhook.post(text_update(861000100, '/affirm{"age_band": "adult"}'))

    assert [message.text for message in webhook.rasa.messages] == ['affirm{"age_band": "adult"}']


@pytest.mark.anyio
async def test_webhook_edited_message_asks_for_a_new_message(webhook: Webhook, bot_api: RecordingApi) -> None:
    answer = await webhook.post(update("edited_message"))

    assert answer.status_code == 200
    assert webhook.rasa.messages == []
    assert sent_texts(bot_api) == [EDITED_REPLY]


@pytest.mark.anyio
@pytest.mark.parametrize("fixture", ["sticker", "photo", "voice"])
async def test_webhook_media_gets_a_please_type_reply(webhook: Webhook, bot_api: RecordingApi, fixture: str) -> None:
    answer = await webhook.post(update(fixture))

    assert answer.status_code == 200
    assert webhook.rasa.messages == []
    assert sent_texts(bot_api) == [MEDIA_REPLY]


@pytest.mark.anyio
async def test_webhook_group_message_asks_for_a_private_chat(webhook: Webhook, bot_api: RecordingApi) -> None:
    await webhook.post(update("group_message"))

    assert webhook.rasa.messages == []
    assert calls(bot_api, TELEGRAM_BOT_TOKEN, "sendMessage") == [
        ("sendMessage", {"chat_id": -1001700900456, "text": GROUP_REPLY})
    ]


@pytest.mark.anyio
async def test_webhook_unsupported_update_acknowledged_and_ignored(webhook: Webhook, bot_api: RecordingApi) -> None:
    answer = await webhook.post(update("poll"))

    assert answer.status_code == 200
    assert webhook.rasa.messages == []
    assert bot_api.requests == []


@pytest.mark.anyio
async def test_webhook_update_the_library_cannot_read_acknowledged(webhook: Webhook, bot_api: RecordingApi) -> None:
    unreadable = update("poll")
    for option in unreadable["poll"]["options"]:
        del option["persistent_id"]  # required by this python-telegram-bot: an older or newer Bot API shape

    answer = await webhook.post(unreadable)

    assert answer.status_code == 200  # Telegram would redeliver a refused update for hours
    assert webhook.rasa.messages == [] and bot_api.requests == []


@pytest.mark.anyio
async def test_webhook_blocked_bot_marks_the_contact_opted_out(webhook: Webhook) -> None:
    await webhook.post(update("message_text"))
    await webhook.post(update("my_chat_member_blocked"))

    contact = contacts.lookup(sender_id("telegram", str(CHAT_ID)))
    assert contact is not None and contact.opted_out


@pytest.mark.anyio
@pytest.mark.parametrize("secret", [None, "", "wrong-secret", TELEGRAM_SECRET_TOKEN + "x", TELEGRAM_SECRET_TOKEN[:-1]])
async def test_webhook_missing_or_wrong_secret_403(
    webhook: Webhook, bot_api: RecordingApi, caplog: pytest.LogCaptureFixture, secret: str | None
) -> None:
    caplog.set_level(logging.DEBUG)

    answer = await webhook.post(update("message_text"), secret=secret)

    assert answer.status_code == 403
    assert webhook.rasa.messages == []
    assert bot_api.requests == []
    assert contacts.lookup(sender_id("telegram", str(CHAT_ID))) is None
    assert str(CHAT_ID) not in caplog.text and "smear" not in caplog.text
    # The refused update was not recorded as seen: the genuine delivery still goes through.
    assert (await webhook.post(update("message_text"))).status_code == 200
    assert len(webhook.rasa.messages) == 1


@pytest.mark.anyio
async def test_webhook_duplicate_update_id_processed_once(webhook: Webhook) -> None:
    first = await webhook.post(update("message_text"))
    again = await webhook.post(update("message_text"))

    assert first.status_code == again.status_code == 200
    assert len(webhook.rasa.messages) == 1


@pytest.mark.anyio
@pytest.mark.parametrize("body", ["not json", {"message": {}}, {"update_id": "1"}, [1, 2]])
async def test_webhook_malformed_body_400(webhook: Webhook, body: object) -> None:
    if isinstance(body, str):
        answer = await webhook.client.post(
            "/webhooks/telegram/webhook", content=body, headers={SECRET_HEADER: TELEGRAM_SECRET_TOKEN}
        )
    else:
        answer = await webhook.post(body)

    assert answer.status_code == 400
    assert webhook.rasa.messages == []


@pytest.mark.anyio
async def test_webhook_answers_before_rasa_has_finished(webhook: Webhook) -> None:
    release = asyncio.Event()

    async def slow_reply(_: UserMessage) -> None:
        await release.wait()

    webhook.rasa.reply = slow_reply
    answer = await asyncio.wait_for(
        webhook.client.post(
            "/webhooks/telegram/webhook", json=update("message_text"), headers={SECRET_HEADER: TELEGRAM_SECRET_TOKEN}
        ),
        timeout=5,
    )

    assert answer.status_code == 200
    assert webhook.channel.pending  # still being processed
    release.set()
    await webhook.channel.drain()
    assert len(webhook.rasa.messages) == 1


@pytest.mark.anyio
async def test_webhook_messages_of_one_chat_processed_in_order(webhook: Webhook) -> None:
    handled: list[str] = []

    async def reply(message: UserMessage) -> None:
        # The first message is the slowest: the second must still wait for it.
        await asyncio.sleep(0.2 if message.text == "first" else 0)
        handled.append(message.text)

    webhook.rasa.reply = reply
    headers = {SECRET_HEADER: TELEGRAM_SECRET_TOKEN}
    for update_id, text in [(861000201, "first"), (861000202, "second")]:
        await webhook.client.post("/webhooks/telegram/webhook", json=text_update(update_id, text), headers=headers)
    await webhook.channel.drain()

    assert handled == ["first", "second"]


@pytest.mark.anyio
async def test_webhook_logs_no_chat_id_name_or_text(webhook: Webhook, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)

    async def reply(message: UserMessage) -> None:
        await message.output_channel.send_text_message(message.sender_id, "Hello Alex")

    webhook.rasa.reply = reply
    for name in ["message_text", "callback_query", "edited_message", "sticker", "my_chat_member_blocked"]:
        await webhook.post(update(name))

    for secret in [str(CHAT_ID), "Alex", "Example", "smear", TELEGRAM_BOT_TOKEN, TELEGRAM_SECRET_TOKEN]:
        assert secret not in caplog.text


@pytest.mark.anyio
async def test_health_says_configured_without_secrets(webhook: Webhook) -> None:
    answer = await webhook.client.get("/webhooks/telegram/health")

    assert answer.status_code == 200
    assert answer.json() == {"channel": "telegram", "configured": True}
    assert TELEGRAM_BOT_TOKEN not in answer.text and TELEGRAM_SECRET_TOKEN not in answer.text


@pytest.mark.anyio
async def test_webhook_not_configured_503_in_development(channel_state: str) -> None:
    rasa = FakeRasa()
    channel = TelegramInput.from_credentials({"token": "", "secret_token": None, "public_url": "", "api_base_url": ""})
    assert isinstance(channel, TelegramInput)
    async for running in serve(channel, rasa):
        answer = await running.post(update("message_text"))
        health = await running.client.get("/webhooks/telegram/health")

    assert answer.status_code == 503 and answer.json() == {"error": "telegram is not configured"}
    assert health.json() == {"channel": "telegram", "configured": False}
    assert rasa.messages == []


@pytest.mark.parametrize("missing", ["token", "secret_token"])
def test_from_credentials_missing_secret_refused_outside_development(
    channel_state: str, monkeypatch: pytest.MonkeyPatch, missing: str
) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    get_settings.cache_clear()
    credentials: dict[str, Any] = {"token": TELEGRAM_BOT_TOKEN, "secret_token": TELEGRAM_SECRET_TOKEN}
    credentials[missing] = ""

    with pytest.raises(ChannelConfigError, match="TELEGRAM_"):
        TelegramInput.from_credentials(credentials)


def test_from_credentials_malformed_secret_token_refused(channel_state: str) -> None:
    with pytest.raises(ChannelConfigError, match="TELEGRAM_SECRET_TOKEN"):
        TelegramInput.from_credentials({"token": TELEGRAM_BOT_TOKEN, "secret_token": "has spaces and ü"})


def test_from_credentials_configured_channel(channel_state: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    get_settings.cache_clear()

    channel = TelegramInput.from_credentials(
        {"token": TELEGRAM_BOT_TOKEN, "secret_token": TELEGRAM_SECRET_TOKEN, "public_url": None, "api_base_url": None}
    )

    assert isinstance(channel, TelegramInput) and channel.configured
    assert channel.name() == "telegram" and channel.url_prefix() == "telegram"


@pytest.mark.anyio
async def test_button_update_fixture_matches_a_real_callback(webhook: Webhook) -> None:
    await webhook.post(button_update(861000300, "/affirm"))

    assert [message.text for message in webhook.rasa.messages] == ["/affirm"]
