"""Starts the Rasa server: the channels' webhooks for patients, Rasa's HTTP API only when asked for.

Run: `python -m bot.server` (`make run` does). Settings come from the environment (README.md):
  ENVIRONMENT       required: development, test or production
  RASA_API          "off" (default) or "on": Rasa's HTTP API (trackers, intents, models); it never
                    runs without a secret, and stays on a private network (README.md, "Deployment")
  RASA_API_TOKEN    the token the API asks for (`?token=...`), at least 32 characters; or
  RASA_JWT_SECRET   an HS256 secret for `Authorization: Bearer <JWT>`, at least 32 characters
  RASA_INTERFACE    the address to listen on (default 127.0.0.1; 0.0.0.0 for a proxy on another host)
  RASA_PORT         5005; RASA_MODEL models/assistant.tar.gz
  ACTION_SERVER_TOKEN  required: endpoints.yml sends it to the action server with every call

Anything after the command's own name is passed on to `rasa run` (e.g. `--log-file`).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence

ENVIRONMENTS = ("development", "test", "production")
MIN_SECRET_LENGTH = 32
DEBUG_FLAGS = frozenset({"--debug", "-vv"})


class StartRefused(RuntimeError):
    """The settings would start an open or misconfigured server; the message says what to set."""


def rasa_command(env: Mapping[str, str], extra: Sequence[str] = ()) -> list[str]:
    """The `rasa run` command line for these settings; raises StartRefused when they are unsafe."""
    environment = env.get("ENVIRONMENT", "")
    if environment not in ENVIRONMENTS:
        raise StartRefused(f"ENVIRONMENT must be set to one of {', '.join(ENVIRONMENTS)} (got {environment!r}).")
    if environment == "production" and (DEBUG_FLAGS & set(extra) or env.get("LOG_LEVEL", "").upper() == "DEBUG"):
        # Rasa's own DEBUG lines quote every message and slot: patients' words in the logs.
        raise StartRefused("debug logging prints patients' messages; it is refused when ENVIRONMENT=production.")
    if len(env.get("ACTION_SERVER_TOKEN", "")) < MIN_SECRET_LENGTH:
        raise StartRefused(
            f"ACTION_SERVER_TOKEN must be set (at least {MIN_SECRET_LENGTH} characters): the Rasa server sends "
            "it to the action server, which refuses calls without it. `make run` sets a random one."
        )
    command = [
        "run", "--model", env.get("RASA_MODEL", "models/assistant.tar.gz"),
        "--endpoints", "endpoints.yml", "--credentials", "bot/credentials.yml",
        "--interface", env.get("RASA_INTERFACE", "127.0.0.1"), "--port", env.get("RASA_PORT", "5005"),
    ]
    api = env.get("RASA_API", "off").lower()
    if api not in ("on", "off"):
        raise StartRefused(f'RASA_API must be "on" or "off" (got {api!r}).')
    if api == "on":
        command += _api_arguments(env)
    return command + list(extra)


def _api_arguments(env: Mapping[str, str]) -> list[str]:
    token, jwt_secret = env.get("RASA_API_TOKEN", ""), env.get("RASA_JWT_SECRET", "")
    if not token and not jwt_secret:
        raise StartRefused("RASA_API=on needs RASA_API_TOKEN or RASA_JWT_SECRET: the API never runs open.")
    for name, value in (("RASA_API_TOKEN", token), ("RASA_JWT_SECRET", jwt_secret)):
        if value and len(value) < MIN_SECRET_LENGTH:
            raise StartRefused(f"{name} must be at least {MIN_SECRET_LENGTH} characters.")
    arguments = ["--enable-api"]
    if token:
        arguments.append(f"--auth-token={token}")  # "=": a token may begin with "-" (argparse would read an option)
    if jwt_secret:
        arguments += [f"--jwt-secret={jwt_secret}", "--jwt-method", "HS256"]
    return arguments


def main(argv: Sequence[str] | None = None) -> None:
    try:
        command = rasa_command(os.environ, sys.argv[1:] if argv is None else argv)
    except StartRefused as refusal:
        sys.exit(f"The Rasa server was not started: {refusal}")
    # Rasa runs in this process (as the `rasa` script would), so the secrets stay out of the
    # process's command line, which every local user can read.
    sys.argv = ["rasa", *command]
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
