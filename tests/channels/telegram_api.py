"""Telegram Bot API stand-ins for the Telegram tests: responders in the Bot API's documented shapes for
the RecordingApi (the library's own HTTP client pointed at it through base_url), a recording
`telegram.request.BaseRequest` for the library's request layer, and the update fixtures."""

from __future__ import annotations

import copy
import itertools
import json
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from telegram.error import NetworkError
from telegram.request import BaseRequest, RequestData

from tests.channels.recording_api import RecordedRequest, RecordingApi

DATA = Path(__file__).parent / "data" / "telegram"
BOT_USER = {
    "id": 123456789, "is_bot": True, "first_name": "Practice assistant", "username": "practice_assistant_test_bot"
}
CHAT_ID = 700900123
_message_ids = itertools.count(5000)


def update(name: str, **changes: Any) -> dict[str, Any]:
    """A recorded Update (tests/channels/data/telegram/<name>.json), top-level fields replaced by `changes`."""
    data: dict[str, Any] = json.loads((DATA / f"{name}.json").read_text())
    data.update(copy.deepcopy(changes))
    return data


def text_update(update_id: int, text: str, chat_id: int = CHAT_ID) -> dict[str, Any]:
    """A private-chat text message, as Telegram sends it."""
    data = update("message_text", update_id=update_id)
    data["message"].update(text=text, message_id=next(_message_ids))
    data["message"]["chat"]["id"] = data["message"]["from"]["id"] = chat_id
    return data


def button_update(update_id: int, callback_data: str, chat_id: int = CHAT_ID, message_id: int = 102) -> dict[str, Any]:
    """A pressed inline button (callback_query) on the bot's message `message_id`."""
    data = update("callback_query", update_id=update_id)
    query = data["callback_query"]
    query.update(id=f"30081900000{update_id}", data=callback_data)
    query["message"]["message_id"] = message_id
    query["message"]["chat"]["id"] = query["from"]["id"] = chat_id
    return data


def _result(method: str, params: dict[str, Any]) -> object:
    """What the Bot API answers for `method` called with `params`."""
    if method == "getMe":
        return BOT_USER
    if method in ("sendMessage", "sendPhoto"):
        message: dict[str, Any] = {
            "message_id": next(_message_ids),
            "from": BOT_USER,
            "chat": {"id": int(params["chat_id"]), "type": "private"},
            "date": int(time.time()),
        }
        if "text" in params:
            message["text"] = params["text"]
        if "reply_markup" in params:
            message["reply_markup"] = params["reply_markup"]
        return message
    if method == "getWebhookInfo":
        return {"url": "https://assistant.example.test/webhooks/telegram/webhook", "has_custom_certificate": False,
                "pending_update_count": 2, "allowed_updates": ["message", "callback_query"]}
    return True  # answerCallbackQuery, editMessageReplyMarkup (inline), setWebhook, deleteWebhook


# python-telegram-bot sends strings as they are and every other value JSON-encoded.
_JSON_FIELDS = frozenset({"chat_id", "message_id", "reply_markup", "allowed_updates", "drop_pending_updates"})


def decoded(params: dict[str, str]) -> dict[str, Any]:
    """Bot API parameters with the non-string ones decoded."""
    return {key: json.loads(value) if key in _JSON_FIELDS else value for key, value in params.items()}


def refusal(code: int, description: str, **parameters: object) -> tuple[int, object]:
    """A Bot API error answer."""
    body: dict[str, object] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return code, body


def ok(result: object) -> tuple[int, object]:
    return 200, {"ok": True, "result": result}


def bot_api_params(request: RecordedRequest) -> dict[str, Any]:
    """The parameters of a Bot API call as python-telegram-bot sent them (form-encoded)."""
    return decoded(request.form)


def method_of(request: RecordedRequest) -> str:
    return request.path.rsplit("/", 1)[-1]


def route_bot_api(api: RecordingApi, token: str) -> None:
    """Answer every Bot API method for `token` on `api`, like api.telegram.org does."""

    def responder(request: RecordedRequest) -> tuple[int, object]:
        return 200, {"ok": True, "result": _result(method_of(request), bot_api_params(request))}

    api.route("POST", rf"^/bot{re.escape(token)}/\w+$", responder)


def calls(api: RecordingApi, token: str, method: str = r"\w+") -> list[tuple[str, dict[str, Any]]]:
    """(method, parameters) of the Bot API calls made so far with `token`."""
    pattern = re.compile(rf"^/bot{re.escape(token)}/({method})$")
    return [(method_of(r), bot_api_params(r)) for r in list(api.requests) if pattern.search(r.path)]


class RecordingRequest(BaseRequest):
    """The library's request layer, recording (url, parameters) and answering like the Bot API.

    `failures` are raised, one per call, before the calls start succeeding.
    """

    def __init__(self, failures: list[Exception] | None = None,
                 answer: Callable[[str, dict[str, Any]], tuple[int, object]] | None = None) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.failures = list(failures or [])
        self.answer = answer or (lambda method, params: (200, {"ok": True, "result": _result(method, params)}))

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         **timeouts: Any) -> tuple[int, bytes]:
        api_method = url.rsplit("/", 1)[-1]
        params = decoded(request_data.json_parameters if request_data else {})
        self.calls.append((api_method, params))
        if self.failures:
            raise self.failures.pop(0)
        status, body = self.answer(api_method, params)
        return status, json.dumps(body).encode()


def network_down() -> NetworkError:
    return NetworkError("connection reset")
