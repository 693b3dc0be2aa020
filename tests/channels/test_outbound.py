"""Sending with retries: transient failures are retried with backoff, a final failure is logged bare."""

from __future__ import annotations

import logging

import pytest

from channels.outbound import ATTEMPTS, send_with_retry

SECRET_TEXT = "Your appointment is at 09:30 with Dr Example"


class Transient(Exception):
    pass


class Permanent(Exception):
    pass


@pytest.mark.anyio
async def test_send_with_retry_succeeds_after_transient_failures() -> None:
    calls: list[int] = []

    async def send() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise Transient
        return "sent"

    result = await send_with_retry(send, channel="sms", what="reply", retry_on=(Transient,), wait_multiplier=0.01)
    assert result == "sent" and len(calls) == 3


@pytest.mark.anyio
async def test_send_with_retry_gives_up_and_logs_without_the_body(caplog: pytest.LogCaptureFixture) -> None:
    calls: list[int] = []

    async def send() -> str:
        calls.append(1)
        raise Transient(SECRET_TEXT)

    with caplog.at_level(logging.ERROR):
        result = await send_with_retry(send, channel="sms", what="reply", retry_on=(Transient,), wait_multiplier=0.01)
    assert result is None and len(calls) == ATTEMPTS
    assert "sms reply not sent" in caplog.text and "Transient" in caplog.text
    assert SECRET_TEXT not in caplog.text


@pytest.mark.anyio
async def test_send_with_retry_does_not_retry_a_permanent_refusal(caplog: pytest.LogCaptureFixture) -> None:
    calls: list[int] = []

    async def send() -> str:
        calls.append(1)
        raise Permanent(SECRET_TEXT)

    with caplog.at_level(logging.ERROR):
        assert await send_with_retry(send, channel="telegram", what="buttons", retry_on=(Transient,)) is None
    assert len(calls) == 1 and "Permanent" in caplog.text and SECRET_TEXT not in caplog.text
