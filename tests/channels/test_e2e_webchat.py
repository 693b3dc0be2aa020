"""End to end through the running Rasa server over the web chat's JSON API: a patient books a smear
test and then cancels it, and the booking backend agrees at each step."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from actions.patient_ref import patient_ref
from channels.pseudonym import sender_id
from tests.channels.conftest import AssistantStack
from tests.stack import backend_headers

TURN_SECONDS = 90.0


class WebChatPatient:
    """A patient talking to the web chat API, as the page does."""

    def __init__(self, client: httpx.Client) -> None:
        self.client = client
        response = client.post("session")
        assert response.status_code == 201
        self.token: str = response.json()["token"]
        self.replies: list[dict[str, Any]] = []

    def send(self, **body: str) -> str:
        response = self.client.post(
            "message",
            json={"id": str(uuid.uuid4()), **body},
            headers={"Authorization": f"Bearer {self.token}"},
        )
        assert response.status_code == 200, response.text
        self.replies = response.json()["messages"]
        return "\n".join(reply["text"] for reply in self.replies)

    def say(self, text: str) -> str:
        return self.send(text=text)

    def tap(self, title_prefix: str) -> str:
        buttons = [button for reply in self.replies for button in reply["buttons"]]
        chosen = next((b for b in buttons if b["title"].startswith(title_prefix)), None)
        assert chosen is not None, f"no button {title_prefix!r} in {[b['title'] for b in buttons]}"
        return self.send(payload=chosen["payload"])


def upcoming_bookings(backend_url: str, token: str) -> list[dict[str, Any]]:
    ref = patient_ref(sender_id("webchat", token))
    response = httpx.get(f"{backend_url}/v1/bookings", params={"patient_ref": ref}, headers=backend_headers(),
                         timeout=10)
    response.raise_for_status()
    bookings: list[dict[str, Any]] = response.json()
    return bookings


def test_webchat_patient_books_then_cancels(assistant_stack: AssistantStack, channel_state: str) -> None:
    base = f"{assistant_stack.rasa_url}/webhooks/webchat/"
    with httpx.Client(base_url=base, timeout=TURN_SECONDS) as client:
        patient = WebChatPatient(client)
        assert "soonest appointments" in patient.say("I need a smear test")
        assert "Shall I book it?" in patient.tap("1.")
        assert "you're booked" in patient.tap("Yes, book it")
        assert len(upcoming_bookings(assistant_stack.backend_url, patient.token)) == 1

        assert "Which appointment would you like to cancel?" in patient.say("cancel my appointment")
        assert "Cancel this appointment?" in patient.tap("1.")
        assert "That's cancelled" in patient.tap("Yes, cancel it")
    assert upcoming_bookings(assistant_stack.backend_url, patient.token) == []


# What a patient with a cough taps at each triage question, by the question's words.
COUGH_ANSWERS = [("for you, or for someone else", "For me"), ("How old are you", "16 to 64"),
                 ("How long has this been going on", "1 to 3 days"), ("How bad is it", "Mild"),
                 ("Do you have any of these?", "None of these")]


def answer_until(patient: WebChatPatient, reply: str, pattern: str, answers: list[tuple[str, str]]) -> str:
    """Tap the scripted answer to each question until the bot says `pattern`; the bot's questions counted."""
    for _ in range(10):
        if pattern in reply:
            return reply
        answer = next((button for question, button in answers if question in reply), None)
        assert answer is not None, f"no scripted answer for the bot's question: {reply!r}"
        reply = patient.tap(answer)
    raise AssertionError(f"the bot never said {pattern!r}; last: {reply!r}")


def test_webchat_triage_asks_the_red_flag_checklist_as_buttons(assistant_stack: AssistantStack,
                                                                 channel_state: str) -> None:
    base = f"{assistant_stack.rasa_url}/webhooks/webchat/"
    with httpx.Client(base_url=base, timeout=TURN_SECONDS) as client:
        patient = WebChatPatient(client)
        answer_until(patient, patient.say("I've had a cough"), "Do you have any of these?", COUGH_ANSWERS)
        titles = [button["title"] for message in patient.replies for button in message["buttons"]]
        assert titles[0].startswith("1. Are you struggling to breathe")
        assert titles[-2:] == ["None of these", "Not sure"]
        assert not any("/inform" in title for title in titles)

        summary = patient.tap("None of these")
        assert "Red-flag questions: none of these" in summary
        outcome = patient.tap("Yes, that's right")
        assert "999" not in outcome and "Would you like me to find an appointment" in outcome


def test_webchat_a_yes_in_the_checklist_gives_the_emergency_advice(assistant_stack: AssistantStack,
                                                                    channel_state: str) -> None:
    base = f"{assistant_stack.rasa_url}/webhooks/webchat/"
    with httpx.Client(base_url=base, timeout=TURN_SECONDS) as client:
        patient = WebChatPatient(client)
        answer_until(patient, patient.say("I've had a cough"), "Do you have any of these?", COUGH_ANSWERS)
        emergency = patient.tap("1. Are you struggling to breathe")
        assert "999" in emergency
        assert not [button for message in patient.replies for button in message["buttons"]]
