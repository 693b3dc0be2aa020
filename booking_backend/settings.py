"""The backend's settings, read from the environment (one class for this deployable)."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEVELOPMENT_ADMIN_KEY = "dev-admin-key"


class Settings(BaseSettings):
    """Every setting has an environment variable of the same name (upper case)."""

    model_config = SettingsConfigDict(env_file=None, extra="ignore", case_sensitive=False)

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = "sqlite:///var/booking.db"
    # Kept connections per process; as many again may open for a burst. 20 covers the 20 concurrent
    # clients of `make bench-backend` on one worker: with 10, connections were opened and closed
    # ~20 times a second under that load, each a new PostgreSQL process that had to prepare its
    # statements again.
    db_pool_size: int = Field(default=20, ge=1, le=200)
    backend_host: str = "127.0.0.1"
    backend_port: int = Field(default=8000, ge=1, le=65535)
    hold_ttl_seconds: int = Field(default=300, ge=5, le=3600)
    min_notice_minutes: int = Field(default=120, ge=0, le=60 * 24 * 14)
    slot_horizon_days: int = Field(default=28, ge=1, le=366)
    admin_api_key: SecretStr | None = None

    @model_validator(mode="after")
    def _require_secrets_outside_development(self) -> Settings:
        if self.admin_api_key is None:
            if self.environment == "production":
                raise ValueError("ADMIN_API_KEY must be set when ENVIRONMENT=production")
            self.admin_api_key = SecretStr(DEVELOPMENT_ADMIN_KEY)
        elif self.environment == "production" and len(self.admin_api_key.get_secret_value()) < 24:
            raise ValueError("ADMIN_API_KEY must be at least 24 characters in production")
        return self


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once on first use."""
    return Settings()
