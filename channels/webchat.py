"""Web chat for the NHS App webview: the page, its local assets and a small JSON API, on the Rasa server.

Routes (under /webhooks/webchat/):
  GET  /                 the page (NHS.UK frontend look; built by `npm run build` in channels/webchat_ui)
  GET  /static/<path>    its assets, from channels/webchat_ui/dist/static only
  GET  /health           {"status": "ok"}
  POST /session          -> 201 {"token": ...}: a new conversation (the page keeps the token);
                         429 when too many were started from one address (channels/rate_limits.py)
  POST /message          Authorization: Bearer <token>, {"id": uuid, "text" | "payload"}
                         -> {"messages": [{"text", "buttons": [{"title", "payload"}], "emergency"}]}
                         429 when the session sends too fast (the page sends the same message, same id,
                         again after Retry-After)

The token is checked before anything else (403, nothing reaches Rasa or the logs); Rasa sees
`sender_id("webchat", token)` and nothing else about the browser. A message resent under the same id
goes through Rasa once; the retry gets the stored replies (202 while the first is still answered).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels import webchat_replies
from channels.deliveries import first_delivery
from channels.pseudonym import channel_id_secret
from channels.rate_limits import SLOW_DOWN_REPLY, TOO_MANY_SESSIONS_REPLY, rate_limits
from channels.server_limits import cap_request_size
from channels.webchat_assets import CONTENT_TYPES, api_headers, asset_headers, asset_path, page_headers, page_path
from channels.webchat_messages import MessageError, PatientMessage, offered_payloads, page_replies, parse_message
from channels.webchat_output import WebChatOutput
from channels.webchat_sessions import CHANNEL, WebChatSession, authenticate, bearer_token, start_session

logger = logging.getLogger(__name__)

# Far more than any message the page sends (1,000 characters of text).
MAX_BODY_BYTES = 16 * 1024
# How long a retry waits for the first delivery's replies before answering 202 (the page asks again).
RETRY_WAIT_SECONDS = 20.0

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


def _json(body: dict[str, Any], status: int = 200) -> HTTPResponse:
    return response.json(body, status=status, headers=api_headers())


def _too_many(message: str) -> HTTPResponse:
    return response.json({"error": message}, status=429, headers={**api_headers(), "Retry-After": "60"})


def client_address(request: Request) -> str:
    """The browser's address: behind a proxy, the one Sanic's SANIC_PROXIES_COUNT /
    SANIC_REAL_IP_HEADER / SANIC_FORWARDED_SECRET settings say to trust, else the peer's."""
    return str(request.remote_addr or request.ip)


class WebChatInput(InputChannel):  # type: ignore[misc] # Rasa ships no type information
    """Serves the web chat page and its JSON API under /webhooks/webchat/."""

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> WebChatInput:
        # No secret of its own, but the sender ids need CHANNEL_ID_SECRET: outside development an
        # empty one raises ChannelConfigError here, so Rasa refuses to start rather than fail later.
        channel_id_secret()
        return cls()

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        webchat = Blueprint("webchat_webhook", __name__)
        cap_request_size(webchat)

        async def page(request: Request) -> HTTPResponse:
            if not request.path.endswith("/"):
                # The page's asset and API URLs are relative to /webhooks/webchat/.
                return response.redirect(request.path + "/", status=308)
            built = page_path()
            if built is None:
                return response.text(
                    "The web chat page is not built: run `npm ci && npm run build` in channels/webchat_ui.",
                    status=503,
                )
            return response.html(built.read_text(encoding="utf-8"), headers=page_headers())

        async def static(_: Request, relative: str) -> HTTPResponse:
            asset = asset_path(relative)
            if asset is None:
                return response.text("Not found", status=404, headers=api_headers())
            return await response.file(asset, mime_type=CONTENT_TYPES[asset.suffix], headers=asset_headers(asset))

        async def health(_: Request) -> HTTPResponse:
            return _json({"status": "ok", "page_built": page_path() is not None})

        async def session(request: Request) -> HTTPResponse:
            if not rate_limits().allow_session(client_address(request)):
                logger.warning("webchat session refused: too many from one address")
                return _too_many(TOO_MANY_SESSIONS_REPLY)
            return _json({"token": start_session()}, status=201)

        async def message(request: Request) -> HTTPResponse:
            patient = authenticate(bearer_token(request.headers.get("Authorization")))
            if patient is None:
                return _json({"error": "This chat session is not valid or has expired. Start a new one."}, 403)
            if len(request.body) > MAX_BODY_BYTES:
                return _json({"error": "The message is too large."}, 413)
            try:
                incoming = parse_message(request.body)
            except MessageError as error:
                return _json({"error": str(error)}, error.status)
            return await self._answer(patient, incoming, on_new_message)

        webchat.add_route(page, "/", methods=["GET"])
        webchat.add_route(static, "/static/<relative:path>", methods=["GET"])
        webchat.add_route(health, "/health", methods=["GET"])
        webchat.add_route(session, "/session", methods=["POST"])
        webchat.add_route(message, "/message", methods=["POST"])
        return webchat

    async def _answer(
        self, patient: WebChatSession, incoming: PatientMessage, on_new_message: OnNewMessage
    ) -> HTTPResponse:
        """Rasa's replies to `incoming`, produced once however often the page resends it."""
        if webchat_replies.lookup(patient.token_hash, incoming.id) is not None:
            return await self._replay(patient, incoming)
        if not rate_limits().allow_message(CHANNEL, patient.sender_id):
            logger.warning("webchat message refused: the session is over its rate limit")
            return _too_many(SLOW_DOWN_REPLY)
        if incoming.payload is not None and incoming.payload not in offered_payloads(
            webchat_replies.latest_replies(patient.token_hash)
        ):
            return _json({"error": "That option is no longer available. Type your answer instead."}, 422)
        if not first_delivery(CHANNEL, f"{patient.token_hash}:{incoming.id}") or not webchat_replies.begin(
            patient.token_hash, incoming.id, incoming.body_hash
        ):
            return await self._replay(patient, incoming)

        collector = WebChatOutput()
        try:
            await on_new_message(
                UserMessage(incoming.for_rasa, collector, patient.sender_id, input_channel=self.name())
            )
        except asyncio.CancelledError:
            webchat_replies.finish(patient.token_hash, incoming.id, None)
            raise
        except Exception as error:  # the page must hear that the message failed
            logger.error("webchat message not processed: %s", type(error).__name__)
            webchat_replies.finish(patient.token_hash, incoming.id, None)
            return _json({"error": "Sorry, something went wrong. Please send your message again."}, 500)
        replies = page_replies(collector.messages)
        webchat_replies.finish(patient.token_hash, incoming.id, replies)
        return _json({"messages": replies})

    async def _replay(self, patient: WebChatSession, incoming: PatientMessage) -> HTTPResponse:
        """A resent message: the replies of its first delivery, 202 while they are still coming."""
        stored = await webchat_replies.wait_until_answered(patient.token_hash, incoming.id, RETRY_WAIT_SECONDS)
        if stored is None:
            return _json({"status": "processing"}, 202)
        if stored.body_hash != incoming.body_hash:
            return _json({"error": "This message id was already used for a different message."}, 422)
        if stored.status != webchat_replies.DONE:
            return _json({"error": "Sorry, something went wrong. Please send your message again."}, 500)
        return _json({"messages": stored.replies})
