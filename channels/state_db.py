"""The channels' own small store (CHANNEL_STATE_URL): delivery ids seen, encrypted contacts and the
numbered menus of text channels. SQLite under var/ by default, PostgreSQL at scale.

These three tables belong to the Rasa-side deployable, not to the booking backend, and are created
on first use like Rasa's own tracker store tables.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

from channels.settings import get_settings

metadata = sa.MetaData()

deliveries = sa.Table(
    "channel_deliveries",
    metadata,
    sa.Column("channel", sa.String(32), primary_key=True),
    sa.Column("delivery_id", sa.String(128), primary_key=True),
    sa.Column("received_at", sa.DateTime(timezone=True), nullable=False, index=True),
)

contacts = sa.Table(
    "channel_contacts",
    metadata,
    sa.Column("sender_id", sa.String(100), primary_key=True),
    sa.Column("channel", sa.String(32), nullable=False),
    # Fernet token of the phone number or chat id: encrypted at rest, readable only with the key.
    sa.Column("address_token", sa.Text, nullable=False),
    sa.Column("opted_out", sa.Boolean, nullable=False, default=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

menus = sa.Table(
    "channel_menus",
    metadata,
    sa.Column("sender_id", sa.String(100), primary_key=True),
    # JSON list of {"title", "payload"}: the buttons last shown as a numbered list.
    sa.Column("options", sa.Text, nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

webchat_sessions = sa.Table(
    "webchat_sessions",
    metadata,
    # SHA-256 of the page's session token: the token itself is never stored.
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("sender_id", sa.String(100), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
)

webchat_replies = sa.Table(
    "webchat_replies",
    metadata,
    # The web chat's answers kept briefly per (session, client message id): a page that lost a
    # response resends the same id and gets these instead of a second trip through Rasa.
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("message_id", sa.String(36), primary_key=True),
    # SHA-256 of the message as first sent: the same id with another message is refused.
    sa.Column("body_hash", sa.String(64), nullable=False),
    # "processing" until Rasa answered, then "done" (replies set) or "failed".
    sa.Column("status", sa.String(16), nullable=False),
    # JSON list of {"text", "buttons", "emergency"}.
    sa.Column("replies", sa.Text, nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, index=True),
)


def _postgres_driver(url: str) -> str:
    """A plain postgresql:// URL works as given: use the psycopg2 driver Rasa's environment has."""
    return "postgresql+psycopg2://" + url.split("://", 1)[1] if url.startswith("postgresql://") else url


_create_tables_lock = threading.Lock()


@lru_cache(maxsize=4)
def engine_for(url: str) -> Engine:
    """One engine per URL, its tables created on first use."""
    parsed = make_url(_postgres_driver(url))
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(parsed, future=True, pool_pre_ping=True)
    # Two threads can both miss the cache on the first requests: one creates the tables at a time.
    with _create_tables_lock:
        metadata.create_all(engine)
    return engine


def state_engine() -> Engine:
    """The engine for CHANNEL_STATE_URL."""
    return engine_for(get_settings().channel_state_url)
