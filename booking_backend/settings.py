"""The backend's settings, read from the environment (one class for this deployable)."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal, get_args

from pydantic import Field, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEVELOPMENT_ADMIN_KEY = "dev-admin-key"
# The action server falls back to the same text in development and test (actions/backend_client.py).
# Shorter than the production minimum, so that it can never pass for a production token.
DEVELOPMENT_API_TOKEN = "dev-backend-api-token"  # noqa: S105
MIN_API_TOKEN_LENGTH = 32

Environment = Literal["development", "test", "production"]
ENVIRONMENTS: tuple[str, ...] = get_args(Environment)
# Where the fictional demo may be seeded unasked and the API is described: never production, nor any
# environment name added later until it is listed here.
LOCAL_ENVIRONMENTS = frozenset({"development", "test"})


class SettingsError(RuntimeError):
    """The environment does not describe a backend that may start; the message is one line."""


class Settings(BaseSettings):
    """Every setting has an environment variable of the same name (upper case)."""

    model_config = SettingsConfigDict(env_file=None, extra="ignore", case_sensitive=False)

    # No default: a deployment that forgets to say what it is must not start as a development one.
    environment: Environment
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
    # The patient API's shared secret (api_token.py): the action server sends it as a Bearer token.
    backend_api_token: SecretStr | None = None
    # Rasa's SQL tracker store, read (never written) for the staff transcripts (transcripts/ingest.py).
    tracker_store_url: str | None = None

    @property
    def is_local(self) -> bool:
        """Development or test: the demo is seeded into an empty database and the API is described."""
        return self.environment in LOCAL_ENVIRONMENTS

    @model_validator(mode="after")
    def _require_secrets_outside_development(self) -> Settings:
        # Every missing or weak secret is named at once, so that a deployment is not fixed one restart at a time.
        problems = []
        if self.admin_api_key is None:
            if self.environment == "production":
                problems.append("ADMIN_API_KEY must be set when ENVIRONMENT=production")
            self.admin_api_key = SecretStr(DEVELOPMENT_ADMIN_KEY)
        elif self.environment == "production" and len(self.admin_api_key.get_secret_value()) < 24:
            problems.append("ADMIN_API_KEY must be at least 24 characters in production")
        # `not is_local` rather than `== "production"`: an environment name added later needs a real token too.
        # Empty counts as unset: `BACKEND_API_TOKEN=` in a shell is not a secret.
        if self.backend_api_token is None or not self.backend_api_token.get_secret_value():
            if not self.is_local:
                problems.append(f"BACKEND_API_TOKEN must be set when ENVIRONMENT={self.environment}")
            self.backend_api_token = SecretStr(DEVELOPMENT_API_TOKEN)
        elif not self.is_local and len(self.backend_api_token.get_secret_value()) < MIN_API_TOKEN_LENGTH:
            problems.append(f"BACKEND_API_TOKEN must be at least {MIN_API_TOKEN_LENGTH} characters in production")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def api_token(self) -> str:
        """The patient API's token (the development one when unset in development and test)."""
        return self.backend_api_token.get_secret_value() if self.backend_api_token else ""


def describe_settings_error(error: ValidationError) -> str:
    """One line naming each bad variable and what it must be; never a secret's value."""
    allowed = ", ".join(ENVIRONMENTS)
    problems = []
    for problem in error.errors(include_url=False):
        name = "_".join(str(part) for part in problem["loc"]).upper()
        if name == "ENVIRONMENT":
            given = "" if problem["type"] == "missing" else f" (it is {str(problem['input'])[:40]!r})"
            problems.append(f"ENVIRONMENT must be set to one of {allowed}{given}")
        elif name:
            problems.append(f"{name}: {problem['msg']}")
        else:
            problems.append(problem["msg"].removeprefix("Value error, "))
    return "; ".join(problems)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once on first use; SettingsError when they cannot be used."""
    try:
        return Settings()
    except ValidationError as error:
        raise SettingsError(describe_settings_error(error)) from None
