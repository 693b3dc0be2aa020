"""SMS and WhatsApp end to end: Twilio-signed webhooks into the real `rasa run` (bot/credentials.yml),
the real action server and booking backend; the replies captured where the twilio library sends them
(its API base URL pointed at the stack's RecordingApi)."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Iterator
from urllib.parse import parse_qsl, urlencode

import httpx
import pytest
from twilio.request_validator import RequestValidator

from actions.patient_ref import patient_ref
from channels.pseudonym import sender_id
from channels.sms_text import is_gsm7, segment_count
from tests.channels.conftest import (
    PUBLIC_URL,
    TWILIO_ACCOUNT_SID,
    TWILIO_AUTH_TOKEN,
    TWILIO_SMS_FROM,
    TWILIO_WHATSAPP_FROM,
    AssistantStack,
)
from tests.channels.recording_api import RecordedRequest
from tests.channels.test_twilio_webhook import DATA, MESSAGES_PATH, message_created
from tests.stack import backend_headers

SMS_PATIENT = "+447700900201"
WHATSAPP_PATIENT = "whatsapp:+447700900202"
# After the last reply of a turn, how long nothing more arrives before the turn counts as finished.
QUIET_SECONDS = 1.5


class TwilioPatient:
    """Texts the running assistant through its Twilio webhook and reads what it sent back."""

    def __init__(self, stack: AssistantStack, channel: str, address: str) -> None:
        self.stack, self.channel, self.address = stack, channel, address
        self.form_name = "whatsapp_inbound" if channel == "whatsapp" else "sms_inbound"

    def replies(self) -> list[RecordedRequest]:
        return [
            request for request in self.stack.api.requests
            if re.search(MESSAGES_PATH, request.path) and request.form.get("To") == self.address
        ]

    def say(self, body: str, timeout: float = 60) -> list[str]:
        """Send `body`; the texts of the turn's replies once they have stopped arriving."""
        before = len(self.replies())
        self.post(body)
        deadline = time.monotonic() + timeout
        seen, quiet_since = before, time.monotonic()
        while time.monotonic() < deadline:
            count = len(self.replies())
            if count != seen:
                seen, quiet_since = count, time.monotonic()
            elif count > before and time.monotonic() - quiet_since >= QUIET_SECONDS:
                break
            time.sleep(0.1)
        texts = [request.form["Body"] for request in self.replies()[before:]]
        assert texts, f"no reply to {body!r} within {timeout} s"
        return texts

    def post(self, body: str) -> None:
        """Deliver `body` as Twilio would (signed), without waiting for the replies."""
        sid = f"SM{uuid.uuid4().hex}"
        changes = {"Body": body, "MessageSid": sid, "SmsMessageSid": sid, "SmsSid": sid, "From": self.address}
        pairs = [
            (key, changes.get(key, value))
            for key, value in parse_qsl((DATA / f"{self.form_name}.form").read_text().strip(), keep_blank_values=True)
        ]
        path = f"/webhooks/{self.channel}/webhook"
        signature = RequestValidator(TWILIO_AUTH_TOKEN).compute_signature(PUBLIC_URL + path, dict(pairs))
        answer = httpx.post(
            self.stack.rasa_url + path, content=urlencode(pairs), timeout=15,
            headers={"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature},
        )
        assert answer.status_code == 200, answer.text


@pytest.fixture(scope="module")
def stack(assistant_stack: AssistantStack) -> Iterator[AssistantStack]:
    assistant_stack.api.route("POST", MESSAGES_PATH, message_created)
    yield assistant_stack


def upcoming_bookings(stack: AssistantStack, address_channel: str, address: str) -> list[dict[str, object]]:
    """The backend's view of the patient, under the pseudonym the action server derives."""
    reference = patient_ref(sender_id(address_channel, address))
    answer = httpx.get(f"{stack.backend_url}/v1/bookings", params={"patient_ref": reference},
                       headers=backend_headers(), timeout=10)
    answer.raise_for_status()
    bookings = answer.json()
    assert isinstance(bookings, list)
    return [booking for booking in bookings if booking.get("status") == "booked"]


def numbered(text: str) -> list[str]:
    return re.findall(r"^\d+\. .+$", text, flags=re.MULTILINE)


def test_e2e_sms_patient_books_with_numbered_replies_then_cancels(stack: AssistantStack, channel_state: str) -> None:
    patient = TwilioPatient(stack, "twilio_sms", SMS_PATIENT)

    offer = "\n".join(patient.say("I need a smear test"))
    assert len(numbered(offer)) >= 2, offer
    chosen = numbered(offer)[1].split(". ", 1)[1]

    confirm = "\n".join(patient.say("2"))
    assert "Shall I book it?" in confirm
    assert "1. Yes, book it" in confirm

    booked = "\n".join(patient.say("1"))
    assert "you're booked" in booked

    [booking] = upcoming_bookings(stack, "sms", SMS_PATIENT)
    assert booking["status"] == "booked"

    listing = "\n".join(patient.say("I need to cancel my appointment"))
    assert len(numbered(listing)) == 1, listing

    cancel = "\n".join(patient.say("the first one"))
    assert "Cancel this appointment?" in cancel

    cancelled = "\n".join(patient.say("yes, cancel it"))
    assert "That's cancelled" in cancelled
    assert upcoming_bookings(stack, "sms", SMS_PATIENT) == []

    every_text = [request.form["Body"] for request in patient.replies()]
    assert all(is_gsm7(text) and segment_count(text) <= 3 for text in every_text)
    assert all(request.form["From"] == TWILIO_SMS_FROM for request in patient.replies())
    assert chosen  # the offered time was a readable line, not a bare payload
    assert not any("/choose_option" in text or "/affirm" in text for text in every_text)


def test_e2e_sms_red_flag_checklist_takes_several_numbers_in_one_reply(stack: AssistantStack,
                                                                      channel_state: str) -> None:
    patient = TwilioPatient(stack, "twilio_sms", "+447700900203")
    answers = {"for you, or for someone else": "For me", "How old are you": "16 to 64",
               "female or male": "Female", "pregnant": "No"}
    reply = "\n".join(patient.say("it burns when I wee"))
    for _ in range(6):
        if "Do you have any of these?" in reply:
            break
        answer = next((typed for question, typed in answers.items() if question in reply), None)
        assert answer is not None, f"no scripted answer for the bot's question: {reply!r}"
        reply = "\n".join(patient.say(answer))
    assert "Reply with the numbers of all that apply" in reply
    checklist = numbered(reply)
    assert checklist[2].endswith("Do you have a high temperature, or feel hot and shivery?")
    assert checklist[-2:] == ["6. None of these", "7. Not sure"]

    summary = "\n".join(patient.say("3 and 5"))  # a temperature and blood in the wee; "no" to the rest
    assert "Red-flag questions: yes to" in summary and "Is there blood in your wee?" in summary
    assert "Are you unable to pee at all?" not in summary
    outcome = "\n".join(patient.say("yes"))
    assert "NHS 111" in outcome
    assert not any("/inform" in request.form["Body"] for request in patient.replies())


def test_e2e_whatsapp_message_round_trip(stack: AssistantStack, channel_state: str) -> None:
    patient = TwilioPatient(stack, "whatsapp", WHATSAPP_PATIENT)

    texts = patient.say("hello")

    assert any("practice assistant" in text for text in texts), texts
    assert all(request.form["From"] == TWILIO_WHATSAPP_FROM for request in patient.replies())
    assert all(len(text) <= 1600 for text in texts)


def test_e2e_forged_webhook_rejected_by_running_server(stack: AssistantStack) -> None:
    pairs = parse_qsl((DATA / "sms_inbound.form").read_text().strip(), keep_blank_values=True)

    answer = httpx.post(
        f"{stack.rasa_url}/webhooks/twilio_sms/webhook", content=urlencode(pairs), timeout=15,
        headers={"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl"},
    )

    assert answer.status_code == 403
    health = httpx.get(f"{stack.rasa_url}/webhooks/twilio_sms/health", timeout=10).json()
    assert health == {"channel": "twilio_sms", "configured": True}
    assert TWILIO_ACCOUNT_SID not in str(health)
