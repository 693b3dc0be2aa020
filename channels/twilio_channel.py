"""The connector shared by SMS and WhatsApp: both arrive as Twilio webhooks and leave through Twilio's REST API.

A webhook is authenticated (X-Twilio-Signature against the configured public URL), checked for
redelivery (MessageSid), answered at once with empty TwiML, and handled in a background task:
keywords (STOP, START, HELP) and attachment-only messages are answered here; anything else reaches
Rasa under the sender's pseudonym, a typed "2" turned into the payload of the button it picks, and
the bot's replies go out in order through the REST API, buttons as a numbered list (a button's
short form where it has one), each bot message kept whole in one text when it fits.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, ClassVar
from urllib.parse import parse_qs

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request, RequestParameters
from sanic.response import HTTPResponse
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from channels import contacts, text_menu
from channels.deliveries import first_delivery
from channels.keywords import OPTED_OUT_REPLY, REPLIES, TEXT_ONLY_REPLY, Keyword, keyword
from channels.outbound import send_with_retry
from channels.pseudonym import sender_id
from channels.rate_limits import SLOW_DOWN_REPLY, rate_limits
from channels.server_limits import cap_request_size
from channels.settings import get_settings
from channels.twilio_client import TRANSIENT_ERRORS, TwilioMessenger
from channels.typed_text import UNREADABLE_REPLY, UnreadableText, as_typed, normalise

logger = logging.getLogger(__name__)

CREDENTIAL_KEYS = ("account_sid", "auth_token", "from_number", "public_url")
SIGNATURE_HEADER = "X-Twilio-Signature"
# Empty TwiML: Twilio sends nothing itself; the replies follow through the REST API.
EMPTY_TWIML = str(MessagingResponse().to_xml())


@dataclass(frozen=True)
class InboundMessage:
    """The fields of a Twilio messaging webhook this connector uses (the form has many more)."""

    message_sid: str
    address: str
    body: str
    media_count: int

    @classmethod
    def from_form(cls, form: RequestParameters) -> InboundMessage:
        try:
            media_count = int(form.get("NumMedia") or 0)
        except ValueError:
            media_count = 0
        return cls(
            message_sid=str(form.get("MessageSid") or form.get("SmsMessageSid") or ""),
            address=str(form.get("From") or ""),
            body=str(form.get("Body") or ""),
            media_count=media_count,
        )


class TwilioInput(InputChannel):  # type: ignore[misc]  # rasa ships no type information
    """A Twilio messaging webhook; SMS and WhatsApp differ only in the class attributes below."""

    # Rasa's channel name: the credentials.yml entry and the route /webhooks/<channel_name>/.
    channel_name: ClassVar[str] = "twilio"
    # The channel part of the sender's pseudonym and of the stored contact.
    address_channel: ClassVar[str] = "twilio"
    # Twilio's address prefix for the channel ("whatsapp:"), empty for SMS.
    address_prefix: ClassVar[str] = ""

    @classmethod
    def name(cls) -> str:
        return cls.channel_name

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        """The connector; raises ChannelConfigError outside development when a credential is missing."""
        values = {key: str((credentials or {}).get(key) or "") for key in (*CREDENTIAL_KEYS, "api_base_url")}
        settings = get_settings()
        for key in CREDENTIAL_KEYS:
            settings.require(f"{cls.name()} {key}", values[key])
        # The pseudonym and contact keys must be usable before the first patient writes.
        sender_id(cls.address_channel, "start-up check")
        contacts.check_key()
        return cls(**values)

    def __init__(
        self, account_sid: str, auth_token: str, from_number: str, public_url: str, api_base_url: str = ""
    ) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.from_number = self.with_prefix(from_number) if from_number else ""
        self.public_url = public_url.rstrip("/")
        self.messenger = TwilioMessenger(account_sid, auth_token, api_base_url)
        self._tasks: set[asyncio.Future[None]] = set()
        # Seconds before the first retry of a reply Twilio could not take (doubling after).
        self.retry_wait = 0.5
        # One lock per sender while a message of theirs is handled: their replies never interleave.
        self._sender_locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()

    @property
    def configured(self) -> bool:
        return all((self.account_sid, self.auth_token, self.from_number, self.public_url))

    def with_prefix(self, address: str) -> str:
        """`address` as Twilio spells it on this channel ("whatsapp:+44..." on WhatsApp)."""
        return address if address.startswith(self.address_prefix) else self.address_prefix + address

    # Text UX: subclasses say how a turn's blocks of text (one per bot message) become the messages sent.
    def split_reply(self, blocks: Sequence[str]) -> list[str]:
        raise NotImplementedError

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = Blueprint(f"{self.name()}_webhook", __name__)
        cap_request_size(blueprint)

        @blueprint.route("/health", methods=["GET"])  # type: ignore[misc]
        async def health(_: Request) -> HTTPResponse:
            return response.json({"channel": self.name(), "configured": self.configured})

        @blueprint.route("/webhook", methods=["POST"])  # type: ignore[misc]
        async def webhook(request: Request) -> HTTPResponse:
            if not self.configured:
                return response.json({"error": f"{self.name()} not configured"}, status=503)
            form = RequestParameters(parse_qs(request.body.decode("utf-8", "replace"), keep_blank_values=True))
            if not self.is_signed(request, form):
                logger.warning("%s webhook: rejected a request without a valid Twilio signature", self.name())
                return response.empty(status=403)
            message = InboundMessage.from_form(form)
            if not message.message_sid or not message.address:
                return response.empty(status=400)
            if await asyncio.to_thread(first_delivery, self.name(), message.message_sid):
                self._start(self.handle(message, on_new_message))
            else:
                logger.info("%s webhook: redelivered message ignored", self.name())
            return response.text(EMPTY_TWIML, content_type="text/xml")

        @blueprint.listener("before_server_stop")  # type: ignore[misc]
        async def finish(*_: Any) -> None:
            await self.wait_idle(timeout=10)
            await self.messenger.close()

        return blueprint

    def is_signed(self, request: Request, form: RequestParameters) -> bool:
        """The request carries Twilio's signature for our public URL (never the proxied request.url)."""
        signature = request.headers.get(SIGNATURE_HEADER, "")
        if not signature:
            return False
        url = self.public_url + request.path + (f"?{request.query_string}" if request.query_string else "")
        if not RequestValidator(self.auth_token).validate(url, form, signature):
            return False
        return form.get("AccountSid") in (None, self.account_sid)

    async def wait_idle(self, timeout: float = 30) -> None:
        """Return once every message received so far has been handled (or `timeout` passed)."""
        deadline = asyncio.get_running_loop().time() + timeout
        while self._tasks:
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0:
                return
            await asyncio.wait(set(self._tasks), timeout=left)

    def _start(self, work: Awaitable[None]) -> None:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def handle(self, message: InboundMessage, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        """Answer one inbound message; never raises (the webhook has long been answered)."""
        patient = sender_id(self.address_channel, message.address)
        lock = self._sender_locks.setdefault(patient, asyncio.Lock())
        async with lock:
            try:
                await self._handle(patient, message, on_new_message)
            except Exception as error:  # one failed message must not stop the next
                # The type only: an error's text can quote the message or the number.
                logger.error("%s: handling a message failed: %s", self.name(), type(error).__name__)

    async def _handle(
        self, patient: str, message: InboundMessage, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> None:
        await asyncio.to_thread(contacts.remember, patient, self.address_channel, message.address)
        try:
            text = normalise(message.body).strip()
        except UnreadableText:
            await self.send(message.address, [UNREADABLE_REPLY])
            return
        if not as_typed(text):
            logger.info("%s: a message without text (%d attachments) answered", self.name(), message.media_count)
            await self.send(message.address, [TEXT_ONLY_REPLY])
            return
        said = keyword(text)
        if said is not None:
            await self._answer_keyword(patient, message.address, said)
            return
        if not rate_limits().allow_message(self.name(), patient):
            logger.warning("%s: a message refused: the sender is over its rate limit", self.name())
            if rate_limits().should_notify(self.name(), patient):
                await self.send(message.address, [SLOW_DOWN_REPLY])
            return
        contact = await asyncio.to_thread(contacts.lookup, patient)
        if contact is not None and contact.opted_out:
            await self.send(message.address, [OPTED_OUT_REPLY])
            return
        menu = await asyncio.to_thread(text_menu.load, patient)
        payload = text_menu.choose(text, menu)
        collector = CollectingOutputChannel()
        await on_new_message(
            UserMessage(
                payload or as_typed(text), collector, patient, input_channel=self.name(), message_id=message.message_sid
            )
        )
        await self._reply(patient, message.address, collector.messages)

    async def _answer_keyword(self, patient: str, address: str, said: Keyword) -> None:
        if said in (Keyword.STOP, Keyword.START):
            await asyncio.to_thread(contacts.set_opted_out, patient, said is Keyword.STOP)
            await asyncio.to_thread(text_menu.save, patient, [])
            logger.info("%s: a sender opted %s", self.name(), "out" if said is Keyword.STOP else "back in")
        await self.send(address, [REPLIES[said]])

    async def _reply(self, patient: str, address: str, bot_messages: Sequence[dict[str, Any]]) -> None:
        """The bot's messages of one turn as text, buttons numbered, the last list remembered."""
        if not bot_messages:
            return
        blocks: list[str] = []
        menu: list[text_menu.MenuOption] = []
        for bot_message in bot_messages:
            options = text_menu.options_from_buttons(bot_message.get("buttons") or [])
            if options:
                menu = options
            block = text_menu.render(str(bot_message.get("text") or ""), options)
            for link in (bot_message.get("image"), bot_message.get("attachment")):
                if isinstance(link, str) and link:
                    block = f"{block}\n{link}" if block else link
            if block:
                blocks.append(block)
        await asyncio.to_thread(text_menu.save, patient, menu)
        await self.send(address, self.split_reply(blocks) if blocks else [])

    async def send(self, address: str, texts: Sequence[str]) -> None:
        """Send `texts` to `address` one after another, each retried on its own."""
        for text in texts:
            await send_with_retry(
                partial(self.messenger.send_text, from_=self.from_number, to=address, body=text),
                channel=self.name(),
                what="reply",
                retry_on=TRANSIENT_ERRORS,
                wait_multiplier=self.retry_wait,
            )
