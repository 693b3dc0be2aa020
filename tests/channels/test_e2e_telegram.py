"""Telegram end to end: updates with Telegram's secret token header into the real `rasa run`
(bot/credentials.yml), the real action server and booking backend; the replies captured where
python-telegram-bot sends them (its base URL pointed at the stack's RecordingApi, answering like the
Bot API). The patient books by pressing inline buttons, then cancels."""

from __future__ import annotations

import itertools
import random
import re
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from actions.patient_ref import patient_ref
from channels.pseudonym import sender_id
from channels.telegram import SECRET_HEADER
from tests.channels.conftest import TELEGRAM_BOT_TOKEN, TELEGRAM_SECRET_TOKEN, AssistantStack
from tests.channels.telegram_api import button_update, calls, route_bot_api, text_update
from tests.stack import backend_headers

WEBHOOK = "/webhooks/telegram/webhook"
PATIENT_CHAT_ID = 700900301
# After the last reply of a turn, how long nothing more arrives before the turn counts as finished.
QUIET_SECONDS = 1.5
# Update ids are unique per bot; start somewhere no other test run of this stack has used.
_update_ids = itertools.count(random.randrange(10**8, 10**9))


class TelegramPatient:
    """Chats with the running assistant through its Telegram webhook and reads what the bot sent."""

    def __init__(self, stack: AssistantStack, chat_id: int) -> None:
        self.stack, self.chat_id = stack, chat_id
        self.pressed: list[str] = []  # callback query ids of the buttons pressed

    def sent(self, method: str = "sendMessage") -> list[dict[str, Any]]:
        """Parameters of the Bot API calls of `method` made for this chat (callback answers: every chat)."""
        found = [params for _, params in calls(self.stack.api, TELEGRAM_BOT_TOKEN, method)]
        return found if method == "answerCallbackQuery" else [p for p in found if p.get("chat_id") == self.chat_id]

    def _post(self, update: dict[str, Any], timeout: float) -> list[dict[str, Any]]:
        before = len(self.sent())
        answer = httpx.post(
            self.stack.rasa_url + WEBHOOK, json=update, headers={SECRET_HEADER: TELEGRAM_SECRET_TOKEN}, timeout=15
        )
        assert answer.status_code == 200, answer.text
        deadline = time.monotonic() + timeout
        seen, quiet_since = before, time.monotonic()
        while time.monotonic() < deadline:
            count = len(self.sent())
            if count != seen:
                seen, quiet_since = count, time.monotonic()
            elif count > before and time.monotonic() - quiet_since >= QUIET_SECONDS:
                break
            time.sleep(0.1)
        messages = self.sent()[before:]
        assert messages, f"no reply within {timeout} s"
        return messages

    def say(self, text: str, timeout: float = 60) -> list[dict[str, Any]]:
        """Type `text`; the sendMessage calls of the bot's answer once they stop arriving."""
        return self._post(text_update(next(_update_ids), text, chat_id=self.chat_id), timeout)

    def press(self, turn: list[dict[str, Any]], title_pattern: str, timeout: float = 60) -> list[dict[str, Any]]:
        """Press the inline button whose title matches `title_pattern` in the last keyboard of `turn`."""
        button = next(b for b in buttons(turn) if re.search(title_pattern, b["text"]))
        update = button_update(next(_update_ids), button["callback_data"], chat_id=self.chat_id)
        self.pressed.append(update["callback_query"]["id"])
        return self._post(update, timeout)


def buttons(turn: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The buttons of the last inline keyboard in `turn`, checked to be one per row."""
    keyboards = [params["reply_markup"]["inline_keyboard"] for params in turn if "reply_markup" in params]
    assert keyboards, f"no buttons in {[params['text'] for params in turn]}"
    rows = keyboards[-1]
    assert all(len(row) == 1 for row in rows)
    return [row[0] for row in rows]


def texts(turn: list[dict[str, Any]]) -> str:
    return "\n".join(params["text"] for params in turn)


@pytest.fixture(scope="module")
def stack(assistant_stack: AssistantStack) -> Iterator[AssistantStack]:
    route_bot_api(assistant_stack.api, TELEGRAM_BOT_TOKEN)
    yield assistant_stack


def upcoming_bookings(stack: AssistantStack, chat_id: int) -> list[dict[str, object]]:
    """The backend's view of the patient, under the pseudonym the action server derives."""
    reference = patient_ref(sender_id("telegram", str(chat_id)))
    answer = httpx.get(f"{stack.backend_url}/v1/bookings", params={"patient_ref": reference},
                       headers=backend_headers(), timeout=10)
    answer.raise_for_status()
    bookings = answer.json()
    assert isinstance(bookings, list)
    return [booking for booking in bookings if booking.get("status") == "booked"]


def test_e2e_telegram_patient_books_with_inline_buttons_then_cancels(
    stack: AssistantStack, channel_state: str
) -> None:
    patient = TelegramPatient(stack, PATIENT_CHAT_ID)

    offer = patient.say("I need a smear test")
    slots = buttons(offer)
    assert len(slots) >= 2, texts(offer)
    assert slots[1]["callback_data"] == '/choose_option{"option": "2"}'
    assert slots[1]["text"].startswith("2. ")

    confirm = patient.press(offer, r"^2\. ")
    assert "Shall I book it?" in texts(confirm)
    assert buttons(confirm)[0]["callback_data"] == "/affirm"

    booked = patient.press(confirm, r"(?i)yes")
    assert "you're booked" in texts(booked)
    [booking] = upcoming_bookings(stack, PATIENT_CHAT_ID)
    assert booking["status"] == "booked"

    listing = patient.say("I need to cancel my appointment")
    assert len(buttons(listing)) == 1, texts(listing)

    cancel = patient.press(listing, r"^1\. ")
    assert "Cancel this appointment?" in texts(cancel)

    cancelled = patient.press(cancel, r"(?i)yes")
    assert "That's cancelled" in texts(cancelled)
    assert upcoming_bookings(stack, PATIENT_CHAT_ID) == []

    # Every press was answered (the spinner stops) and its keyboard taken off the message.
    answered = {params["callback_query_id"] for params in patient.sent("answerCallbackQuery")}
    assert len(patient.pressed) == 4 and set(patient.pressed) <= answered
    assert len(patient.sent("editMessageReplyMarkup")) == 4
    assert not any(re.search(r"/(choose_option|affirm|deny)", params["text"]) for params in patient.sent())


def test_e2e_telegram_red_flag_checklist_lists_the_questions_and_takes_not_sure(
    stack: AssistantStack, channel_state: str
) -> None:
    patient = TelegramPatient(stack, PATIENT_CHAT_ID + 7)
    answers = {"for you, or for someone else": r"^For me", "How old are you": r"^16 to 64",
               "female or male": r"^Female", "pregnant": r"^No$"}
    turn = patient.say("it burns when I wee")
    for _ in range(6):
        if "Do you have any of these?" in texts(turn):
            break
        pattern = next((p for question, p in answers.items() if question in texts(turn)), None)
        assert pattern is not None, f"no scripted answer for the bot's question: {texts(turn)!r}"
        turn = patient.press(turn, pattern)
    # Telegram cuts long button titles short: the message lists each question in full.
    assert "1. Are you unable to pee at all?" in texts(turn)
    titles = [button["text"] for button in buttons(turn)]
    assert titles[0].startswith("1. ") and titles[-2:] == ["None of these", "Not sure"]

    summary = patient.press(turn, r"^Not sure$")
    assert "Red-flag questions: not sure about" in texts(summary)


def test_e2e_telegram_start_command_greets(stack: AssistantStack, channel_state: str) -> None:
    patient = TelegramPatient(stack, PATIENT_CHAT_ID + 1)

    greeting = patient.say("/start")

    assert "practice assistant" in texts(greeting)


def test_e2e_telegram_forged_update_rejected_by_running_server(stack: AssistantStack) -> None:
    before = len(stack.api.requests)

    answer = httpx.post(
        stack.rasa_url + WEBHOOK, json=text_update(next(_update_ids), "hello", chat_id=PATIENT_CHAT_ID + 2),
        headers={SECRET_HEADER: "forged-secret"}, timeout=15,
    )

    assert answer.status_code == 403
    time.sleep(QUIET_SECONDS)
    assert [r for r in stack.api.requests[before:] if f"/bot{TELEGRAM_BOT_TOKEN}/" in r.path] == []


def test_e2e_telegram_health(stack: AssistantStack) -> None:
    answer = httpx.get(stack.rasa_url + "/webhooks/telegram/health", timeout=10)

    assert answer.json() == {"channel": "telegram", "configured": True}
