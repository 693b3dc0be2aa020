"""Bad characters and bad sizes: a NUL byte, lone surrogates and oversized bodies are refused or
cleaned at the door, with a clear message, and never hold up anyone else's conversation."""

from __future__ import annotations

import json
import socket
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import httpx
import pytest

from channels.server_limits import MAX_REQUEST_BYTES
from channels.telegram import SECRET_HEADER
from channels.typed_text import UNREADABLE_REPLY
from tests.attacks.conftest import AttackStack
from tests.attacks.test_intent_injection import WebChat
from tests.channels.conftest import TELEGRAM_SECRET_TOKEN
from tests.channels.telegram_api import text_update
from tests.channels.test_e2e_telegram import WEBHOOK, TelegramPatient, _update_ids

WEBHOOKS = ["/webhooks/webchat/message", "/webhooks/webchat/session", "/webhooks/twilio_sms/webhook",
            "/webhooks/whatsapp/webhook", "/webhooks/telegram/webhook"]


def raw_post_headers(url: str, path: str, content_length: int) -> tuple[str, float]:
    """Send only the headers of a POST announcing `content_length` bytes; the status line and how long
    the server took to give it (it must not wait for a body it will refuse)."""
    parts = urlsplit(url)
    assert parts.hostname is not None and parts.port is not None
    started = time.monotonic()
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as connection:
        connection.sendall(
            f"POST {path} HTTP/1.1\r\nHost: {parts.hostname}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {content_length}\r\n\r\n".encode()
        )
        status_line = connection.recv(4096).split(b"\r\n", 1)[0].decode()
    return status_line, time.monotonic() - started


@pytest.mark.parametrize("path", WEBHOOKS)
def test_oversized_body_refused_before_it_is_read(attack_stack: AttackStack, path: str) -> None:
    status_line, seconds = raw_post_headers(attack_stack.rasa_url, path, 90 * 1024 * 1024)
    assert " 413 " in status_line
    assert seconds < 5


@pytest.mark.parametrize("path", ["/webhooks/telegram/webhook", "/webhooks/webchat/message"])
def test_body_just_over_the_cap_refused(attack_stack: AttackStack, path: str) -> None:
    answer = httpx.post(attack_stack.rasa_url + path, content=b"x" * (MAX_REQUEST_BYTES + 1), timeout=10)
    assert answer.status_code == 413


def test_webchat_nul_byte_answered_and_nobody_waits(attack_stack: AttackStack) -> None:
    first, second = WebChat(attack_stack), WebChat(attack_stack)
    with ThreadPoolExecutor(2) as pool:
        nul = pool.submit(first.say, "headache since tomorrow\x00 at 10\x00am\x00\x00")
        time.sleep(0.2)
        started = time.monotonic()
        other = pool.submit(second.say, "I'd like to book an appointment")
        assert other.result(timeout=90)
        other_seconds = time.monotonic() - started
        assert nul.result(timeout=90)
    # Well under the seconds a restarting Duckling worker used to hold every conversation for.
    assert other_seconds < 20


def test_webchat_lone_surrogate_gets_a_clear_422(attack_stack: AttackStack) -> None:
    chat = WebChat(attack_stack)
    body = '{"id": "' + str(uuid.uuid4()) + '", "text": "chest pain \\ud800"}'
    answer = chat.client.post(
        "message", content=body.encode(), headers={"Authorization": f"Bearer {chat.token}",
                                                   "Content-Type": "application/json"},
    )
    assert answer.status_code == 422
    assert answer.json()["error"] == UNREADABLE_REPLY
    # The session still works.
    assert chat.say("hello")


def test_telegram_lone_surrogate_gets_a_clear_reply(attack_stack: AttackStack) -> None:
    patient = TelegramPatient(attack_stack, 700900320)
    before = len(patient.sent())
    # Escaped in the JSON, as a client with broken UTF-16 would send it.
    update = json.dumps(text_update(next(_update_ids), "chest pain \ud800", chat_id=patient.chat_id))
    answer = httpx.post(attack_stack.rasa_url + WEBHOOK, content=update.encode(),
                        headers={SECRET_HEADER: TELEGRAM_SECRET_TOKEN, "Content-Type": "application/json"}, timeout=15)
    assert answer.status_code == 200
    deadline = time.monotonic() + 30
    while len(patient.sent()) == before and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [message["text"] for message in patient.sent()[before:]] == [UNREADABLE_REPLY]


def test_telegram_update_with_nul_bytes_is_answered(attack_stack: AttackStack) -> None:
    turn = TelegramPatient(attack_stack, 700900321).say("\x00\x00hello\x00")
    assert turn


def test_webchat_invalid_utf8_body_gets_400(attack_stack: AttackStack) -> None:
    chat = WebChat(attack_stack)
    answer = chat.client.post("message", content=b'{"id": "x", "text": "\xff\xfe"}',
                              headers={"Authorization": f"Bearer {chat.token}"})
    assert answer.status_code in (400, 422)


def test_telegram_secret_still_checked_before_size(attack_stack: AttackStack) -> None:
    answer = httpx.post(attack_stack.rasa_url + "/webhooks/telegram/webhook", json={"update_id": 1},
                        headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET_TOKEN + "x"}, timeout=10)
    assert answer.status_code == 403
