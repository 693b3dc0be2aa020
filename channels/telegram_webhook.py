"""Point the Telegram bot at our webhook (or remove it, or show it).

Run it as `make telegram-webhook`, or:

    .venv/bin/python -m channels.telegram_webhook            # set PUBLIC_URL/webhooks/telegram/webhook
    .venv/bin/python -m channels.telegram_webhook --info     # what Telegram has now
    .venv/bin/python -m channels.telegram_webhook --delete   # stop the updates (pending ones are kept)

Reads TELEGRAM_BOT_TOKEN (always), TELEGRAM_SECRET_TOKEN and PUBLIC_URL (to set the webhook) and
TELEGRAM_API_BASE_URL (optional) from the environment. Never prints the token or the secret.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import sys
from collections.abc import Mapping, Sequence

from telegram import Bot
from telegram.error import InvalidToken, TelegramError

from channels.telegram_output import make_bot

WEBHOOK_PATH = "/webhooks/telegram/webhook"
# The update types the channel handles (channels/telegram_updates.py); Telegram sends no others.
ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member"]
_SECRET_TOKEN_FORMAT = re.compile(r"[A-Za-z0-9_-]{1,256}")


class SetupError(Exception):
    """A setting is missing or wrong; the message says which and how to fix it."""


def _required(environ: Mapping[str, str], name: str, why: str) -> str:
    value = environ.get(name, "").strip()
    if not value:
        raise SetupError(f"{name} is not set: {why}")
    return value


def webhook_url(public_url: str) -> str:
    """The webhook address Telegram will call: HTTPS only, as the Bot API requires."""
    if not public_url.startswith("https://"):
        raise SetupError("PUBLIC_URL must start with https:// (Telegram only calls HTTPS webhooks)")
    return public_url.rstrip("/") + WEBHOOK_PATH


async def set_webhook(bot: Bot, environ: Mapping[str, str]) -> str:
    """Register the webhook with our secret token; returns what was done, for the operator."""
    url = webhook_url(_required(environ, "PUBLIC_URL", "the public HTTPS address of the Rasa server"))
    secret_token = _required(environ, "TELEGRAM_SECRET_TOKEN", "the secret Telegram sends back on every update")
    if not _SECRET_TOKEN_FORMAT.fullmatch(secret_token):
        raise SetupError("TELEGRAM_SECRET_TOKEN must be 1-256 characters from A-Z, a-z, 0-9, _ and -")
    await bot.set_webhook(
        url=url, secret_token=secret_token, allowed_updates=ALLOWED_UPDATES, drop_pending_updates=False
    )
    return f"Webhook set: {url} (updates: {', '.join(ALLOWED_UPDATES)}; secret token sent)"


async def delete_webhook(bot: Bot) -> str:
    """Stop Telegram calling us; updates not yet delivered are kept."""
    await bot.delete_webhook(drop_pending_updates=False)
    return "Webhook deleted (pending updates kept)"


async def webhook_info(bot: Bot) -> str:
    """What Telegram has registered now, and its last delivery error if any."""
    info = await bot.get_webhook_info()
    lines = [
        f"Webhook URL: {info.url or '(none)'}",
        f"Pending updates: {info.pending_update_count}",
        f"Allowed updates: {', '.join(info.allowed_updates or []) or '(all but a few)'}",
    ]
    if info.last_error_date is not None:
        lines.append(f"Last error: {info.last_error_date.isoformat()} {info.last_error_message or ''}".rstrip())
    return "\n".join(lines)


async def run(action: str, environ: Mapping[str, str]) -> str:
    """Do `action` ("set", "delete" or "info") with the bot the environment names."""
    token = _required(environ, "TELEGRAM_BOT_TOKEN", "the token @BotFather gave for the bot")
    async with make_bot(token, environ.get("TELEGRAM_API_BASE_URL", "").strip()) as bot:
        if action == "delete":
            done = await delete_webhook(bot)
        elif action == "info":
            done = await webhook_info(bot)
        else:
            done = await set_webhook(bot, environ)
        return f"Bot @{bot.username}: {done}"


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """The command line; 0 on success, 1 when Telegram refused, 2 when a setting is missing."""
    parser = argparse.ArgumentParser(prog="python -m channels.telegram_webhook", description=__doc__.split("\n")[0])
    choice = parser.add_mutually_exclusive_group()
    choice.add_argument("--delete", action="store_true", help="remove the webhook")
    choice.add_argument("--info", action="store_true", help="show the webhook Telegram has now")
    arguments = parser.parse_args(argv)
    action = "delete" if arguments.delete else "info" if arguments.info else "set"
    environ = os.environ if environ is None else environ
    try:
        sys.stdout.write(asyncio.run(run(action, environ)) + "\n")
    except SetupError as error:
        sys.stderr.write(f"telegram-webhook: {error}\n")
        return 2
    except InvalidToken:
        sys.stderr.write("telegram-webhook: Telegram rejected TELEGRAM_BOT_TOKEN (check it with @BotFather)\n")
        return 1
    except TelegramError as error:
        # The library's message names the problem (e.g. "Bad webhook: ..."); the token is cut out regardless.
        message = _redacted(error.message, environ.get("TELEGRAM_BOT_TOKEN", ""))
        sys.stderr.write(f"telegram-webhook: Telegram refused: {type(error).__name__}: {message}\n")
        return 1
    return 0


def _redacted(text: str, token: str) -> str:
    token = token.strip()
    return text.replace(token, "<token>") if token else text


if __name__ == "__main__":
    sys.exit(main())
