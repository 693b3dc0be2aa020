"""Migrations: the schema they build is the models', and 0004 keeps existing patients and their bookings."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import IntegrityError

from booking_backend.database import build_engine
from booking_backend.migrations import alembic_config, upgrade
from booking_backend.models import Base
from tests.booking_backend.conftest import TemporaryPostgres, postgres_or_skip


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database with nothing in it, of each kind."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('migrations') / 'booking.db'}"
        return
    postgres_or_skip()
    with TemporaryPostgres() as url:
        yield url


@pytest.fixture
def migrated_to_0003(empty_url: str) -> Iterator[tuple[str, Engine]]:
    """The schema before patients had a practice, with a patient on the waitlist (a row that refers to them)."""
    upgrade(empty_url, "0003")
    engine = build_engine(empty_url, pool_size=1)
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO patients (id, ref, created_at) VALUES (1, 'p_1', :at)"),
                           {"at": "2026-03-23 08:00:00+00:00"})
        connection.execute(text(
            "INSERT INTO waitlist_entries (id, patient_id, service_id, preferences, status, created_at) "
            "VALUES (1, 1, (SELECT MIN(id) FROM services), '{}', 'waiting', :at)"), {"at": "2026-03-23 08:00:00+00:00"})
    yield empty_url, engine
    engine.dispose()


def test_migrations_at_head_match_the_models(empty_url: str) -> None:
    upgrade(empty_url)
    engine = build_engine(empty_url, pool_size=1)
    try:
        with engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    finally:
        engine.dispose()
    assert differences == []


def test_migration_0004_adds_practice_and_keeps_patients(migrated_to_0003: tuple[str, Engine]) -> None:
    url, engine = migrated_to_0003

    upgrade(url, "0004")

    with engine.connect() as connection:
        assert connection.execute(text("SELECT id, ref, practice_id FROM patients")).all() == [(1, "p_1", None)]
        assert connection.execute(text("SELECT patient_id FROM waitlist_entries")).scalar_one() == 1
    foreign_keys = inspect(engine).get_foreign_keys("patients")
    assert [(fk["name"], fk["constrained_columns"], fk["referred_table"]) for fk in foreign_keys] == [
        ("fk_patients_practice_id_organisations", ["practice_id"], "organisations")]


def test_migration_0004_practice_must_be_a_known_organisation(migrated_to_0003: tuple[str, Engine]) -> None:
    url, engine = migrated_to_0003
    upgrade(url, "0004")

    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(text("UPDATE patients SET practice_id = 999999 WHERE id = 1"))


def test_migration_0004_downgrades_and_upgrades_again(migrated_to_0003: tuple[str, Engine]) -> None:
    url, engine = migrated_to_0003
    upgrade(url, "0004")

    command.downgrade(alembic_config(url), "0003")
    assert "practice_id" not in {c["name"] for c in inspect(engine).get_columns("patients")}
    upgrade(url, "0004")

    with engine.connect() as connection:
        assert connection.execute(text("SELECT COUNT(*) FROM waitlist_entries")).scalar_one() == 1
        assert connection.execute(text("SELECT ref FROM patients")).scalar_one() == "p_1"
