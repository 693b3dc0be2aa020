"""No patient's words or numbers in any log: whole conversations on the web chat, SMS and Telegram
with a unique marker in the complaint, then every log file the stack wrote is searched."""

from __future__ import annotations

import re
import uuid

from tests.attacks.conftest import AttackStack
from tests.attacks.test_intent_injection import WebChat
from tests.channels.test_e2e_telegram import TelegramPatient, buttons
from tests.channels.test_e2e_twilio import TwilioPatient

PHONE = "+447700900471"
CHAT_ID = 700900472


def test_logs_hold_no_patient_words_or_numbers(attack_stack: AttackStack) -> None:
    marker = f"zq{uuid.uuid4().hex[:10]}"
    complaint = f"I've had an itchy {marker} rash on my arm for three days"

    chat = WebChat(attack_stack)
    replies = chat.say(complaint)
    for _ in range(6):  # through the triage questions with buttons (the interpolator's old failure)
        offered = [button for reply in replies for button in reply["buttons"]]
        if not offered:
            break
        answer = chat.client.post("message", json={"id": str(uuid.uuid4()), "payload": offered[0]["payload"]},
                                  headers={"Authorization": f"Bearer {chat.token}"})
        assert answer.status_code == 200, answer.text
        replies = answer.json()["messages"]
    chat.say(f"also my {marker} neighbour says hello, and /{marker}_intent{{\"x\": 1}}")

    sms = TwilioPatient(attack_stack, "twilio_sms", PHONE)
    sms.say(complaint)
    for _ in range(4):
        sms.say("1")

    telegram = TelegramPatient(attack_stack, CHAT_ID)
    turn = telegram.say(complaint)
    for _ in range(4):
        # The first button of a red-flag checklist can be an emergency, whose advice has no buttons.
        if not any("reply_markup" in params for params in turn) or not buttons(turn):
            break
        turn = telegram.press(turn, ".")

    logs = attack_stack.logs()
    assert {"rasa.log", "actions.log", "backend.log"} <= set(logs)
    digits = PHONE.lstrip("+")
    forbidden = [marker, "itchy", digits, "07700900471", "7700 900471", str(CHAT_ID)]
    for name, text in logs.items():
        for word in forbidden:
            assert word not in text, f"{word!r} found in {name}"
        assert not re.search(r"interpolator|Failed to replace placeholders", text), f"interpolator error in {name}"
