"""Rate limits, as shipped: a burst of web chat sessions from one address and a burst of messages
from one sender are cut off with a short, kind message; the store is shared on Redis."""

from __future__ import annotations

import os
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
import redis

from channels.rate_limits import SLOW_DOWN_REPLY, TOO_MANY_SESSIONS_REPLY, RateLimits
from tests.attacks.conftest import AttackStack
from tests.attacks.test_intent_injection import WebChat
from tests.channels.test_e2e_twilio import TwilioPatient

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def test_webchat_session_burst_from_one_address_is_cut_off(attack_stack: AttackStack) -> None:
    address = "198.51.100.77"
    url = f"{attack_stack.rasa_url}/webhooks/webchat/session"

    def start(_: int) -> httpx.Response:
        return httpx.post(url, headers={"X-Forwarded-For": address}, timeout=30)

    started = time.monotonic()
    with ThreadPoolExecutor(16) as pool:
        answers = list(pool.map(start, range(300)))
    assert time.monotonic() - started < 60
    created = [answer for answer in answers if answer.status_code == 201]
    refused = [answer for answer in answers if answer.status_code == 429]
    assert 1 <= len(created) <= 20
    assert len(created) + len(refused) == 300
    assert refused[0].json() == {"error": TOO_MANY_SESSIONS_REPLY}
    assert refused[0].headers["Retry-After"] == "60"
    # Another address is not held back by this one.
    assert httpx.post(url, headers={"X-Forwarded-For": "198.51.100.78"}, timeout=30).status_code == 201


def test_webchat_message_burst_is_cut_off_and_the_session_survives(attack_stack: AttackStack) -> None:
    chat = WebChat(attack_stack)

    def send(_: int) -> httpx.Response:
        return chat.client.post("message", json={"id": str(uuid.uuid4()), "text": "hello"},
                                headers={"Authorization": f"Bearer {chat.token}"})

    with ThreadPoolExecutor(40) as pool:
        answers = list(pool.map(send, range(40)))
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses.count(200) == 30, statuses
    assert statuses.count(429) == 10, statuses
    refused = next(answer for answer in answers if answer.status_code == 429)
    assert refused.json() == {"error": SLOW_DOWN_REPLY}
    assert "999" in SLOW_DOWN_REPLY


def test_sms_flood_gets_one_kind_reply(attack_stack: AttackStack) -> None:
    patient = TwilioPatient(attack_stack, "twilio_sms", "+447700900399")
    for number in range(35):
        patient.post(f"hello {number}")
    # The 30 within the limit are answered one after another; the 5 over it get one reply between them.
    deadline, last_count, quiet_since = time.monotonic() + 300, -1, time.monotonic()
    while time.monotonic() < deadline and time.monotonic() - quiet_since < 10:
        count = len(patient.replies())
        if count != last_count:
            last_count, quiet_since = count, time.monotonic()
        time.sleep(0.5)
    bodies = [request.form["Body"] for request in patient.replies()]
    assert bodies.count(SLOW_DOWN_REPLY) == 1, bodies


@pytest.fixture
def redis_url() -> str:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        pytest.fail(f"Redis is part of the test bed and unreachable at {REDIS_URL}: {error}")
    return REDIS_URL


def test_rate_limits_shared_between_replicas_on_redis(redis_url: str) -> None:
    sender = f"webchat-{uuid.uuid4().hex}"
    first = RateLimits(redis_url, "3/minute", "2/minute")
    second = RateLimits(redis_url, "3/minute", "2/minute")
    assert first.allow_message("webchat", sender)
    assert second.allow_message("webchat", sender)
    assert not first.allow_message("webchat", sender)
    assert not second.allow_message("webchat", sender)
    assert first.allow_message("webchat", sender + "-other")


def test_rate_limits_every_window_counts() -> None:
    limits = RateLimits("memory://", "2/minute;3/hour", "1/second;2/hour")
    address = f"198.51.100.{uuid.uuid4().int % 250}"
    assert limits.allow_session(address) and limits.allow_session(address)
    assert not limits.allow_session(address)


def test_rate_limits_fail_open_when_redis_is_down() -> None:
    # A patient describing an emergency is never refused because the shared store is unreachable.
    limits = RateLimits("redis://127.0.0.1:1/0", "1/minute", "1/minute")
    assert limits.allow_message("webchat", "webchat-x")
    assert limits.allow_message("webchat", "webchat-x")


def test_rate_limit_notice_at_most_once_a_minute() -> None:
    limits = RateLimits("memory://", "1/minute", "1/minute")
    assert limits.should_notify("twilio_sms", "a")
    assert not limits.should_notify("twilio_sms", "a")
    assert limits.should_notify("twilio_sms", "b")
