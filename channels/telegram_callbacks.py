"""Telegram inline-button callback data: the button's payload itself, or a short key for a long one.

Telegram limits `callback_data` to 64 bytes. Every payload the bot sends today fits (e.g.
`/choose_option{"option": "2"}`); a longer one is stored for its sender in the channel store
(channel_menus, the row of this Telegram sender id) and the button carries `#` + a hash of it.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone

import sqlalchemy as sa

from channels.state_db import menus, state_engine

CALLBACK_DATA_LIMIT = 64
KEY_PREFIX = "#"
# Long payloads remembered per sender: enough for the last few keyboards, so older buttons still work.
KEPT_PAYLOADS = 30


def payload_key(payload: str) -> str:
    """The short callback data standing for `payload`: `#` + 32 hex digits of its SHA-256."""
    return KEY_PREFIX + hashlib.sha256(payload.encode()).hexdigest()[:32]


def needs_key(payload: str) -> bool:
    """True when `payload` cannot travel as callback data itself (too long, or looks like a key)."""
    return len(payload.encode()) > CALLBACK_DATA_LIMIT or payload.startswith(KEY_PREFIX)


def _stored(sender_id: str) -> list[dict[str, str]]:
    with state_engine().connect() as connection:
        row = connection.execute(sa.select(menus.c.options).where(menus.c.sender_id == sender_id)).one_or_none()
    if row is None:
        return []
    try:
        options = json.loads(row.options)
    except ValueError:
        return []
    return [option for option in options if isinstance(option, dict) and "payload" in option]


def callback_data(sender_id: str, buttons: list[tuple[str, str]]) -> list[str]:
    """The callback data for each (title, payload) button; long payloads are stored for `sender_id`."""
    long_ones = [{"title": title, "payload": payload} for title, payload in buttons if needs_key(payload)]
    if long_ones:
        _store(sender_id, long_ones)
    return [payload_key(payload) if needs_key(payload) else payload for _, payload in buttons]


def _store(sender_id: str, new: list[dict[str, str]]) -> None:
    new_payloads = {option["payload"] for option in new}
    kept = [option for option in _stored(sender_id) if option["payload"] not in new_payloads]
    options = json.dumps((kept + new)[-KEPT_PAYLOADS:])
    now = datetime.now(timezone.utc)
    with state_engine().begin() as connection:
        updated = connection.execute(
            sa.update(menus).where(menus.c.sender_id == sender_id).values(options=options, updated_at=now)
        )
        if updated.rowcount == 0:
            connection.execute(sa.insert(menus).values(sender_id=sender_id, options=options, updated_at=now))


def payload_for(sender_id: str, data: str) -> str | None:
    """The payload a pressed button stands for; None when its key is unknown (an expired keyboard)."""
    if not data.startswith(KEY_PREFIX):
        return data
    for option in _stored(sender_id):
        if payload_key(option["payload"]) == data:
            return option["payload"]
    return None
