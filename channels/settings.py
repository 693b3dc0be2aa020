"""Settings shared by every channel, read from the environment once and lazily (never at import)."""

from __future__ import annotations

from functools import lru_cache

from pydantic import BaseSettings

DEVELOPMENT_ENVIRONMENTS = frozenset({"development", "test"})


class ChannelConfigError(RuntimeError):
    """A channel cannot start: a secret it needs is missing outside development."""


class ChannelSettings(BaseSettings):
    """The environment variables every channel shares (see README.md, "Settings")."""

    environment: str = "development"
    # HMAC key that turns a phone number or chat id into the sender id Rasa sees.
    channel_id_secret: str = ""
    # Fernet key (32 url-safe base64 bytes) for the contacts kept for reminders.
    contact_encryption_key: str = ""
    # Where channel state lives: delivery ids seen, encrypted contacts, numbered menus.
    channel_state_url: str = "sqlite:///var/channels.db"

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
    return ChannelSettings()
