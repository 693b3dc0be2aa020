"""The address needed to write back later (reminders, waitlist offers), encrypted at rest.

Only the sender id (a pseudonym) is stored in clear; the phone number or chat id is a Fernet token
under CONTACT_ENCRYPTION_KEY.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import datetime, timezone

import sqlalchemy as sa
from cryptography.fernet import Fernet, InvalidToken

from channels.settings import get_settings
from channels.state_db import contacts, state_engine

_DEVELOPMENT_KEY = base64.urlsafe_b64encode(hashlib.sha256(b"development-only-contact-key").digest())


@dataclass(frozen=True)
class Contact:
    """How to reach one sender: the channel, its address, and whether they texted STOP."""

    channel: str
    address: str
    opted_out: bool


def _fernet() -> Fernet:
    settings = get_settings()
    key = settings.require("CONTACT_ENCRYPTION_KEY", settings.contact_encryption_key)
    return Fernet(key.encode() if key else _DEVELOPMENT_KEY)


def check_key() -> None:
    """Raise at start-up (ChannelConfigError or ValueError) when the key is missing or malformed."""
    _fernet()


def remember(sender_id: str, channel: str, address: str) -> None:
    """Store (or refresh) the encrypted address for `sender_id`; keeps an earlier opt-out."""
    token = _fernet().encrypt(address.encode()).decode()
    now = datetime.now(timezone.utc)
    with state_engine().begin() as connection:
        updated = connection.execute(
            sa.update(contacts)
            .where(contacts.c.sender_id == sender_id)
            .values(channel=channel, address_token=token, updated_at=now)
        )
        if updated.rowcount == 0:
            connection.execute(
                sa.insert(contacts).values(
                    sender_id=sender_id, channel=channel, address_token=token, opted_out=False, updated_at=now
                )
            )


def set_opted_out(sender_id: str, opted_out: bool) -> None:
    """Record STOP (True) or START (False) for a known sender."""
    with state_engine().begin() as connection:
        connection.execute(
            sa.update(contacts)
            .where(contacts.c.sender_id == sender_id)
            .values(opted_out=opted_out, updated_at=datetime.now(timezone.utc))
        )


def lookup(sender_id: str) -> Contact | None:
    """The decrypted contact, or None when unknown or unreadable with the current key."""
    with state_engine().connect() as connection:
        row = connection.execute(sa.select(contacts).where(contacts.c.sender_id == sender_id)).one_or_none()
    if row is None:
        return None
    try:
        address = _fernet().decrypt(row.address_token.encode()).decode()
    except InvalidToken:
        return None
    return Contact(channel=row.channel, address=address, opted_out=row.opted_out)
