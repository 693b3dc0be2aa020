"""Settings shared by every channel, read from the environment once and lazily (never at import)."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import BaseSettings, ValidationError

DEVELOPMENT_ENVIRONMENTS = frozenset({"development", "test"})


class ChannelConfigError(RuntimeError):
    """A channel cannot start: a secret it needs is missing outside development."""


class ChannelSettings(BaseSettings):
    """The environment variables every channel shares (see README.md, "Settings")."""

    # No default: a deployment that forgets ENVIRONMENT must not run on the development secrets.
    environment: Literal["development", "test", "production"]
    # HMAC key that turns a phone number or chat id into the sender id Rasa sees.
    channel_id_secret: str = ""
    # Fernet key (32 url-safe base64 bytes) for the contacts kept for reminders.
    contact_encryption_key: str = ""
    # Where channel state lives: delivery ids seen, encrypted contacts, numbered menus.
    channel_state_url: str = "sqlite:///var/channels.db"
    # Rate limits (channels/rate_limits.py), in the `limits` notation: "20/minute;200/hour".
    rate_limit_storage_url: str = "memory://"
    webchat_sessions_per_address: str = "20/minute;200/hour"
    messages_per_sender: str = "30/minute;300/hour"

    @property
    def is_development(self) -> bool:
        return self.environment in DEVELOPMENT_ENVIRONMENTS

    def require(self, name: str, value: str) -> str:
        """`value`, or "" in development; raises ChannelConfigError when empty elsewhere."""
        if not value and not self.is_development:
            raise ChannelConfigError(f"{name} must be set when ENVIRONMENT={self.environment}")
        return value


@lru_cache(maxsize=1)
def get_settings() -> ChannelSettings:
    """The process's channel settings (tests call `get_settings.cache_clear()` after changing env)."""
    try:
        return ChannelSettings()
    except ValidationError as error:
        fields = ", ".join(str(problem["loc"][0]).upper() for problem in error.errors())
        raise ChannelConfigError(
            f"Channel settings are missing or invalid: {fields}. ENVIRONMENT must be one of development, "
            "test or production (README.md, \"Settings\")."
        ) from None
