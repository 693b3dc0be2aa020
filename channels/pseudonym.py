"""The sender id Rasa sees: an HMAC of the channel address, so no phone number or chat id reaches
the tracker store, the logs or the booking backend."""

from __future__ import annotations

import hashlib
import hmac

from channels.settings import get_settings

# Development and test only: outside them ChannelSettings.require refuses an empty secret.
_DEVELOPMENT_SECRET = "development-only-channel-id-secret"  # noqa: S105


def channel_id_secret() -> bytes:
    """The HMAC key; raises ChannelConfigError when CHANNEL_ID_SECRET is unset outside development."""
    settings = get_settings()
    secret = settings.require("CHANNEL_ID_SECRET", settings.channel_id_secret)
    return (secret or _DEVELOPMENT_SECRET).encode()


def sender_id(channel: str, address: str) -> str:
    """`<channel>-<64 hex>`: stable for one address on one channel, never reversible without the key."""
    digest = hmac.new(channel_id_secret(), f"{channel}:{address}".encode(), hashlib.sha256).hexdigest()
    return f"{channel}-{digest}"
