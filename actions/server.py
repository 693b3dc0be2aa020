"""The action server: rasa_sdk's app, listening privately and answering only the Rasa server.

Run: `python -m actions.server` (`make run` does). Settings come from the environment (README.md):
  ENVIRONMENT          required: development, test or production
  ACTION_SERVER_TOKEN  required, at least 32 characters; the Rasa server sends it with every call
                       (endpoints.yml: `Authorization: Bearer ${ACTION_SERVER_TOKEN}`)
  ACTION_SERVER_HOST   127.0.0.1; ACTION_SERVER_PORT 5055

Every route but `GET /health` answers 401 without the token. A failing action answers a bare 500:
rasa_sdk's own handler would echo the request body (the tracker, with the patient's words) back
and log it.
"""

from __future__ import annotations

import hmac
import logging
import os
import sys
from collections.abc import Mapping

from rasa_sdk import utils
from rasa_sdk.endpoint import create_app
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from actions.backend_errors import BackendUnavailable
from actions.backend_token import backend_api_token
from actions.patient_ref import MissingSecret, patient_ref_secret

logger = logging.getLogger(__name__)

ENVIRONMENTS = ("development", "test", "production")
MIN_TOKEN_LENGTH = 32
# A tracker with a long conversation is large; anything near this is not from the Rasa server.
MAX_REQUEST_BYTES = 4 * 1024 * 1024


class StartRefused(RuntimeError):
    """The settings would start an open or misconfigured action server."""


def server_token(env: Mapping[str, str]) -> str:
    """The shared secret; raises StartRefused when ENVIRONMENT or the token is missing or weak."""
    environment = env.get("ENVIRONMENT", "")
    if environment not in ENVIRONMENTS:
        raise StartRefused(f"ENVIRONMENT must be set to one of {', '.join(ENVIRONMENTS)} (got {environment!r}).")
    token = env.get("ACTION_SERVER_TOKEN", "")
    if len(token) < MIN_TOKEN_LENGTH:
        raise StartRefused(
            f"ACTION_SERVER_TOKEN must be set (at least {MIN_TOKEN_LENGTH} characters); `make run` sets a random one."
        )
    return token


def check_action_secrets() -> None:
    """Raise StartRefused when a secret the actions need is missing (PATIENT_REF_SECRET and
    BACKEND_API_TOKEN outside development): found at start, not as "backend down" on a patient's turn."""
    try:
        patient_ref_secret()
        backend_api_token()
    except (MissingSecret, BackendUnavailable) as error:
        raise StartRefused(str(error)) from None


def is_authorised(request: Request, token: str) -> bool:
    """True when the request carries `Authorization: Bearer <token>` (compared in constant time)."""
    scheme, _, sent = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(sent.strip().encode(), token.encode())


def build_app(token: str) -> Sanic:
    """rasa_sdk's app for the `actions` package, with no CORS, the token check and a quiet 500."""
    app: Sanic = create_app("actions", cors_origins=None)
    app.config.REQUEST_MAX_SIZE = MAX_REQUEST_BYTES

    @app.middleware("request")  # type: ignore[misc,no-untyped-call]  # untyped in Sanic 21.12
    async def require_token(request: Request) -> HTTPResponse | None:
        if request.path == "/health" and request.method in ("GET", "HEAD"):
            return None
        if not is_authorised(request, token):
            logger.warning("action server: a request without the server token was refused")
            return response.json({"error": "unauthorised"}, status=401)
        return None

    @app.exception(Exception)  # type: ignore[misc,no-untyped-call]  # untyped in Sanic 21.12
    async def failed(_: Request, error: Exception) -> HTTPResponse:
        logger.error("action server: a request failed: %s", type(error).__name__)
        return response.json({"error": "the action failed"}, status=500)

    return app


def main() -> None:
    try:
        token = server_token(os.environ)
        check_action_secrets()
    except StartRefused as refusal:
        sys.exit(f"The action server was not started: {refusal}")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    utils.update_sanic_log_level()
    host = os.environ.get("ACTION_SERVER_HOST", "127.0.0.1")
    port = int(os.environ.get("ACTION_SERVER_PORT", "5055"))
    app = build_app(token)
    logger.info("Action server on http://%s:%d", host, port)
    app.run(host, port, workers=utils.number_of_sanic_workers(), access_log=False)


if __name__ == "__main__":
    main()
