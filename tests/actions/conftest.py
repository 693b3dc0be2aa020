"""Fixtures: a real booking backend process for the action tests, reached only over HTTP.

The backend runs in its own environment (.venv-backend, Python 3.11) as a subprocess on a free port
with a throwaway SQLite database; nothing from booking_backend is imported here. The demo data is
seeded once into a template database that each backend process starts from a copy of.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from actions.backend_client import close_client
from tests.stack import ADMIN_KEY, BACKEND_API_TOKEN, backend_process, prepare_backend_database


@pytest.fixture(scope="session", autouse=True)
def backend_api_token() -> Iterator[str]:
    """The clients built in this process (`get_client()`, `BackendClient`) send the test backends' token."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BACKEND_API_TOKEN", BACKEND_API_TOKEN)
        yield BACKEND_API_TOKEN


@pytest.fixture(scope="session")
def seeded_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The migrated demo database (practices, practitioners, four weeks of slots), made once per run."""
    return prepare_backend_database(tmp_path_factory.mktemp("backend-template"))


def _serve(tmp_path_factory: pytest.TempPathFactory, template: Path, **settings: str) -> Iterator[str]:
    backend = backend_process(tmp_path_factory.mktemp("backend"), template, **settings)
    try:
        yield backend.start()
    finally:
        backend.stop()


@pytest.fixture(scope="session")
def backend_url(tmp_path_factory: pytest.TempPathFactory, seeded_database: Path) -> Iterator[str]:
    """A backend with the default settings (holds last 5 minutes, changes close 2 hours before)."""
    yield from _serve(tmp_path_factory, seeded_database)


@pytest.fixture(scope="session")
def strict_backend_url(tmp_path_factory: pytest.TempPathFactory, seeded_database: Path) -> Iterator[str]:
    """A backend whose holds lapse after 5 s and whose changes close 14 days before the appointment."""
    yield from _serve(tmp_path_factory, seeded_database, HOLD_TTL_SECONDS="5", MIN_NOTICE_MINUTES=str(14 * 24 * 60))


@pytest.fixture(scope="session")
def admin_key() -> str:
    return ADMIN_KEY


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
async def shared_client_on_backend(backend_url: str, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[str]:
    """Points `get_client()` (what the actions use) at the test backend; closes it afterwards."""
    await close_client()
    monkeypatch.setenv("BOOKING_BACKEND_URL", backend_url)
    yield backend_url
    await close_client()
