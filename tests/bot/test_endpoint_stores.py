"""endpoints.yml at scale: the tracker store on the real PostgreSQL and the lock store on the real
Redis, configured through the environment only (the way README.md says to switch)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from rasa.core.lock_store import LockStore, RedisLockStore
from rasa.core.tracker_store import SQLTrackerStore, TrackerStore
from rasa.core.utils import AvailableEndpoints, read_endpoints_from_path
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from tests.services import REDIS_URL, redis_or_skip, temporary_postgres_database

ENDPOINTS = Path(__file__).resolve().parents[2] / "endpoints.yml"
SENDER = "sms-" + "a" * 64


@pytest.fixture
def scaled_endpoints(monkeypatch: pytest.MonkeyPatch) -> Iterator[AvailableEndpoints]:
    """endpoints.yml read with the scale-out environment: PostgreSQL tracker store, Redis lock store."""
    redis_or_skip()
    with temporary_postgres_database() as postgres_url:
        monkeypatch.setenv("ACTION_ENDPOINT_URL", "http://127.0.0.1:9/webhook")
        monkeypatch.setenv("ACTION_SERVER_TOKEN", "endpoint-stores-test-token-0123456789")
        monkeypatch.setenv("TRACKER_STORE_URL", postgres_url)
        monkeypatch.setenv("LOCK_STORE_TYPE", "redis")
        host_port = REDIS_URL.split("://", 1)[1].split("/", 1)[0]
        host, _, port = host_port.partition(":")
        monkeypatch.setenv("REDIS_HOST", host)
        monkeypatch.setenv("REDIS_PORT", port or "6379")
        monkeypatch.setenv("REDIS_DB", "3")
        yield read_endpoints_from_path(ENDPOINTS)


def test_tracker_store_on_postgres_keeps_a_conversation(scaled_endpoints: AvailableEndpoints) -> None:
    domain = Domain.from_yaml("version: '3.1'\nslots:\n  age_band:\n    type: text\n    mappings: []\n")
    store = TrackerStore.create(scaled_endpoints.tracker_store, domain)
    assert isinstance(store, SQLTrackerStore) and store.engine.dialect.name == "postgresql"
    tracker = DialogueStateTracker.from_events(SENDER, [UserUttered("hello"), SlotSet("age_band", "adult")])

    async def round_trip() -> DialogueStateTracker | None:
        await store.save(tracker)
        return await store.retrieve(SENDER)

    try:
        found = asyncio.run(round_trip())
    finally:
        store.engine.dispose()
    assert found is not None
    assert found.get_slot("age_band") == "adult"
    assert found.latest_message is not None and found.latest_message.text == "hello"


def test_lock_store_on_redis_serialises_one_conversation(scaled_endpoints: AvailableEndpoints) -> None:
    store = LockStore.create(scaled_endpoints.lock_store)
    assert isinstance(store, RedisLockStore)
    order: list[str] = []

    async def hold(name: str) -> None:
        async with store.lock(SENDER, wait_time_in_seconds=0.01):
            order.append(f"{name} in")
            await asyncio.sleep(0.05)
            order.append(f"{name} out")

    async def both() -> None:
        await asyncio.gather(hold("first"), hold("second"))

    asyncio.run(both())
    assert order in (["first in", "first out", "second in", "second out"],
                     ["second in", "second out", "first in", "first out"])


def test_action_endpoint_sends_the_server_token_as_a_header(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACTION_ENDPOINT_URL", "http://127.0.0.1:9/webhook")
    monkeypatch.setenv("ACTION_SERVER_TOKEN", "endpoint-stores-test-token-0123456789")
    for name in ("TRACKER_STORE_URL", "LOCK_STORE_TYPE", "REDIS_HOST", "REDIS_PORT", "REDIS_DB"):
        monkeypatch.setenv(name, {"TRACKER_STORE_URL": "sqlite://", "LOCK_STORE_TYPE": "in_memory"}.get(name, "1"))
    action = read_endpoints_from_path(ENDPOINTS).action
    assert action is not None
    assert action.headers == {"Authorization": "Bearer endpoint-stores-test-token-0123456789"}
    assert "token" not in (action.params or {}) and action.token is None
