"""Limits on the Rasa server's HTTP layer, set from the channels' blueprints (the channels are the
part of the Rasa server this project controls, however `rasa run` is started)."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Sequence

from sanic import Blueprint, Sanic

from channels.settings import ChannelConfigError

# The largest request the Rasa server reads. The biggest legitimate one is a Telegram update or a
# Twilio form (a few KB); Sanic's default is 100 MB. A larger Content-Length is refused with 413
# before the body is read, and a chunked body is cut off once it passes this size.
MAX_REQUEST_BYTES = 32 * 1024


def refuse_open_api(argv: Sequence[str]) -> None:
    """Raise ChannelConfigError when `rasa run` was asked for its HTTP API without a token or JWT.

    `python -m bot.server` never does that; this stops a hand-typed `rasa run --enable-api` too.
    """
    secured = {"--auth-token", "-t", "--jwt-secret"}
    if "--enable-api" in argv and not any(arg.split("=", 1)[0] in secured for arg in argv):
        raise ChannelConfigError(
            "Rasa's HTTP API must not run without --auth-token or --jwt-secret (start it with python -m bot.server)."
        )


def cap_request_size(blueprint: Blueprint) -> None:
    """Make the app that mounts `blueprint` refuse request bodies over MAX_REQUEST_BYTES (and refuse to
    start with Rasa's HTTP API open)."""

    @blueprint.listener("before_server_start")  # type: ignore[misc]  # untyped in Sanic 21.12
    async def cap(app: Sanic, _: asyncio.AbstractEventLoop) -> None:
        refuse_open_api(sys.argv)
        app.config.REQUEST_MAX_SIZE = min(int(app.config.REQUEST_MAX_SIZE), MAX_REQUEST_BYTES)
