"""Fixtures: a real booking backend process for the action tests, reached only over HTTP.

The backend runs in its own environment (.venv-backend, Python 3.11) as a subprocess on a free port
with a throwaway SQLite database; nothing from booking_backend is imported here. The demo data is
seeded once into a template database that each backend process starts from a copy of.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from actions.backend_client import close_client

ROOT = Path(__file__).resolve().parents[2]
BACKEND_PYTHON = Path(os.environ.get("BACKEND_PYTHON", ROOT / ".venv-backend" / "bin" / "python"))
ADMIN_KEY = "actions-test-admin-key-0123456789"
STARTUP_SECONDS = 90


def _backend_env(database: Path, **settings: str) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith(("BOOKING_", "BACKEND_"))}
    env.update(ENVIRONMENT="test", ADMIN_API_KEY=ADMIN_KEY, DATABASE_URL=f"sqlite:///{database}", **settings)
    return env


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _tail(log: Path, lines: int = 30) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:]) if log.exists() else "(no output)"


@pytest.fixture(scope="session")
def seeded_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The migrated demo database (practices, practitioners, four weeks of slots), made once per run."""
    if not BACKEND_PYTHON.exists():
        pytest.fail(f"The backend environment is missing ({BACKEND_PYTHON}); `make test` installs it")
    folder = tmp_path_factory.mktemp("backend-template")
    database, log = folder / "booking.db", folder / "prepare.log"
    with log.open("wb") as output:
        finished = subprocess.run(
            [str(BACKEND_PYTHON), "-m", "booking_backend", "prepare"],
            cwd=ROOT, env=_backend_env(database), stdout=output, stderr=subprocess.STDOUT,
            timeout=STARTUP_SECONDS, check=False,
        )
    if finished.returncode != 0:
        pytest.fail(f"Seeding the backend database failed:\n{_tail(log)}")
    return database


class BackendProcess:
    """`python -m booking_backend serve` on a free port, on its own copy of the seeded database."""

    def __init__(self, folder: Path, template: Path, **settings: str) -> None:
        self.database, self.log = folder / "booking.db", folder / "backend.log"
        with sqlite3.connect(template) as source, sqlite3.connect(self.database) as copy:
            source.backup(copy)
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = _backend_env(self.database, BACKEND_HOST="127.0.0.1", BACKEND_PORT=str(self.port), **settings)
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> str:
        with self.log.open("wb") as output:
            self.process = subprocess.Popen(
                [str(BACKEND_PYTHON), "-m", "booking_backend", "serve"],
                cwd=ROOT, env=self.env, stdout=output, stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"The backend exited with {self.process.returncode}:\n{_tail(self.log)}")
            try:
                if httpx.get(f"{self.url}/health", timeout=1.0).status_code == 200:
                    return self.url
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        self.stop()
        pytest.fail(f"The backend did not answer /health within {STARTUP_SECONDS} s:\n{_tail(self.log)}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def _serve(tmp_path_factory: pytest.TempPathFactory, template: Path, **settings: str) -> Iterator[str]:
    backend = BackendProcess(tmp_path_factory.mktemp("backend"), template, **settings)
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
