"""Real processes for the tests on the Rasa side: the booking backend, the action server and the
Rasa server, each started as a subprocess on a free port and reached only over HTTP."""

from __future__ import annotations

import os
import secrets
import socket
import sqlite3
import subprocess
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[1]
BOT_BIN = ROOT / ".venv" / "bin"
BACKEND_PYTHON = Path(os.environ.get("BACKEND_PYTHON", ROOT / ".venv-backend" / "bin" / "python"))
MODEL = ROOT / "models" / "assistant.tar.gz"
ADMIN_KEY = "actions-test-admin-key-0123456789"
# The secret the Rasa servers of this test run send to its action servers (endpoints.yml).
ACTION_SERVER_TOKEN = secrets.token_urlsafe(32)
# The secret the action servers (and the tests) of this test run send to its booking backends.
BACKEND_API_TOKEN = secrets.token_urlsafe(32)


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def tail(log: Path, lines: int = 30) -> str:
    """The last lines of a process log, for a failure message."""
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:]) if log.exists() else "(no output)"


def backend_headers() -> dict[str, str]:
    """What a test sends to call the backend's patient API itself, as the action server does."""
    return {"Authorization": f"Bearer {BACKEND_API_TOKEN}"}


def backend_env(database: Path, **settings: str) -> dict[str, str]:
    """The environment for a backend process on a SQLite file, without the caller's backend settings."""
    env = {name: value for name, value in os.environ.items() if not name.startswith(("BOOKING_", "BACKEND_"))}
    env.update(ENVIRONMENT="test", ADMIN_API_KEY=ADMIN_KEY, BACKEND_API_TOKEN=BACKEND_API_TOKEN,
               DATABASE_URL=f"sqlite:///{database}", **settings)
    return env


class ServerProcess:
    """A command that serves HTTP on `port`; started, polled on `health_path` until it answers, stopped."""

    def __init__(
        self, name: str, command: Sequence[str], *, folder: Path, port: int, env: Mapping[str, str],
        health_path: str = "/health", startup_seconds: float = 90,
    ) -> None:
        self.name, self.command, self.env = name, list(command), dict(env)
        self.port, self.health_path, self.startup_seconds = port, health_path, startup_seconds
        self.url = f"http://127.0.0.1:{port}"
        self.log = folder / f"{name}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> str:
        """Start the process and return its base URL once `health_path` answers 200."""
        with self.log.open("wb") as output:
            self.process = subprocess.Popen(
                self.command, cwd=ROOT, env=self.env, stdout=output, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + self.startup_seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"The {self.name} exited with {self.process.returncode}:\n{tail(self.log)}")
            try:
                if httpx.get(self.url + self.health_path, timeout=1.0).status_code == 200:
                    return self.url
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        self.stop()
        pytest.fail(f"The {self.name} did not answer within {self.startup_seconds} s:\n{tail(self.log)}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def prepare_backend_database(folder: Path) -> Path:
    """Migrate and seed the fictional demo into a SQLite file under `folder`; returns its path."""
    if not BACKEND_PYTHON.exists():
        pytest.fail(f"The backend environment is missing ({BACKEND_PYTHON}); `make test` installs it")
    database, log = folder / "booking.db", folder / "prepare.log"
    with log.open("wb") as output:
        finished = subprocess.run(
            [str(BACKEND_PYTHON), "-m", "booking_backend", "prepare"],
            cwd=ROOT, env=backend_env(database), stdout=output, stderr=subprocess.STDOUT, timeout=120, check=False,
        )
    if finished.returncode != 0:
        pytest.fail(f"Seeding the backend database failed:\n{tail(log)}")
    return database


def backend_process(folder: Path, template: Path, **settings: str) -> ServerProcess:
    """`python -m booking_backend serve` on a free port, on its own copy of the seeded `template`."""
    database = folder / "booking.db"
    with sqlite3.connect(template) as source, sqlite3.connect(database) as copy:
        source.backup(copy)
    port = free_port()
    env = backend_env(database, BACKEND_HOST="127.0.0.1", BACKEND_PORT=str(port), **settings)
    return ServerProcess(
        "backend", [str(BACKEND_PYTHON), "-m", "booking_backend", "serve"], folder=folder, port=port, env=env
    )


def bot_env(**settings: str) -> dict[str, str]:
    """The environment for the action server and Rasa: the caller's, in test mode, plus `settings`."""
    env = dict(os.environ)
    # A dict, not keywords: `settings` may name ENVIRONMENT itself (the channels' settings do).
    env.update({"ENVIRONMENT": "test", "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3", **settings})
    return env


def action_server(folder: Path, backend_url: str, **settings: str) -> ServerProcess:
    """`python -m actions.server` on a free loopback port, talking to the backend at `backend_url`."""
    port = free_port()
    env = bot_env(
        BOOKING_BACKEND_URL=backend_url, ACTION_SERVER_HOST="127.0.0.1", ACTION_SERVER_PORT=str(port),
        **{"ACTION_SERVER_TOKEN": ACTION_SERVER_TOKEN, "BACKEND_API_TOKEN": BACKEND_API_TOKEN, **settings},
    )
    return ServerProcess(
        "actions", [str(BOT_BIN / "python"), "-m", "actions.server"],
        folder=folder, port=port, env=env, startup_seconds=180,
    )


def rasa_server(folder: Path, actions_url: str, **settings: str) -> ServerProcess:
    """`python -m bot.server` (`rasa run` with the trained model, bot/credentials.yml, the API off unless
    `settings` turn it on) on a free loopback port, with a throwaway SQLite tracker store."""
    if not MODEL.exists():
        pytest.fail(f"No trained model at {MODEL}; `make test` trains it first")
    port = free_port()
    env = bot_env(
        ACTION_ENDPOINT_URL=f"{actions_url}/webhook", TRACKER_STORE_URL=f"sqlite:///{folder / 'tracker.db'}",
        LOCK_STORE_TYPE="in_memory", REDIS_HOST="127.0.0.1", REDIS_PORT="6379", REDIS_DB="1",
        CHANNEL_STATE_URL=f"sqlite:///{folder / 'channels.db'}", RASA_MODEL=str(MODEL), RASA_PORT=str(port),
        RASA_INTERFACE="127.0.0.1", **{"ACTION_SERVER_TOKEN": ACTION_SERVER_TOKEN, **settings},
    )
    command = [str(BOT_BIN / "python"), "-m", "bot.server"]
    return ServerProcess("rasa", command, folder=folder, port=port, env=env, health_path="/", startup_seconds=300)


@dataclass(frozen=True)
class RunningStack:
    """The base URLs of a running backend, action server and Rasa server."""

    backend_url: str
    actions_url: str
    rasa_url: str


@contextmanager
def running_stack(folder: Path, template: Path, **rasa_settings: str) -> Iterator[RunningStack]:
    """Backend (on a copy of `template`), action server and Rasa server (`rasa_settings` in its
    environment), started in that order under `folder` and stopped in reverse.

    Its patients book the soonest slot and then cancel or move it, whatever the time of day: the
    backend lets them change it up to its start (MIN_NOTICE_MINUTES=0). The two-hour rule itself is
    tested against a backend of its own (tests/actions/conftest.py, tests/booking_backend)."""
    backend = backend_process(folder, template, MIN_NOTICE_MINUTES="0")
    servers = [backend]
    try:
        backend_url = backend.start()
        actions = action_server(folder, backend_url)
        servers.append(actions)
        actions_url = actions.start()
        rasa = rasa_server(folder, actions_url, **rasa_settings)
        servers.append(rasa)
        yield RunningStack(backend_url=backend_url, actions_url=actions_url, rasa_url=rasa.start())
    finally:
        for server in reversed(servers):
            server.stop()
