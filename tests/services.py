"""The real PostgreSQL and Redis for the Rasa side's tests: a throwaway database per use, and a
failure instead of a skip when CI=true or REQUIRE_SERVICES=1 and a service is unreachable."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg2
import pytest
import redis

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def services_required() -> bool:
    """On CI the real PostgreSQL and Redis are part of the test bed: a missing one is a failure."""
    return os.environ.get("CI", "").lower() in ("1", "true") or os.environ.get("REQUIRE_SERVICES") == "1"


def _unreachable(service: str, url: str, error: Exception) -> None:
    if services_required():
        pytest.fail(f"{service} is required here but unreachable at {url}: {error}")
    pytest.skip(f"{service} not reachable at {url} (set TEST_{service.upper()}_URL): {error}")


@contextmanager
def temporary_postgres_database() -> Iterator[str]:
    """A new empty database on the test server (its URL), dropped afterwards."""
    name = f"rasa_test_{uuid.uuid4().hex[:12]}"
    try:
        admin = psycopg2.connect(POSTGRES_URL, connect_timeout=3)
    except psycopg2.OperationalError as error:
        _unreachable("Postgres", POSTGRES_URL, error)
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        yield POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def redis_or_skip() -> redis.Redis:
    """A client for the test Redis, after a PING."""
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3)
    try:
        client.ping()
    except redis.ConnectionError as error:
        _unreachable("Redis", REDIS_URL, error)
    return client
