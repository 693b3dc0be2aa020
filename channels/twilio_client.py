"""Sending SMS and WhatsApp messages through Twilio's REST API, with the library's own async client.

`api_base_url` (empty for the real api.twilio.com) points the client at another base URL: a proxy,
or the stand-in API the tests record requests with.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Mapping

import aiohttp
from twilio.base.exceptions import TwilioRestException
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.rest import Client

logger = logging.getLogger(__name__)

REQUEST_TIMEOUT_SECONDS = 10.0


class TwilioUnavailable(Exception):
    """Twilio answered 429 or 5xx: worth another try later, unlike a refused message (4xx)."""


# What `send_with_retry` retries: a network error, a timeout, or TwilioUnavailable.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (TwilioUnavailable, aiohttp.ClientError, asyncio.TimeoutError)


class TwilioMessenger:
    """One Twilio account's REST client, created on first use inside the event loop."""

    def __init__(self, account_sid: str, auth_token: str, api_base_url: str = "") -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.api_base_url = api_base_url.rstrip("/")
        self._client: Client | None = None
        self._http: AsyncTwilioHttpClient | None = None

    def _rest_client(self) -> Client:
        if self._client is None:
            # The library logs every request at INFO (URL with the account id, headers): keep it quiet.
            library_logger = logging.getLogger("twilio")
            if library_logger.getEffectiveLevel() < logging.WARNING:
                library_logger.setLevel(logging.WARNING)
            self._http = AsyncTwilioHttpClient(timeout=REQUEST_TIMEOUT_SECONDS)
            self._client = Client(self.account_sid, self.auth_token, http_client=self._http)
            if self.api_base_url:
                # The Api domain builds every Messages URL from its base_url at request time.
                self._client.api.base_url = self.api_base_url
        return self._client

    async def send_text(self, *, from_: str, to: str, body: str) -> str:
        """Send one message; returns its MessageSid. Raises TwilioUnavailable when worth retrying."""
        return await self._create(from_=from_, to=to, body=body)

    async def send_template(
        self, *, from_: str, to: str, content_sid: str, content_variables: Mapping[str, str] | None = None
    ) -> str:
        """Send an approved content template (WhatsApp outside the 24-hour window); returns its MessageSid."""
        variables = json.dumps(dict(content_variables or {}), ensure_ascii=False)
        return await self._create(from_=from_, to=to, content_sid=content_sid, content_variables=variables)

    async def _create(self, **fields: str) -> str:
        try:
            message = await self._rest_client().messages.create_async(**fields)
        except TwilioRestException as error:
            if error.status == 429 or error.status >= 500:
                raise TwilioUnavailable(f"Twilio answered {error.status}") from error
            # The error's message can quote the recipient's number: log only its codes.
            logger.warning("Twilio refused a message: HTTP %s, error code %s", error.status, error.code)
            raise
        return str(message.sid)

    async def close(self) -> None:
        """Close the HTTP session (server shutdown)."""
        if self._http is not None:
            await self._http.close()
        self._client = self._http = None
