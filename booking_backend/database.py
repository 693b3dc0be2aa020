"""Engine and session factory for SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, Engine, Enum, MetaData, Table, create_engine, event, literal_column
from sqlalchemy.engine import make_url
from sqlalchemy.orm import DeclarativeBase, sessionmaker

# Stable constraint names, so that migrations and error handling can refer to them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def table_of(model: type[Base]) -> Table:
    """The Core table behind a model: statements on it skip the ORM's per-statement work, for hot paths."""
    table = model.__table__
    assert isinstance(table, Table)
    return table


def string_enum(enum_type: type[StrEnum], length: int = 40) -> Enum:
    """A string column limited to the enum's values by a CHECK constraint (same on SQLite and PostgreSQL)."""
    return Enum(
        enum_type,
        native_enum=False,
        create_constraint=True,
        length=length,
        values_callable=lambda members: [m.value for m in members],
    )


def sql_constant(value: str) -> ColumnElement[str]:
    """`value` written into the SQL instead of sent as a parameter, for conditions the plan depends on.

    PostgreSQL can use a partial index (e.g. of live appointments) in a reusable plan only when the
    condition that selects its rows is a constant in the statement.
    """
    return literal_column("'" + str(value).replace("'", "''") + "'")


def normalise_url(url: str) -> str:
    """Pick our driver for a plain URL: `postgresql://` uses psycopg 3."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def _make_sqlite_parent(url: str) -> None:
    database = make_url(url).database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).parent.mkdir(parents=True, exist_ok=True)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not pysqlite, decide when a transaction begins (see _on_begin).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Writers queue up front instead of failing when a read turns into a write.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def build_engine(url: str, *, pool_size: int = 10) -> Engine:
    """An engine for `url`; SQLite gets foreign keys, WAL and serialised write transactions."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        _make_sqlite_parent(url)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 10})
        _configure_sqlite(engine)
        return engine
    # No pre-ping: it costs a round trip on every checkout. A connection that a database restart
    # broke fails one request, and SQLAlchemy then replaces the whole pool; recycling bounds their age.
    return create_engine(url, pool_size=pool_size, max_overflow=pool_size, pool_recycle=1800)


def build_session_factory(engine: Engine) -> sessionmaker[Any]:
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=False)
