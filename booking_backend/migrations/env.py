"""Alembic environment: migrates the database named by the caller or by DATABASE_URL."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from booking_backend.database import build_engine
from booking_backend.models import Base
from booking_backend.settings import get_settings

target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = context.config.attributes.get("url") or get_settings().database_url
    engine = build_engine(url, pool_size=1)
    try:
        with engine.connect() as connection:
            if engine.dialect.name == "sqlite":
                _run_sqlite(connection)
            else:
                _run(connection)
                connection.commit()
    finally:
        engine.dispose()


def _run_sqlite(connection: Connection) -> None:
    """Migrate with SQLite's foreign keys off, then check them all before committing.

    A batch migration copies a table and drops the original (SQLite cannot alter a constraint); with
    foreign keys on, dropping a table that other rows refer to (patients, by their appointments) fails.
    The pragma is ignored inside a transaction, so it is set on the driver connection before one begins.
    """
    driver = connection.connection.driver_connection
    assert driver is not None
    driver.execute("PRAGMA foreign_keys=OFF")
    try:
        _run(connection)
        violations = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
        if violations:
            connection.rollback()
            raise RuntimeError(f"The migration would leave rows that break foreign keys: {violations[:5]}")
        connection.commit()
    finally:
        driver.execute("PRAGMA foreign_keys=ON")


if context.is_offline_mode():
    raise SystemExit("Offline (SQL script) migrations are not supported; run them against a database")
run_migrations_online()
