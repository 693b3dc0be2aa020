"""The SMS and WhatsApp connectors in a real Sanic server on 127.0.0.1, fed Twilio's own form bodies.

The bot is a scripted stand-in for Rasa's `on_new_message` (the end-to-end test uses the real one);
replies leave through the twilio library's own client, pointed at a RecordingApi (`api_base_url`).
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

import httpx
import pytest
import sqlalchemy as sa
from rasa.core.channels.channel import UserMessage
from sanic import Sanic
from twilio.request_validator import RequestValidator

from channels import contacts
from channels.keywords import OPTED_OUT_REPLY, TEXT_ONLY_REPLY
from channels.pseudonym import sender_id
from channels.settings import ChannelConfigError, get_settings
from channels.sms_text import is_gsm7, segment_count
from channels.state_db import contacts as contacts_table
from channels.state_db import state_engine
from channels.twilio_channel import TwilioInput
from channels.twilio_sms import TwilioSmsInput
from channels.whatsapp import WhatsAppInput
from tests.channels.conftest import (
    PUBLIC_URL,
    TWILIO_ACCOUNT_SID,
    TWILIO_AUTH_TOKEN,
    TWILIO_SMS_FROM,
    TWILIO_WHATSAPP_FROM,
)
from tests.channels.recording_api import RecordedRequest, RecordingApi
from tests.channels.sanic_server import serving

DATA = Path(__file__).parent / "data" / "twilio"
PATIENT = "+447700900123"
WHATSAPP_PATIENT = "whatsapp:+447700900456"
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response />'
MESSAGES_PATH = rf"/2010-04-01/Accounts/{TWILIO_ACCOUNT_SID}/Messages\.json$"

# Computed once with RequestValidator for the fixture bodies, the test auth token and the public
# webhook URLs; pinned so that a change in how we build the signed URL or read the form shows here.
SMS_FIXTURE_SIGNATURE = "m8RBYrjoa+BcE8A2FW/DgZbXLDY="
WHATSAPP_FIXTURE_SIGNATURE = "Cql3+wIcI0Y4jSlXDtA19fZILHY="

SLOT_BUTTONS = [
    {"title": "1. Mon 3 June, 09:00, Dr Patel", "payload": '/choose_option{"option": "1"}'},
    {"title": "2. Tue 4 June, 10:30, Nurse Jones", "payload": '/choose_option{"option": "2"}'},
    {"title": "3. Wed 5 June, 14:10, Dr Patel", "payload": '/choose_option{"option": "3"}'},
]


def fixture_form(name: str, **changes: str) -> list[tuple[str, str]]:
    """A stored Twilio webhook body as its ordered fields, with some values changed."""
    pairs = parse_qsl((DATA / f"{name}.form").read_text().strip(), keep_blank_values=True)
    return [(key, changes.get(key, value)) for key, value in pairs]


def sign(url: str, pairs: list[tuple[str, str]]) -> str:
    return RequestValidator(TWILIO_AUTH_TOKEN).compute_signature(url, dict(pairs))


Reply = list[dict[str, Any]]


@dataclass
class ScriptedBot:
    """Stands in for Rasa: records what reached it and answers with `script(text)`."""

    script: Callable[[str], Reply] = lambda text: [{"text": f"You said: {text}"}]
    received: list[UserMessage] = field(default_factory=list)
    delays: dict[str, float] = field(default_factory=dict)

    async def __call__(self, message: UserMessage) -> None:
        self.received.append(message)
        await asyncio.sleep(self.delays.get(message.text, 0))
        for reply in self.script(message.text):
            await message.output_channel.send_response(message.sender_id, dict(reply))

    @property
    def texts(self) -> list[str]:
        return [message.text for message in self.received]


@dataclass
class Harness:
    """A connector served on 127.0.0.1, its scripted bot and the recorded Twilio API."""

    channel: TwilioInput
    bot: ScriptedBot
    api: RecordingApi
    http: httpx.AsyncClient
    form_name: str
    patient: str
    sequence: int = 0

    @property
    def path(self) -> str:
        return f"/webhooks/{self.channel.name()}/webhook"

    async def post(
        self, pairs: list[tuple[str, str]], *, signature: str | None = None, signed_url: str | None = None,
        query: str = "",
    ) -> httpx.Response:
        """POST a form as Twilio does, signed for the public URL unless `signature` is given."""
        if signature is None:
            signature = sign(signed_url or f"{PUBLIC_URL}{self.path}{query}", pairs)
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if signature:
            headers["X-Twilio-Signature"] = signature
        answer = await self.http.post(self.path + query, content=urlencode(pairs), headers=headers)
        await self.channel.wait_idle()
        return answer

    def message(self, body: str, **changes: str) -> list[tuple[str, str]]:
        """The fixture body with `body` and a fresh MessageSid."""
        self.sequence += 1
        sid = f"SM{uuid.uuid4().hex}"
        return fixture_form(self.form_name, Body=body, MessageSid=sid, SmsMessageSid=sid, SmsSid=sid, **changes)

    async def say(self, body: str) -> list[str]:
        """Send `body` as the patient; the texts the connector sent back for it."""
        before = len(self.outbound())
        answer = await self.post(self.message(body))
        assert answer.status_code == 200
        return [request.form["Body"] for request in self.outbound()[before:]]

    def outbound(self) -> list[RecordedRequest]:
        return [request for request in self.api.requests if re.search(MESSAGES_PATH, request.path)]


def message_created(request: RecordedRequest) -> tuple[int, object]:
    """Twilio's 201 answer to a Messages create."""
    form = request.form
    return 201, {
        "sid": f"SM{uuid.uuid4().hex}", "account_sid": TWILIO_ACCOUNT_SID, "status": "queued",
        "to": form.get("To"), "from": form.get("From"), "body": form.get("Body"), "num_segments": "1",
        "api_version": "2010-04-01",
    }


@asynccontextmanager
async def running(
    channel_class: type[TwilioInput], credentials: dict[str, str] | None = None, bot: ScriptedBot | None = None
) -> AsyncIterator[Harness]:
    api = RecordingApi()
    api.route("POST", MESSAGES_PATH, message_created)
    is_whatsapp = channel_class is WhatsAppInput
    settings = {
        "account_sid": TWILIO_ACCOUNT_SID, "auth_token": TWILIO_AUTH_TOKEN,
        "from_number": TWILIO_WHATSAPP_FROM if is_whatsapp else TWILIO_SMS_FROM,
        "public_url": PUBLIC_URL, "api_base_url": api.url,
    }
    settings.update(credentials or {})
    channel = channel_class.from_credentials(settings)
    assert isinstance(channel, TwilioInput)
    channel.retry_wait = 0.05
    bot = bot or ScriptedBot()
    app = Sanic(f"twilio_test_{uuid.uuid4().hex[:12]}")
    app.blueprint(channel.blueprint(bot), url_prefix=f"/webhooks/{channel.name()}")
    try:
        async with serving(app) as url, httpx.AsyncClient(base_url=url, timeout=30) as http:
            yield Harness(
                channel, bot, api, http,
                form_name="whatsapp_inbound" if is_whatsapp else "sms_inbound",
                patient=WHATSAPP_PATIENT if is_whatsapp else PATIENT,
            )
    finally:
        api.close()


@pytest.fixture
async def sms(channel_state: str) -> AsyncIterator[Harness]:
    async with running(TwilioSmsInput) as harness:
        yield harness


@pytest.fixture
async def whatsapp(channel_state: str) -> AsyncIterator[Harness]:
    async with running(WhatsAppInput) as harness:
        yield harness


# Authentication


def test_signature_library_matches_twilio_documented_example() -> None:
    params = {
        "CallSid": "CA1234567890ABCDE", "Caller": "+12349013030", "Digits": "1234",
        "From": "+12349013030", "To": "+18005551212",
    }
    url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    assert RequestValidator("12345").compute_signature(url, params) == "0/KCTR6DLpKmkAf8muzZqo1nDgQ="


@pytest.mark.anyio
async def test_typed_slash_command_reaches_the_bot_as_words_not_an_intent(sms: Harness) -> None:
    await sms.say('/affirm{"age_band": "adult"}')

    assert sms.bot.texts == ['affirm{"age_band": "adult"}']


@pytest.mark.anyio
async def test_webhook_pinned_signature_accepted_and_answered_with_empty_twiml(sms: Harness) -> None:
    answer = await sms.post(fixture_form("sms_inbound"), signature=SMS_FIXTURE_SIGNATURE)

    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/xml")
    assert answer.text == EMPTY_TWIML
    assert sms.bot.texts == ["Hi, I need a smear test"]
    [reply] = sms.outbound()
    assert reply.form == {"To": PATIENT, "From": TWILIO_SMS_FROM, "Body": "You said: Hi, I need a smear test"}


@pytest.mark.anyio
async def test_webhook_tampered_body_rejected_without_reaching_bot(sms: Harness) -> None:
    tampered = fixture_form("sms_inbound", Body="Hi, I need a smear test and a sick note")

    answer = await sms.post(tampered, signature=SMS_FIXTURE_SIGNATURE)

    assert answer.status_code == 403
    assert answer.text == ""
    assert sms.bot.received == []
    assert sms.outbound() == []
    # The forged request did not use up the MessageSid: the genuine one is still processed.
    assert (await sms.post(fixture_form("sms_inbound"), signature=SMS_FIXTURE_SIGNATURE)).status_code == 200
    assert sms.bot.texts == ["Hi, I need a smear test"]


@pytest.mark.anyio
@pytest.mark.parametrize(
    "signed_url",
    [
        "http://assistant.example.test/webhooks/twilio_sms/webhook",
        "https://attacker.example/webhooks/twilio_sms/webhook",
        "https://assistant.example.test/webhooks/whatsapp/webhook",
    ],
    ids=["http-not-https", "other-host", "other-channel"],
)
async def test_webhook_signature_for_wrong_url_rejected(sms: Harness, signed_url: str) -> None:
    answer = await sms.post(fixture_form("sms_inbound"), signed_url=signed_url)

    assert answer.status_code == 403
    assert sms.bot.received == []
    assert sms.outbound() == []


@pytest.mark.anyio
async def test_webhook_missing_signature_rejected_and_logged_without_content(
    sms: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)

    answer = await sms.post(fixture_form("sms_inbound"), signature="")

    assert answer.status_code == 403
    assert answer.text == ""
    assert sms.bot.received == []
    assert "signature" in caplog.text
    assert "7700900123" not in caplog.text
    assert "smear" not in caplog.text


@pytest.mark.anyio
async def test_webhook_signature_from_another_token_rejected(sms: Harness) -> None:
    pairs = fixture_form("sms_inbound")
    forged = RequestValidator("another-token").compute_signature(f"{PUBLIC_URL}{sms.path}", dict(pairs))

    assert (await sms.post(pairs, signature=forged)).status_code == 403
    assert sms.bot.received == []


@pytest.mark.anyio
async def test_webhook_query_string_is_part_of_signed_url(sms: Harness) -> None:
    assert (await sms.post(sms.message("hello"), query="?source=uk")).status_code == 200
    assert sms.bot.texts == ["hello"]


@pytest.mark.anyio
async def test_webhook_without_credentials_answers_503_in_development(channel_state: str) -> None:
    async with running(TwilioSmsInput, {"auth_token": "", "account_sid": ""}) as harness:
        answer = await harness.post(harness.message("hello"))
        health = await harness.http.get("/webhooks/twilio_sms/health")

    assert answer.status_code == 503
    assert answer.json() == {"error": "twilio_sms not configured"}
    assert harness.bot.received == []
    assert health.json() == {"channel": "twilio_sms", "configured": False}


@pytest.mark.anyio
async def test_health_reports_channel_and_configuration_without_secrets(sms: Harness) -> None:
    answer = await sms.http.get("/webhooks/twilio_sms/health")

    assert answer.status_code == 200
    assert answer.json() == {"channel": "twilio_sms", "configured": True}
    assert TWILIO_AUTH_TOKEN not in answer.text


@pytest.mark.parametrize("missing", ["account_sid", "auth_token", "from_number", "public_url"])
@pytest.mark.parametrize("channel_class", [TwilioSmsInput, WhatsAppInput])
def test_from_credentials_missing_value_refuses_to_start_in_production(
    channel_state: str, monkeypatch: pytest.MonkeyPatch, missing: str, channel_class: type[TwilioInput]
) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    get_settings.cache_clear()
    credentials = {
        "account_sid": TWILIO_ACCOUNT_SID, "auth_token": TWILIO_AUTH_TOKEN, "from_number": TWILIO_SMS_FROM,
        "public_url": PUBLIC_URL, "api_base_url": "",
    }
    credentials[missing] = ""

    with pytest.raises(ChannelConfigError, match=missing):
        channel_class.from_credentials(credentials)


# Redelivery, identity and privacy


@pytest.mark.anyio
async def test_duplicate_message_sid_processed_once(sms: Harness) -> None:
    pairs = sms.message("I need an appointment")

    first = await sms.post(pairs)
    second = await sms.post(pairs)

    assert (first.status_code, first.text) == (200, EMPTY_TWIML)
    assert (second.status_code, second.text) == (200, EMPTY_TWIML)
    assert sms.bot.texts == ["I need an appointment"]
    assert len(sms.outbound()) == 1


@pytest.mark.anyio
async def test_sender_id_is_pseudonym_and_number_stays_out_of_bot_and_logs(
    sms: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)

    await sms.say("I need a smear test")

    [message] = sms.bot.received
    assert message.sender_id == sender_id("sms", PATIENT)
    assert re.fullmatch(r"sms-[0-9a-f]{64}", message.sender_id)
    assert message.input_channel == "twilio_sms"
    assert "7700900123" not in json.dumps(message.metadata or {})
    assert "7700900123" not in caplog.text
    assert "smear" not in caplog.text


@pytest.mark.anyio
async def test_contact_stored_encrypted_for_reminders(sms: Harness) -> None:
    await sms.say("hello")

    patient = sender_id("sms", PATIENT)
    with state_engine().connect() as connection:
        token = connection.execute(sa.select(contacts_table.c.address_token)).scalar_one()
    assert "7700900123" not in token
    contact = contacts.lookup(patient)
    assert contact is not None
    assert (contact.channel, contact.address, contact.opted_out) == ("sms", PATIENT, False)


# Text UX: numbered menus


def show_slots(text: str) -> Reply:
    if text == "show slots":
        return [{"text": "These appointments are free:", "buttons": SLOT_BUTTONS}]
    return [{"text": f"You said: {text}"}]


@pytest.mark.anyio
async def test_buttons_sent_as_numbered_list(channel_state: str) -> None:
    async with running(TwilioSmsInput, bot=ScriptedBot(script=show_slots)) as sms:
        [text] = await sms.say("show slots")

    assert text == (
        "These appointments are free:\n"
        "1. Mon 3 June, 09:00, Dr Patel\n"
        "2. Tue 4 June, 10:30, Nurse Jones\n"
        "3. Wed 5 June, 14:10, Dr Patel\n"
        "Reply with a number."
    )


@pytest.mark.anyio
@pytest.mark.parametrize(
    "reply",
    ["2", "two", "the second", "second one", "option 2", "number 2", "Tue 4 June, 10:30, Nurse Jones", " 2. "],
)
async def test_numbered_reply_reaches_bot_as_button_payload(channel_state: str, reply: str) -> None:
    async with running(TwilioSmsInput, bot=ScriptedBot(script=show_slots)) as sms:
        await sms.say("show slots")
        await sms.say(reply)

    assert sms.bot.texts == ["show slots", '/choose_option{"option": "2"}']


@pytest.mark.anyio
async def test_reply_that_picks_nothing_reaches_bot_as_typed(channel_state: str) -> None:
    async with running(TwilioSmsInput, bot=ScriptedBot(script=show_slots)) as sms:
        await sms.say("show slots")
        await sms.say("none of those, anything on Friday?")
        await sms.say("7")

    assert sms.bot.texts == ["show slots", "none of those, anything on Friday?", "7"]


@pytest.mark.anyio
async def test_menu_forgotten_once_bot_replies_without_buttons(channel_state: str) -> None:
    async with running(TwilioSmsInput, bot=ScriptedBot(script=show_slots)) as sms:
        await sms.say("show slots")
        await sms.say("what about next week")
        await sms.say("1")

    assert sms.bot.texts == ["show slots", "what about next week", "1"]


# Keywords and non-text messages


@pytest.mark.anyio
@pytest.mark.parametrize("word", ["STOP", "stop", "Unsubscribe", "stopall", "END", "quit"])
async def test_stop_opts_out_confirms_and_skips_bot(sms: Harness, word: str) -> None:
    [confirmation] = await sms.say(word)

    assert "unsubscribed" in confirmation
    assert "START" in confirmation
    assert sms.bot.received == []
    contact = contacts.lookup(sender_id("sms", PATIENT))
    assert contact is not None
    assert contact.opted_out


@pytest.mark.anyio
async def test_opted_out_sender_told_how_to_restart_until_start(sms: Harness) -> None:
    await sms.say("STOP")
    [reminder] = await sms.say("I need an appointment")
    [welcome] = await sms.say("start")
    await sms.say("I need an appointment")

    assert reminder == OPTED_OUT_REPLY
    assert "subscribed again" in welcome
    assert sms.bot.texts == ["I need an appointment"]
    contact = contacts.lookup(sender_id("sms", PATIENT))
    assert contact is not None
    assert not contact.opted_out


@pytest.mark.anyio
async def test_help_says_what_service_is_and_where_to_get_urgent_help(sms: Harness) -> None:
    [text] = await sms.say("Help")

    assert "999" in text
    assert "111" in text
    assert "STOP" in text
    assert sms.bot.received == []
    assert segment_count(text) <= 3


@pytest.mark.anyio
@pytest.mark.parametrize("word", ["CANCEL", "cancel", "stop my appointment", "help me book"])
async def test_cancel_and_longer_messages_reach_bot(sms: Harness, word: str) -> None:
    await sms.say(word)

    assert sms.bot.texts == [word]


@pytest.mark.anyio
async def test_media_only_message_gets_text_only_reply(sms: Harness) -> None:
    answer = await sms.post(fixture_form("sms_media_only"))

    assert answer.status_code == 200
    assert [request.form["Body"] for request in sms.outbound()] == [TEXT_ONLY_REPLY]
    assert sms.bot.received == []


@pytest.mark.anyio
async def test_blank_message_gets_text_only_reply(sms: Harness) -> None:
    assert await sms.say("   ") == [TEXT_ONLY_REPLY]
    assert sms.bot.received == []


# Length discipline and ordering


LONG_REPLY = (
    "Thanks \U0001F44D. Here’s what to do next — read it carefully… "
    + " ".join(f"Step {number}: keep taking fluids and rest as much as you can." for number in range(1, 16))
    + " If it gets worse, call 111."
)


@pytest.mark.anyio
async def test_long_reply_split_into_gsm7_messages_of_three_segments_in_order(channel_state: str) -> None:
    bot = ScriptedBot(script=lambda text: [{"text": LONG_REPLY}])
    async with running(TwilioSmsInput, bot=bot) as sms:
        texts = await sms.say("what should I do")

    assert len(texts) == 3
    assert all(is_gsm7(text) and segment_count(text) <= 3 for text in texts)
    assert texts[0].startswith("Thanks. Here's what to do next - read it carefully...")
    assert all(text.endswith(".") for text in texts)
    assert texts[-1].endswith("If it gets worse, call 111.")
    assert " ".join(texts).count("Step ") == 15


@pytest.mark.anyio
async def test_replies_to_one_sender_keep_message_order(channel_state: str) -> None:
    bot = ScriptedBot(delays={"first": 0.3})
    async with running(TwilioSmsInput, bot=bot) as sms:
        # "second" arrives while "first" is still being answered (posting both at once left which
        # one reached the webhook first to chance, and with it the order this test expects).
        first = asyncio.create_task(sms.post(sms.message("first")))
        for _ in range(200):
            if bot.texts:
                break
            await asyncio.sleep(0.005)
        assert bot.texts == ["first"]
        await asyncio.gather(first, sms.post(sms.message("second")))
        await sms.channel.wait_idle()

    assert [request.form["Body"] for request in sms.outbound()] == ["You said: first", "You said: second"]


# Sending: retries and failures


@pytest.mark.anyio
async def test_reply_retried_with_backoff_after_503_then_sent(sms: Harness) -> None:
    sms.api.fail_next(MESSAGES_PATH, times=2, status=503)

    texts = await sms.say("hello")

    assert texts == ["You said: hello"] * 3
    assert len(sms.bot.received) == 1


@pytest.mark.anyio
async def test_reply_retried_after_429(sms: Harness) -> None:
    sms.api.fail_next(MESSAGES_PATH, times=1, status=429)

    assert await sms.say("hello") == ["You said: hello"] * 2


@pytest.mark.anyio
async def test_reply_failing_every_attempt_logged_without_body_or_number(
    sms: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    sms.api.fail_next(MESSAGES_PATH, times=100, status=503)
    caplog.set_level(logging.INFO)

    texts = await sms.say("hello")

    assert len(texts) == 4
    errors = [record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR]
    assert errors == ["twilio_sms reply not sent after 4 attempts: TwilioUnavailable"]
    assert "You said" not in caplog.text
    assert "7700900123" not in caplog.text


@pytest.mark.anyio
async def test_reply_refused_by_twilio_not_retried_and_logged_by_code(
    sms: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    sms.api.routes.insert(0, ("POST", re.compile(MESSAGES_PATH), lambda request: (400, {
        "code": 21610, "message": f"Attempt to send to unsubscribed recipient {PATIENT}", "status": 400,
    })))
    caplog.set_level(logging.INFO)

    texts = await sms.say("hello")

    assert len(texts) == 1
    assert "21610" in caplog.text
    assert "7700900123" not in caplog.text


# WhatsApp


@pytest.mark.anyio
async def test_whatsapp_pinned_signature_round_trip(whatsapp: Harness) -> None:
    whatsapp.bot.script = lambda text: [{"text": "Hello \U0001F44B How can I help?"}]

    answer = await whatsapp.post(fixture_form("whatsapp_inbound"), signature=WHATSAPP_FIXTURE_SIGNATURE)

    assert (answer.status_code, answer.text) == (200, EMPTY_TWIML)
    [message] = whatsapp.bot.received
    assert message.text == "Hello"
    assert message.sender_id == sender_id("whatsapp", WHATSAPP_PATIENT)
    assert message.input_channel == "whatsapp"
    assert "7700900456" not in json.dumps(message.metadata or {})
    [reply] = whatsapp.outbound()
    assert reply.form == {
        "To": WHATSAPP_PATIENT, "From": TWILIO_WHATSAPP_FROM, "Body": "Hello \U0001F44B How can I help?",
    }


@pytest.mark.anyio
async def test_whatsapp_numbered_reply_reaches_bot_as_payload(channel_state: str) -> None:
    async with running(WhatsAppInput, bot=ScriptedBot(script=show_slots)) as whatsapp:
        [menu] = await whatsapp.say("show slots")
        await whatsapp.say("the first one")

    assert "1. Mon 3 June, 09:00, Dr Patel" in menu
    assert whatsapp.bot.texts == ["show slots", '/choose_option{"option": "1"}']


@pytest.mark.anyio
async def test_whatsapp_media_only_message_gets_text_only_reply(whatsapp: Harness) -> None:
    await whatsapp.post(fixture_form("whatsapp_media_only"))

    assert [request.form["Body"] for request in whatsapp.outbound()] == [TEXT_ONLY_REPLY]
    assert whatsapp.bot.received == []


@pytest.mark.anyio
async def test_whatsapp_long_reply_split_at_1600_characters_keeping_unicode(channel_state: str) -> None:
    long_text = " ".join(f"Paragraph {number} — rest and drink fluids \U0001F964." for number in range(60))
    async with running(WhatsAppInput, bot=ScriptedBot(script=lambda text: [{"text": long_text}])) as whatsapp:
        texts = await whatsapp.say("advice please")

    assert len(texts) == 2
    assert all(len(text) <= 1600 for text in texts)
    assert " ".join(texts) == long_text


@pytest.mark.anyio
async def test_whatsapp_stop_opts_out(whatsapp: Harness) -> None:
    await whatsapp.say("STOP")

    contact = contacts.lookup(sender_id("whatsapp", WHATSAPP_PATIENT))
    assert contact is not None
    assert contact.opted_out
    assert whatsapp.bot.received == []


@pytest.mark.anyio
async def test_whatsapp_template_sent_with_content_sid_and_variables(whatsapp: Harness) -> None:
    assert isinstance(whatsapp.channel, WhatsAppInput)

    sid = await whatsapp.channel.send_template(
        "+447700900456", "HX" + "a" * 32, {"1": "Tue 4 June", "2": "10:30"}
    )

    assert sid is not None
    assert sid.startswith("SM")
    [request] = whatsapp.outbound()
    assert request.form == {
        "To": WHATSAPP_PATIENT, "From": TWILIO_WHATSAPP_FROM, "ContentSid": "HX" + "a" * 32,
        "ContentVariables": '{"1": "Tue 4 June", "2": "10:30"}',
    }
    assert request.headers["authorization"].startswith("Basic ")


@pytest.mark.anyio
async def test_whatsapp_template_retried_after_503(whatsapp: Harness) -> None:
    assert isinstance(whatsapp.channel, WhatsAppInput)
    whatsapp.api.fail_next(MESSAGES_PATH, times=1, status=503)

    sid = await whatsapp.channel.send_template(WHATSAPP_PATIENT, "HX" + "b" * 32, {"1": "Mon"})

    assert sid is not None
    assert len(whatsapp.outbound()) == 2


@pytest.mark.anyio
async def test_bot_failure_logged_by_type_only_and_next_message_handled(
    channel_state: str, caplog: pytest.LogCaptureFixture
) -> None:
    def fragile(text: str) -> Reply:
        if text == "break":
            raise RuntimeError(f"cannot handle {text} from {PATIENT}")
        return [{"text": f"You said: {text}"}]

    caplog.set_level(logging.INFO)
    async with running(TwilioSmsInput, bot=ScriptedBot(script=fragile)) as sms:
        assert await sms.say("break") == []
        assert await sms.say("hello") == ["You said: hello"]

    assert "handling a message failed: RuntimeError" in caplog.text
    assert "7700900123" not in caplog.text
