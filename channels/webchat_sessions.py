"""Web chat session tokens: random, 256 bits, kept by the page; only their SHA-256 is stored.

The token is the patient's address on this channel: Rasa sees `sender_id("webchat", token)`, so the
same token after a reload or a dropped connection continues the same conversation.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

from channels.pseudonym import sender_id
from channels.state_db import state_engine, webchat_sessions

logger = logging.getLogger(__name__)

CHANNEL = "webchat"
# A conversation left alone this long is over; the page then starts a new one.
IDLE_TIMEOUT = timedelta(hours=12)
# No session lives longer than this, however active.
MAX_AGE = timedelta(days=2)
# secrets.token_urlsafe(32): 32 random bytes as 43 url-safe base64 characters.
TOKEN_BYTES = 32
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{43}")


@dataclass(frozen=True)
class WebChatSession:
    """An authenticated page: the hash that keys its stored state and the sender id Rasa sees."""

    token_hash: str
    sender_id: str


def token_hash(token: str) -> str:
    """The SHA-256 hex digest stored in place of the token."""
    return hashlib.sha256(token.encode()).hexdigest()


def start_session() -> str:
    """Issue a new token and store its hash; the token itself is returned once and never kept."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    now = datetime.now(timezone.utc)
    with state_engine().begin() as connection:
        connection.execute(
            sa.insert(webchat_sessions).values(
                token_hash=token_hash(token), sender_id=sender_id(CHANNEL, token), created_at=now, last_seen_at=now
            )
        )
        connection.execute(
            sa.delete(webchat_sessions).where(
                sa.or_(
                    webchat_sessions.c.last_seen_at < now - IDLE_TIMEOUT,
                    webchat_sessions.c.created_at < now - MAX_AGE,
                )
            )
        )
    logger.info("webchat session started")
    return token


def authenticate(token: str | None) -> WebChatSession | None:
    """The live session for `token` (its idle clock restarted), or None when malformed, unknown or expired."""
    if token is None or not _TOKEN_SHAPE.fullmatch(token):
        return None
    hashed = token_hash(token)
    now = datetime.now(timezone.utc)
    with state_engine().begin() as connection:
        row = connection.execute(
            sa.select(webchat_sessions.c.sender_id).where(
                webchat_sessions.c.token_hash == hashed,
                webchat_sessions.c.last_seen_at >= now - IDLE_TIMEOUT,
                webchat_sessions.c.created_at >= now - MAX_AGE,
            )
        ).one_or_none()
        if row is None:
            return None
        connection.execute(
            sa.update(webchat_sessions).where(webchat_sessions.c.token_hash == hashed).values(last_seen_at=now)
        )
    return WebChatSession(token_hash=hashed, sender_id=row.sender_id)


def bearer_token(authorization: str | None) -> str | None:
    """The token from an `Authorization: Bearer <token>` header, or None."""
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None
