"""The action server: listens on loopback only and answers nobody but the Rasa server (its secret)."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from actions.server import StartRefused, server_token
from tests.attacks.conftest import AttackStack
from tests.stack import ACTION_SERVER_TOKEN, ROOT


def action_call(action: str, sender: str = "webchat-" + "ab" * 32) -> dict[str, Any]:
    """What the probe sent: a patient's sender id and an action that reads or changes their bookings."""
    latest = {"text": "cancel it", "intent": {"name": "cancel_appointment", "confidence": 1.0}, "entities": []}
    return {
        "next_action": action,
        "sender_id": sender,
        "version": "3.6.21",
        "domain": {},
        "tracker": {
            "sender_id": sender, "slots": {}, "latest_message": latest, "paused": False, "followup_action": None,
            "active_loop": {}, "latest_action_name": "action_listen",
            "events": [{"event": "user", "text": "cancel it", "parse_data": latest, "timestamp": time.time()}],
        },
    }


def listening_addresses(port: int) -> set[str]:
    """The local addresses with a listening TCP socket on `port`, from /proc/net/tcp and tcp6."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as rows:
            for row in list(rows)[1:]:
                local, state = row.split()[1], row.split()[3]
                address, hex_port = local.split(":")
                if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                    found.add(address)
    return found


def test_action_server_listens_on_loopback_only(attack_stack: AttackStack) -> None:
    port = urlsplit(attack_stack.actions_url).port
    assert port is not None
    # 0100007F is 127.0.0.1 in /proc's little-endian hex; 00000000 would be every interface.
    assert listening_addresses(port) == {"0100007F"}


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer wrong-token-wrong-token-wrong-token"},
        {"Authorization": f"Bearer {ACTION_SERVER_TOKEN[:-1]}"},
        {"Authorization": f"Basic {ACTION_SERVER_TOKEN}"},
        {"X-Action-Server-Token": ACTION_SERVER_TOKEN},
    ],
)
@pytest.mark.parametrize("action", ["action_list_appointments", "action_cancel_appointment"])
def test_action_server_refuses_calls_without_the_secret(
    attack_stack: AttackStack, headers: dict[str, str], action: str
) -> None:
    answer = httpx.post(f"{attack_stack.actions_url}/webhook", json=action_call(action), headers=headers, timeout=10)
    assert answer.status_code == 401
    assert "appointment" not in answer.text


def test_action_server_refuses_the_token_in_the_query(attack_stack: AttackStack) -> None:
    answer = httpx.post(
        f"{attack_stack.actions_url}/webhook", params={"token": ACTION_SERVER_TOKEN},
        json=action_call("action_list_appointments"), timeout=10,
    )
    assert answer.status_code == 401


def test_action_server_action_list_needs_the_secret(attack_stack: AttackStack) -> None:
    assert httpx.get(f"{attack_stack.actions_url}/actions", timeout=10).status_code == 401


def test_action_server_health_is_open_and_says_nothing(attack_stack: AttackStack) -> None:
    answer = httpx.get(f"{attack_stack.actions_url}/health", timeout=10)
    assert answer.status_code == 200
    assert answer.json() == {"status": "ok"}


def test_action_server_answers_the_rasa_server(attack_stack: AttackStack) -> None:
    answer = httpx.post(
        f"{attack_stack.actions_url}/webhook", json=action_call("action_list_appointments"),
        headers={"Authorization": f"Bearer {ACTION_SERVER_TOKEN}"}, timeout=30,
    )
    assert answer.status_code == 200, answer.text
    assert "events" in answer.json()


def test_action_server_failure_does_not_echo_the_request(attack_stack: AttackStack) -> None:
    call = action_call("action_list_appointments")
    call["tracker"] = "MARKER-not-a-tracker-7f3a"  # rasa_sdk fails reading it: our handler answers
    answer = httpx.post(
        f"{attack_stack.actions_url}/webhook", json=call,
        headers={"Authorization": f"Bearer {ACTION_SERVER_TOKEN}"}, timeout=30,
    )
    assert answer.status_code == 500
    assert answer.json() == {"error": "the action failed"}


def test_action_server_refuses_to_start_without_the_secret() -> None:
    env = {name: value for name, value in os.environ.items() if name != "ACTION_SERVER_TOKEN"}
    finished = subprocess.run(
        [sys.executable, "-m", "actions.server"], cwd=ROOT,
        env={**env, "ENVIRONMENT": "production", "PYTHONPATH": str(ROOT)},
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert finished.returncode != 0
    assert "ACTION_SERVER_TOKEN must be set" in finished.stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"ACTION_SERVER_TOKEN": secrets.token_urlsafe(32)}, "ENVIRONMENT must be set"),
        ({"ENVIRONMENT": "staging", "ACTION_SERVER_TOKEN": secrets.token_urlsafe(32)}, "ENVIRONMENT must be set"),
        ({"ENVIRONMENT": "development", "ACTION_SERVER_TOKEN": "short"}, "at least 32"),
        ({"ENVIRONMENT": "development"}, "ACTION_SERVER_TOKEN must be set"),
    ],
)
def test_action_server_settings_fail_closed(env: dict[str, str], message: str) -> None:
    with pytest.raises(StartRefused, match=message):
        server_token(env)


def test_action_server_refuses_to_start_without_the_action_secrets() -> None:
    env = {name: value for name, value in os.environ.items()
           if name not in ("PATIENT_REF_SECRET", "BACKEND_API_TOKEN")}
    finished = subprocess.run(
        [sys.executable, "-m", "actions.server"], cwd=ROOT,
        env={**env, "ENVIRONMENT": "production", "PYTHONPATH": str(ROOT),
             "ACTION_SERVER_TOKEN": secrets.token_urlsafe(32)},
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert finished.returncode != 0
    assert "PATIENT_REF_SECRET must be set when ENVIRONMENT=production" in finished.stderr
