"""Settings refuse unsafe production values; URLs pick our driver; the audit log is append-only."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from booking_backend.database import normalise_url
from booking_backend.settings import Settings
from tests.booking_backend.conftest import World


def test_production_without_admin_key_refuses_to_start() -> None:
    with pytest.raises(ValidationError, match="ADMIN_API_KEY must be set"):
        Settings(environment="production", admin_api_key=None)


def test_production_with_short_admin_key_refuses_to_start() -> None:
    with pytest.raises(ValidationError, match="at least 24"):
        Settings(environment="production", admin_api_key="short")


def test_settings_read_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENVIRONMENT", "test")
    monkeypatch.setenv("HOLD_TTL_SECONDS", "120")
    monkeypatch.setenv("MIN_NOTICE_MINUTES", "1440")
    settings = Settings()
    assert (settings.hold_ttl_seconds, settings.min_notice_minutes) == (120, 1440)


def test_plain_postgresql_url_uses_psycopg() -> None:
    assert normalise_url("postgresql://user@db:5432/app") == "postgresql+psycopg://user@db:5432/app"
    assert normalise_url("sqlite:///var/booking.db") == "sqlite:///var/booking.db"


def test_audit_events_cannot_be_changed(session: Session, world: World) -> None:
    assert session.scalar(text("SELECT count(*) FROM audit_events")) > 0
    with pytest.raises(DBAPIError, match="append-only"):
        session.execute(text("UPDATE audit_events SET action = 'edited'"))
    session.rollback()
    with pytest.raises(DBAPIError, match="append-only"):
        session.execute(text("DELETE FROM audit_events"))
