"""The web chat's replies, kept briefly per session and client message id.

A page whose response was lost (a dropped connection, a reload while waiting) resends the message
under the same id: the message goes through Rasa once (channels.deliveries) and the retry is given
the replies stored here. The latest replies also say which button payloads the page may send next.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from channels.state_db import state_engine, webchat_replies
from channels.webchat_sessions import IDLE_TIMEOUT

PROCESSING, DONE, FAILED = "processing", "done", "failed"
# Replies kept per session: enough for any retry the page makes; older ones are deleted.
KEPT_PER_SESSION = 5


@dataclass(frozen=True)
class StoredReplies:
    """What happened to one message: its status, the replies once done, and the digest of its body."""

    status: str
    replies: list[dict[str, Any]]
    body_hash: str


def begin(token_hash: str, message_id: str, body_hash: str) -> bool:
    """Record that `message_id` is being answered; False when it already was recorded (a retry)."""
    try:
        with state_engine().begin() as connection:
            connection.execute(
                sa.insert(webchat_replies).values(
                    token_hash=token_hash, message_id=message_id, body_hash=body_hash, status=PROCESSING,
                    created_at=datetime.now(timezone.utc),
                )
            )
    except IntegrityError:
        return False
    return True


def finish(token_hash: str, message_id: str, replies: list[dict[str, Any]] | None) -> None:
    """Store the replies (None: Rasa failed) and forget all but this session's latest few."""
    now = datetime.now(timezone.utc)
    values = {"status": FAILED} if replies is None else {"status": DONE, "replies": json.dumps(replies)}
    with state_engine().begin() as connection:
        connection.execute(
            sa.update(webchat_replies)
            .where(webchat_replies.c.token_hash == token_hash, webchat_replies.c.message_id == message_id)
            .values(**values)
        )
        kept = (
            sa.select(webchat_replies.c.message_id)
            .where(webchat_replies.c.token_hash == token_hash)
            .order_by(webchat_replies.c.created_at.desc())
            .limit(KEPT_PER_SESSION)
            .scalar_subquery()
        )
        connection.execute(
            sa.delete(webchat_replies).where(
                webchat_replies.c.token_hash == token_hash, webchat_replies.c.message_id.not_in(kept)
            )
        )
        connection.execute(sa.delete(webchat_replies).where(webchat_replies.c.created_at < now - IDLE_TIMEOUT))


def lookup(token_hash: str, message_id: str) -> StoredReplies | None:
    """What is stored for one message, or None when it was never seen (or long forgotten)."""
    with state_engine().connect() as connection:
        row = connection.execute(
            sa.select(webchat_replies.c.status, webchat_replies.c.replies, webchat_replies.c.body_hash).where(
                webchat_replies.c.token_hash == token_hash, webchat_replies.c.message_id == message_id
            )
        ).one_or_none()
    if row is None:
        return None
    return StoredReplies(status=row.status, replies=json.loads(row.replies or "[]"), body_hash=row.body_hash)


async def wait_until_answered(token_hash: str, message_id: str, timeout: float) -> StoredReplies | None:
    """Poll until the first delivery of `message_id` is answered (or failed); None if still processing."""
    deadline = time.monotonic() + timeout
    while True:
        stored = lookup(token_hash, message_id)
        if stored is None or stored.status != PROCESSING:
            return stored
        if time.monotonic() >= deadline:
            return None
        await asyncio.sleep(0.25)


def latest_replies(token_hash: str) -> list[dict[str, Any]]:
    """The session's most recent answered replies (empty when none): the buttons now on the page."""
    with state_engine().connect() as connection:
        row = connection.execute(
            sa.select(webchat_replies.c.replies)
            # A turn the bot answered with nothing leaves the earlier buttons on the page.
            .where(
                webchat_replies.c.token_hash == token_hash,
                webchat_replies.c.status == DONE,
                webchat_replies.c.replies != "[]",
            )
            .order_by(webchat_replies.c.created_at.desc())
            .limit(1)
        ).one_or_none()
    if row is None or not row.replies:
        return []
    replies: list[dict[str, Any]] = json.loads(row.replies)
    return replies
