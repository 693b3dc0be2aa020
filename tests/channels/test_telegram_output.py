"""Sending to Telegram: what the library's Bot puts on the wire, retries with backoff, refusals, long
payloads behind short callback keys. Outbound calls end at the library's request layer (a recording
BaseRequest) or at a RecordingApi its HTTP client is pointed at."""

from __future__ import annotations

import logging

import pytest
from telegram.error import TimedOut

from channels import contacts
from channels.pseudonym import sender_id
from channels.telegram_callbacks import CALLBACK_DATA_LIMIT, payload_for
from channels.telegram_output import TelegramOutput, make_bot, split_text
from channels.telegram_updates import text_for_rasa
from tests.channels.conftest import TELEGRAM_BOT_TOKEN
from tests.channels.recording_api import RecordingApi
from tests.channels.telegram_api import (
    CHAT_ID,
    RecordingRequest,
    calls,
    network_down,
    ok,
    refusal,
)

SENDER = sender_id("telegram", str(CHAT_ID))
SEND_PATH = r"/sendMessage$"


def output_to(api: RecordingApi, chat_id: int | None = CHAT_ID) -> TelegramOutput:
    return TelegramOutput(make_bot(TELEGRAM_BOT_TOKEN, f"{api.url}/bot"), chat_id, wait_multiplier=0)


@pytest.mark.anyio
async def test_send_text_posts_chat_id_and_text_through_the_request_layer(channel_state: str) -> None:
    request = RecordingRequest()
    output = TelegramOutput(make_bot(TELEGRAM_BOT_TOKEN, request=request), CHAT_ID, wait_multiplier=0)

    await output.send_text_message(SENDER, "Your appointment is booked.")

    assert request.calls == [("sendMessage", {"chat_id": CHAT_ID, "text": "Your appointment is booked."})]


@pytest.mark.anyio
async def test_send_retries_a_network_error_then_succeeds(channel_state: str) -> None:
    request = RecordingRequest(failures=[network_down(), TimedOut()])
    output = TelegramOutput(make_bot(TELEGRAM_BOT_TOKEN, request=request), CHAT_ID, wait_multiplier=0)

    await output.send_text_message(SENDER, "Hello")

    assert [method for method, _ in request.calls] == ["sendMessage"] * 3


@pytest.mark.anyio
async def test_send_retries_a_server_error_then_succeeds(channel_state: str, bot_api: RecordingApi) -> None:
    bot_api.fail_next(SEND_PATH, times=2, status=502)

    await output_to(bot_api).send_text_message(SENDER, "Hello")

    assert len(calls(bot_api, TELEGRAM_BOT_TOKEN, "sendMessage")) == 3


@pytest.mark.anyio
async def test_send_retries_after_flood_control(channel_state: str) -> None:
    sent = {"message_id": 1, "date": 0, "chat": {"id": CHAT_ID, "type": "private"}}
    answers = iter([refusal(429, "Too Many Requests: retry after 0", retry_after=0), ok(sent)])
    request = RecordingRequest(answer=lambda method, params: next(answers))
    output = TelegramOutput(make_bot(TELEGRAM_BOT_TOKEN, request=request), CHAT_ID, wait_multiplier=0)

    await output.send_text_message(SENDER, "Hello")

    assert len(request.calls) == 2


@pytest.mark.anyio
async def test_send_final_failure_logged_without_the_body(
    channel_state: str, bot_api: RecordingApi, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    bot_api.fail_next(SEND_PATH, times=10, status=503)

    await output_to(bot_api).send_text_message(SENDER, "Your smear test is on Monday at 09:15")

    assert len(calls(bot_api, TELEGRAM_BOT_TOKEN, "sendMessage")) == 4
    assert "telegram reply not sent after 4 attempts: NetworkError" in caplog.text
    for secret in ["smear", str(CHAT_ID), TELEGRAM_BOT_TOKEN]:
        assert secret not in caplog.text


@pytest.mark.anyio
async def test_send_bad_request_not_retried(channel_state: str, caplog: pytest.LogCaptureFixture) -> None:
    request = RecordingRequest(
        answer=lambda method, params: refusal(400, "Bad Request: chat not found")
    )
    output = TelegramOutput(make_bot(TELEGRAM_BOT_TOKEN, request=request), CHAT_ID, wait_multiplier=0)

    await output.send_text_message(SENDER, "Hello")

    assert len(request.calls) == 1
    assert "telegram reply not sent: BadRequest" in caplog.text


@pytest.mark.anyio
async def test_send_to_a_patient_who_blocked_the_bot_opts_them_out(channel_state: str) -> None:
    contacts.remember(SENDER, "telegram", str(CHAT_ID))
    request = RecordingRequest(
        answer=lambda method, params: refusal(403, "Forbidden: bot was blocked by the user")
    )
    output = TelegramOutput(make_bot(TELEGRAM_BOT_TOKEN, request=request), CHAT_ID, wait_multiplier=0)

    await output.send_text_message(SENDER, "Hello")

    assert len(request.calls) == 1
    contact = contacts.lookup(SENDER)
    assert contact is not None and contact.opted_out


@pytest.mark.anyio
async def test_proactive_message_goes_to_the_stored_contact(channel_state: str, bot_api: RecordingApi) -> None:
    contacts.remember(SENDER, "telegram", str(CHAT_ID))

    await output_to(bot_api, chat_id=None).send_text_message(SENDER, "Reminder: your appointment is tomorrow")

    assert calls(bot_api, TELEGRAM_BOT_TOKEN, "sendMessage") == [
        ("sendMessage", {"chat_id": CHAT_ID, "text": "Reminder: your appointment is tomorrow"})
    ]


@pytest.mark.anyio
async def test_proactive_message_to_an_unknown_or_opted_out_sender_not_sent(
    channel_state: str, bot_api: RecordingApi
) -> None:
    contacts.remember(SENDER, "telegram", str(CHAT_ID))
    contacts.set_opted_out(SENDER, True)

    await output_to(bot_api, chat_id=None).send_text_message(SENDER, "Reminder")
    await output_to(bot_api, chat_id=None).send_text_message(sender_id("telegram", "1"), "Reminder")

    assert bot_api.requests == []


@pytest.mark.anyio
async def test_long_payload_travels_as_a_short_key_and_maps_back(channel_state: str, bot_api: RecordingApi) -> None:
    long_payload = '/inform{"triage_field": "triage_complaint", "note": "' + "x" * 60 + '"}'
    buttons = [{"title": "Change it", "payload": long_payload}, {"title": "Yes", "payload": "/affirm"}]

    await output_to(bot_api).send_text_with_buttons(SENDER, "Is this right?", buttons)

    [(_, params)] = calls(bot_api, TELEGRAM_BOT_TOKEN, "sendMessage")
    [[changed], [yes]] = params["reply_markup"]["inline_keyboard"]
    assert yes == {"text": "Yes", "callback_data": "/affirm"}
    assert len(changed["callback_data"].encode()) <= CALLBACK_DATA_LIMIT
    assert payload_for(SENDER, changed["callback_data"]) == long_payload
    assert payload_for(sender_id("telegram", "1"), changed["callback_data"]) is None  # another patient's key


@pytest.mark.anyio
async def test_custom_json_never_shown_to_the_patient(channel_state: str, bot_api: RecordingApi) -> None:
    await output_to(bot_api).send_response(SENDER, {"custom": {"webchat": "typing"}})

    assert bot_api.requests == []


def test_split_text_cuts_long_replies_at_paragraphs() -> None:
    first, second = "a" * 3000, "b" * 3000

    assert split_text(f"{first}\n\n{second}") == [first, second]
    assert all(len(piece) <= 4096 for piece in split_text("word " * 3000))
    assert split_text("short") == ["short"]


@pytest.mark.parametrize(
    ("typed", "for_rasa"),
    [
        ("/start", "/greet"),
        ("/start@practice_assistant_test_bot", "/greet"),
        ("/help", "/ask_help"),
        ("/stop", "/stop"),
        ('/inform{"age_band": "adult"}', 'inform{"age_band": "adult"}'),
        ("/book a smear test", "book a smear test"),
        ("  I have a sore throat ", "I have a sore throat"),
        ("/", ""),
    ],
)
def test_text_for_rasa_maps_commands_and_never_passes_intent_syntax(typed: str, for_rasa: str) -> None:
    assert text_for_rasa(typed) == for_rasa
