"""`python -m channels.telegram_webhook`: sets, deletes and shows the webhook through the library's
Bot, pointed at a RecordingApi standing in for api.telegram.org; never prints the token or secret."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from channels.telegram_webhook import ALLOWED_UPDATES, main
from tests.channels.conftest import PUBLIC_URL, TELEGRAM_BOT_TOKEN, TELEGRAM_SECRET_TOKEN
from tests.channels.recording_api import RecordingApi
from tests.channels.telegram_api import calls, refusal
from tests.stack import ROOT


def environment(api: RecordingApi, **changes: str) -> dict[str, str]:
    env = {
        "TELEGRAM_BOT_TOKEN": TELEGRAM_BOT_TOKEN,
        "TELEGRAM_SECRET_TOKEN": TELEGRAM_SECRET_TOKEN,
        "PUBLIC_URL": PUBLIC_URL + "/",
        "TELEGRAM_API_BASE_URL": f"{api.url}/bot",
    }
    env.update(changes)
    return env


def assert_no_secrets(text: str) -> None:
    assert TELEGRAM_BOT_TOKEN not in text and TELEGRAM_SECRET_TOKEN not in text


def test_webhook_cli_sets_the_webhook_with_the_secret_token(
    bot_api: RecordingApi, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([], environment(bot_api)) == 0

    assert calls(bot_api, TELEGRAM_BOT_TOKEN, "setWebhook") == [
        (
            "setWebhook",
            {
                "url": "https://assistant.example.test/webhooks/telegram/webhook",
                "secret_token": TELEGRAM_SECRET_TOKEN,
                "allowed_updates": ALLOWED_UPDATES,
                "drop_pending_updates": False,
            },
        )
    ]
    out = capsys.readouterr()
    assert "Webhook set: https://assistant.example.test/webhooks/telegram/webhook" in out.out
    assert "@practice_assistant_test_bot" in out.out
    assert_no_secrets(out.out + out.err)


def test_webhook_cli_delete_keeps_pending_updates(bot_api: RecordingApi, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--delete"], environment(bot_api, TELEGRAM_SECRET_TOKEN="", PUBLIC_URL="")) == 0

    assert calls(bot_api, TELEGRAM_BOT_TOKEN, "deleteWebhook") == [("deleteWebhook", {"drop_pending_updates": False})]
    assert "Webhook deleted" in capsys.readouterr().out


def test_webhook_cli_info_shows_what_telegram_has(bot_api: RecordingApi, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--info"], environment(bot_api)) == 0

    out = capsys.readouterr().out
    assert "Webhook URL: https://assistant.example.test/webhooks/telegram/webhook" in out
    assert "Pending updates: 2" in out
    assert_no_secrets(out)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"TELEGRAM_BOT_TOKEN": ""}, "TELEGRAM_BOT_TOKEN is not set"),
        ({"TELEGRAM_SECRET_TOKEN": ""}, "TELEGRAM_SECRET_TOKEN is not set"),
        ({"PUBLIC_URL": ""}, "PUBLIC_URL is not set"),
        ({"PUBLIC_URL": "http://assistant.example.test"}, "PUBLIC_URL must start with https://"),
        ({"TELEGRAM_SECRET_TOKEN": "not allowed!"}, "TELEGRAM_SECRET_TOKEN must be 1-256 characters"),
    ],
)
def test_webhook_cli_missing_or_wrong_setting_explained(
    bot_api: RecordingApi, capsys: pytest.CaptureFixture[str], changes: dict[str, str], message: str
) -> None:
    assert main([], environment(bot_api, **changes)) == 2

    assert message in capsys.readouterr().err
    assert calls(bot_api, TELEGRAM_BOT_TOKEN, "setWebhook") == []


def test_webhook_cli_rejected_token_reported_without_the_token(capsys: pytest.CaptureFixture[str]) -> None:
    api = RecordingApi()
    api.route("POST", r"/getMe$", lambda request: refusal(401, "Unauthorized"))
    try:
        assert main([], environment(api)) == 1
    finally:
        api.close()

    err = capsys.readouterr().err
    assert "Telegram rejected TELEGRAM_BOT_TOKEN" in err
    assert_no_secrets(err)


def test_webhook_cli_refused_webhook_reported(bot_api: RecordingApi, capsys: pytest.CaptureFixture[str]) -> None:
    refused = refusal(400, "Bad Request: bad webhook: Failed to resolve host")
    bot_api.routes.insert(0, ("POST", re.compile(r"/setWebhook$"), lambda request: refused))  # before the rest

    assert main([], environment(bot_api)) == 1

    err = capsys.readouterr().err
    assert "Telegram refused: BadRequest: Bad webhook: failed to resolve host" in err
    assert_no_secrets(err)


def test_webhook_cli_runs_as_a_module(bot_api: RecordingApi) -> None:
    finished = subprocess.run(
        [sys.executable, "-m", "channels.telegram_webhook", "--info"],
        cwd=ROOT, env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), **environment(bot_api)},
        capture_output=True, text=True, timeout=60, check=False,
    )

    assert finished.returncode == 0, finished.stderr
    assert "Webhook URL:" in finished.stdout
    assert_no_secrets(finished.stdout + finished.stderr)
