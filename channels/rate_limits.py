"""Rate limits per client, kept by the application: web chat sessions per network address and
messages per sender on every channel.

Moving windows from the `limits` library, in memory by default (one Rasa process) and on Redis
(`RATE_LIMIT_STORAGE_URL=redis://host:6379/2`) when several Rasa replicas must share them. A proxy in
front may add its own limits; these hold without one. If the shared store is unreachable the message
is let through (and a warning logged): a patient describing an emergency must never be refused
because Redis is down.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import lru_cache

from limits import RateLimitItem, parse_many
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from redis.exceptions import RedisError  # type: ignore[import-untyped]  # rasa pins redis 4, no stubs here

from channels.settings import get_settings

logger = logging.getLogger(__name__)

# What a patient over a limit is told. The 999 line matters: whatever the limit, an emergency is not
# something to wait a minute with.
SLOW_DOWN_REPLY = (
    "You're sending messages faster than I can read them. Please wait a minute, then send your "
    "last message again. If it's an emergency, call 999 now."
)
TOO_MANY_SESSIONS_REPLY = (
    "Too many new chats have been started from your connection. Please wait a few minutes and try "
    "again. If it's an emergency, call 999 now."
)


class RateLimits:
    """The limits of one process, on the store `storage_url` names (memory://, redis://...)."""

    def __init__(self, storage_url: str, sessions_per_address: str, messages_per_sender: str) -> None:
        # limits 2.x's strategies hold their storage by weak reference: keep it alive here.
        self._storage = storage_from_string(storage_url)
        self._limiter = MovingWindowRateLimiter(self._storage)
        self._sessions = parse_many(sessions_per_address)
        self._messages = parse_many(messages_per_sender)
        # At most one "slow down" reply a minute per sender: a flood must not turn into a flood of texts.
        self._notices = parse_many("1/minute")

    def allow_session(self, address: str) -> bool:
        """Count a new web chat session from `address`; False when over the limit."""
        return self._hit(self._sessions, "webchat-session", address)

    def allow_message(self, channel: str, sender: str) -> bool:
        """Count a message from `sender` (a pseudonym) on `channel`; False when over the limit."""
        return self._hit(self._messages, "message", channel, sender)

    def should_notify(self, channel: str, sender: str) -> bool:
        """True at most once a minute per sender: whether to send the over-limit reply this time."""
        return self._hit(self._notices, "notice", channel, sender)

    def _hit(self, items: Sequence[RateLimitItem], *key: str) -> bool:
        try:
            # Test every window before counting, so a refused request does not use up the others.
            if not all(self._limiter.test(item, *key) for item in items):
                return False
            for item in items:
                self._limiter.hit(item, *key)
        except (OSError, RedisError) as error:  # the shared store is down: fail open, see the module docstring
            logger.warning("rate limit store unavailable (%s): request allowed", type(error).__name__)
        return True


@lru_cache(maxsize=1)
def rate_limits() -> RateLimits:
    """The process's limits, from the channel settings (tests call `rate_limits.cache_clear()`)."""
    settings = get_settings()
    return RateLimits(
        settings.rate_limit_storage_url, settings.webchat_sessions_per_address, settings.messages_per_sender
    )
