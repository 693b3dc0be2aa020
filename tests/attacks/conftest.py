"""The attack suite's stack: the system as shipped (`python -m bot.server` with Rasa's API off, the
action server on loopback with its secret, the default rate limits), every channel configured with
test secrets and the providers' APIs pointed at a RecordingApi on loopback. Started once per run.

Each test tries a door as a stranger would (no credentials, wrong ones, crafted input) and asserts
the refusal; `test_held.py` keeps trying the doors an earlier probe found closed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.channels.conftest import STACK_TIMEOUT_SECONDS, TELEGRAM_BOT_TOKEN, AssistantStack, channel_settings
from tests.channels.recording_api import RecordingApi
from tests.channels.telegram_api import route_bot_api
from tests.channels.test_twilio_webhook import MESSAGES_PATH, message_created
from tests.stack import prepare_backend_database, running_stack


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests on a running stack get a longer timeout than the suite's default (start-up counts)."""
    for item in items:
        if {"attack_stack", "api_rasa"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.timeout(STACK_TIMEOUT_SECONDS))


@dataclass(frozen=True)
class AttackStack(AssistantStack):
    """The running stack, the action server's URL and the folder holding every process's log."""

    actions_url: str
    folder: Path

    def logs(self) -> dict[str, str]:
        """Every log file the stack's processes wrote, by name."""
        return {path.name: path.read_text(errors="replace") for path in sorted(self.folder.rglob("*.log"))}


def shipped_channel_settings(api_url: str) -> dict[str, str]:
    """The channels' test secrets, with the shipped rate limits (not the relaxed ones of tests/channels)."""
    settings = channel_settings(api_url)
    del settings["WEBCHAT_SESSIONS_PER_ADDRESS"], settings["MESSAGES_PER_SENDER"]
    # As behind one TLS proxy: Sanic takes the client's address from the last X-Forwarded-For entry.
    settings["SANIC_PROXIES_COUNT"] = "1"
    return settings


@pytest.fixture(scope="session")
def attack_api() -> Iterator[RecordingApi]:
    """The stand-in for api.twilio.com and api.telegram.org."""
    api = RecordingApi()
    route_bot_api(api, TELEGRAM_BOT_TOKEN)
    api.route("POST", MESSAGES_PATH, message_created)
    yield api
    api.close()


@pytest.fixture(scope="session")
def attack_stack(tmp_path_factory: pytest.TempPathFactory, attack_api: RecordingApi) -> Iterator[AttackStack]:
    """Backend, action server and Rasa server as shipped, for the attack suite."""
    folder = tmp_path_factory.mktemp("attack-stack")
    template_folder = folder / "template"
    template_folder.mkdir()
    template = prepare_backend_database(template_folder)
    with running_stack(folder, template, **shipped_channel_settings(attack_api.url)) as stack:
        yield AttackStack(
            rasa_url=stack.rasa_url, backend_url=stack.backend_url, api=attack_api,
            actions_url=stack.actions_url, folder=folder,
        )
