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
            _run(connection)
            connection.commit()
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("Offline (SQL script) migrations are not supported; run them against a database")
run_migrations_online()
