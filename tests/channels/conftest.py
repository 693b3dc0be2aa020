"""Fixtures for the channel tests.

`assistant_stack` runs the whole Rasa side for the end-to-end tests: a booking backend, the action
server and `rasa run` with bot/credentials.yml (our channels), every channel configured with test
secrets and its provider's API pointed at a RecordingApi on 127.0.0.1. Started once per test run.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from cryptography.fernet import Fernet

from channels.rate_limits import rate_limits
from channels.settings import get_settings
from tests.channels.recording_api import RecordingApi
from tests.channels.telegram_api import route_bot_api
from tests.stack import prepare_backend_database, running_stack

# Obviously fake credentials in the providers' formats; the tests sign and verify with them.
TWILIO_ACCOUNT_SID = "AC" + "0" * 31 + "1"
TWILIO_AUTH_TOKEN = "test-twilio-auth-token-0123456789"
TWILIO_SMS_FROM = "+447700900000"
TWILIO_WHATSAPP_FROM = "whatsapp:+447700900001"
TELEGRAM_BOT_TOKEN = "123456789:TEST-fake-telegram-token-abcdefghijk"
TELEGRAM_SECRET_TOKEN = "test-telegram-secret-token_0123456789"
PUBLIC_URL = "https://assistant.example.test"
CHANNEL_ID_SECRET = "test-channel-id-secret-0123456789"
CONTACT_ENCRYPTION_KEY = Fernet.generate_key().decode()


# Starting the stack (TensorFlow, the model, three processes) takes a minute on a quiet 2-core
# machine and several under load; pytest-timeout counts fixture set-up against the first test.
STACK_TIMEOUT_SECONDS = 1200


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests on the running stack get a longer timeout than the suite's default."""
    for item in items:
        if "assistant_stack" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.timeout(STACK_TIMEOUT_SECONDS))


def channel_settings(api_url: str) -> dict[str, str]:
    """Every channel environment variable bot/credentials.yml and channels.settings read."""
    return {
        "ENVIRONMENT": "test",
        "PUBLIC_URL": PUBLIC_URL,
        "TWILIO_ACCOUNT_SID": TWILIO_ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": TWILIO_AUTH_TOKEN,
        "TWILIO_SMS_FROM": TWILIO_SMS_FROM,
        "TWILIO_WHATSAPP_FROM": TWILIO_WHATSAPP_FROM,
        "TWILIO_API_BASE_URL": api_url,
        "TELEGRAM_BOT_TOKEN": TELEGRAM_BOT_TOKEN,
        "TELEGRAM_SECRET_TOKEN": TELEGRAM_SECRET_TOKEN,
        "TELEGRAM_API_BASE_URL": f"{api_url}/bot",
        "CHANNEL_ID_SECRET": CHANNEL_ID_SECRET,
        "CONTACT_ENCRYPTION_KEY": CONTACT_ENCRYPTION_KEY,
        # Many sessions and quick messages from one test client; the attack suite (tests/attacks) tries
        # the shipped limits.
        "WEBCHAT_SESSIONS_PER_ADDRESS": "1000/minute",
        "MESSAGES_PER_SENDER": "1000/minute",
    }


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def bot_api() -> Iterator[RecordingApi]:
    """A stand-in for Telegram's Bot API on loopback, answering as Telegram does."""
    api = RecordingApi()
    route_bot_api(api, TELEGRAM_BOT_TOKEN)
    yield api
    api.close()


@pytest.fixture
def channel_state(tmp_path: object, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Test secrets and a fresh SQLite channel store for in-process channel tests."""
    state_url = f"sqlite:///{tmp_path}/channels.db"
    for name, value in channel_settings("http://127.0.0.1:9").items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("CHANNEL_STATE_URL", state_url)
    get_settings.cache_clear()
    rate_limits.cache_clear()
    yield state_url
    get_settings.cache_clear()
    rate_limits.cache_clear()


@dataclass(frozen=True)
class AssistantStack:
    """The running Rasa server (`rasa_url`), its backend, and the recorder standing in for the providers."""

    rasa_url: str
    backend_url: str
    api: RecordingApi


@pytest.fixture(scope="session")
def provider_api() -> Iterator[RecordingApi]:
    """The stand-in for api.twilio.com and api.telegram.org; each channel's tests add their routes."""
    api = RecordingApi()
    yield api
    api.close()


@pytest.fixture(scope="session")
def assistant_stack(tmp_path_factory: pytest.TempPathFactory, provider_api: RecordingApi) -> Iterator[AssistantStack]:
    """Backend, action server and Rasa server with every channel mounted, for end-to-end tests."""
    folder = tmp_path_factory.mktemp("assistant-stack")
    template = prepare_backend_database(tmp_path_factory.mktemp("stack-template"))
    with running_stack(folder, template, **channel_settings(provider_api.url)) as stack:
        yield AssistantStack(rasa_url=stack.rasa_url, backend_url=stack.backend_url, api=provider_api)
