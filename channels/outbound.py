"""Sending a reply with retries and backoff; a reply that still fails is logged without its body."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from tenacity import AsyncRetrying, RetryError, retry_if_exception_type, stop_after_attempt, wait_exponential

logger = logging.getLogger(__name__)

T = TypeVar("T")

ATTEMPTS = 4


async def send_with_retry(
    send: Callable[[], Awaitable[T]],
    *,
    channel: str,
    what: str,
    retry_on: tuple[type[BaseException], ...] = (Exception,),
    wait_multiplier: float = 0.5,
) -> T | None:
    """Await `send()` up to ATTEMPTS times (0.5 s, 1 s, 2 s apart); None when it never succeeded.

    Only exceptions in `retry_on` are retried (a transient network error, a 5xx or 429); any other
    failure gives up at once. `what` names the kind of message ("reply", "buttons") for the log,
    never its text or its recipient.
    """
    try:
        async for attempt in AsyncRetrying(
            stop=stop_after_attempt(ATTEMPTS),
            wait=wait_exponential(multiplier=wait_multiplier, max=8),
            retry=retry_if_exception_type(retry_on),
        ):
            with attempt:
                return await send()
    except RetryError as error:
        cause = error.last_attempt.exception()
        logger.error("%s %s not sent after %d attempts: %s", channel, what, ATTEMPTS, type(cause).__name__)
    except Exception as error:
        logger.error("%s %s not sent: %s", channel, what, type(error).__name__)
    return None
