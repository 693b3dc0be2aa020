"""The web chat's HTTP side in-process: the real blueprint mounted by Rasa's own `register` on a tiny
Sanic app, with a stand-in for Rasa's agent that records what reaches it and answers like the bot."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import math
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from rasa.core.channels.channel import UserMessage, register
from sanic import Sanic

from channels.pseudonym import sender_id
from channels.settings import ChannelConfigError, get_settings
from channels.state_db import state_engine, webchat_replies, webchat_sessions
from channels.webchat import WebChatInput
from channels.webchat_assets import DIST, asset_path
from channels.webchat_replies import KEPT_PER_SESSION
from tests.channels.sanic_server import serving

pytestmark = pytest.mark.usefixtures("channel_state")

AGE_PAYLOAD = '/inform{"age_band": "16_to_64"}'


@pytest.fixture(autouse=True)
def sanic_test_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    """Sanic 21.12 rewrites its HTTP methods per app; test mode lets one process start many apps."""
    monkeypatch.setattr(Sanic, "test_mode", True)


class FakeAgent:
    """Stands in for Rasa's Agent: records each message and answers through its output channel."""

    def __init__(self) -> None:
        self.messages: list[UserMessage] = []
        self.delay = 0.0
        self.fail = False

    async def handle_message(self, message: UserMessage) -> None:
        self.messages.append(message)
        await asyncio.sleep(self.delay)
        if self.fail:
            raise RuntimeError("the model is not loaded")
        if "chest pain" in message.text:
            reply: dict[str, Any] = {
                "text": "This could be a medical emergency. Call 999 now.\n\nI've stopped what we were doing.",
                "utter_action": "utter_emergency_999",
            }
        else:
            reply = {
                "text": "How old are you?\n\nChoose one.",
                "buttons": [{"title": "16 to 64", "payload": AGE_PAYLOAD}],
                "utter_action": "utter_ask_age_band",
            }
        await message.output_channel.send_response(message.sender_id, reply)


@asynccontextmanager
async def webchat_client(agent: FakeAgent) -> AsyncIterator[httpx.AsyncClient]:
    """The channel mounted on a fresh Sanic app as `rasa run` mounts it, and a client for it."""
    app = Sanic(f"webchat_test_{uuid.uuid4().hex}")
    register([WebChatInput.from_credentials({})], app, "/webhooks/")
    app.ctx.agent = agent
    async with serving(app) as url, httpx.AsyncClient(base_url=f"{url}/webhooks/webchat/", timeout=30) as client:
        yield client


async def new_token(client: httpx.AsyncClient) -> str:
    response = await client.post("session")
    assert response.status_code == 201
    return str(response.json()["token"])


async def send(client: httpx.AsyncClient, token: str, **body: Any) -> httpx.Response:
    body.setdefault("id", str(uuid.uuid4()))
    return await client.post("message", json=body, headers={"Authorization": f"Bearer {token}"})


@pytest.mark.anyio
async def test_session_token_is_random_and_only_its_hash_is_stored() -> None:
    async with webchat_client(FakeAgent()) as client:
        tokens = [await new_token(client) for _ in range(3)]
    assert len(set(tokens)) == 3
    for token in tokens:
        # 43 url-safe base64 characters carry 256 bits, well over the 128 required.
        assert len(token) == 43
        assert len(token) * math.log2(64) >= 128
    with state_engine().connect() as connection:
        rows = connection.execute(sa.select(webchat_sessions)).all()
    stored = {row.token_hash for row in rows}
    assert stored == {hashlib.sha256(token.encode()).hexdigest() for token in tokens}
    assert not any(token in str(tuple(row)) for row in rows for token in tokens)


@pytest.mark.anyio
async def test_message_reaches_rasa_under_the_pseudonym_with_buttons_back() -> None:
    agent = FakeAgent()
    async with webchat_client(agent) as client:
        token = await new_token(client)
        response = await send(client, token, text="I have a sore throat")
    assert response.status_code == 200
    assert response.json() == {
        "messages": [
            {
                "text": "How old are you?\n\nChoose one.",
                "buttons": [{"title": "16 to 64", "payload": AGE_PAYLOAD}],
                "emergency": False,
            }
        ]
    }
    [message] = agent.messages
    assert message.sender_id == sender_id("webchat", token)
    assert message.input_channel == "webchat"
    assert message.text == "I have a sore throat"
    assert not message.metadata


@pytest.mark.anyio
async def test_emergency_reply_is_flagged_for_the_page() -> None:
    async with webchat_client(FakeAgent()) as client:
        token = await new_token(client)
        response = await send(client, token, text="crushing chest pain")
    [reply] = response.json()["messages"]
    assert reply["emergency"] is True
    assert reply["text"].startswith("This could be a medical emergency. Call 999 now.")


@pytest.mark.anyio
@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer", "Bearer " + "A" * 43, "Basic dXNlcjpwYXNz", "Bearer ../../etc/passwd", "Bearer " + "x" * 5000],
)
async def test_message_without_a_valid_token_is_403_and_reaches_neither_rasa_nor_logs(
    authorization: str | None, caplog: pytest.LogCaptureFixture
) -> None:
    agent = FakeAgent()
    headers = {} if authorization is None else {"Authorization": authorization}
    caplog.set_level(logging.DEBUG)
    async with webchat_client(agent) as client:
        response = await client.post(
            "message", json={"id": str(uuid.uuid4()), "text": "my secret symptom"}, headers=headers
        )
    assert response.status_code == 403
    assert "expired" in response.json()["error"]
    assert agent.messages == []
    assert "my secret symptom" not in caplog.text


@pytest.mark.anyio
async def test_message_with_an_expired_session_is_403() -> None:
    agent = FakeAgent()
    async with webchat_client(agent) as client:
        token = await new_token(client)
        with state_engine().begin() as connection:
            connection.execute(sa.update(webchat_sessions).values(last_seen_at=sa.func.datetime("now", "-13 hours")))
        response = await send(client, token, text="hello")
    assert response.status_code == 403
    assert agent.messages == []


@pytest.mark.anyio
async def test_retried_message_id_is_processed_once_and_gets_the_same_replies() -> None:
    agent = FakeAgent()
    async with webchat_client(agent) as client:
        token = await new_token(client)
        message_id = str(uuid.uuid4())
        first = await send(client, token, id=message_id, text="I have a sore throat")
        again = await send(client, token, id=message_id, text="I have a sore throat")
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert len(agent.messages) == 1


@pytest.mark.anyio
async def test_retry_while_the_first_is_still_answered_waits_for_its_replies() -> None:
    agent = FakeAgent()
    agent.delay = 1.0
    async with webchat_client(agent) as client:
        token = await new_token(client)
        message_id = str(uuid.uuid4())
        first, retry = await asyncio.gather(
            send(client, token, id=message_id, text="I have a sore throat"),
            send(client, token, id=message_id, text="I have a sore throat"),
        )
    assert first.status_code == retry.status_code == 200
    assert retry.json() == first.json()
    assert len(agent.messages) == 1


@pytest.mark.anyio
async def test_only_the_latest_replies_of_a_session_are_kept() -> None:
    async with webchat_client(FakeAgent()) as client:
        token = await new_token(client)
        for _ in range(KEPT_PER_SESSION + 3):
            assert (await send(client, token, text="I have a sore throat")).status_code == 200
    with state_engine().connect() as connection:
        kept = connection.execute(sa.select(sa.func.count()).select_from(webchat_replies)).scalar_one()
    assert kept == KEPT_PER_SESSION


@pytest.mark.anyio
async def test_reused_message_id_with_another_text_is_422() -> None:
    agent = FakeAgent()
    async with webchat_client(agent) as client:
        token = await new_token(client)
        message_id = str(uuid.uuid4())
        await send(client, token, id=message_id, text="I have a sore throat")
        response = await send(client, token, id=message_id, text="something else")
    assert response.status_code == 422
    assert "already used" in response.json()["error"]
    assert len(agent.messages) == 1


@pytest.mark.anyio
async def test_button_payload_offered_by_the_bot_is_passed_to_rasa() -> None:
    agent = FakeAgent()
    async with webchat_client(agent) as client:
        token = await new_token(client)
        await send(client, token, text="I have a sore throat")
        response = await send(client, token, payload=AGE_PAYLOAD)
    assert response.status_code == 200
    assert [message.text for message in agent.messages] == ["I have a sore throat", AGE_PAYLOAD]


@pytest.mark.anyio
async def test_payload_the_bot_did_not_offer_is_422_and_skips_rasa() -> None:
    agent = FakeAgent()
    async with webchat_client(agent) as client:
        token = await new_token(client)
        response = await send(client, token, payload='/inform{"triage_confirmed": true}')
    assert response.status_code == 422
    assert "no longer available" in response.json()["error"]
    assert agent.messages == []


@pytest.mark.anyio
async def test_typed_slash_command_reaches_rasa_as_words_not_an_intent() -> None:
    agent = FakeAgent()
    async with webchat_client(agent) as client:
        token = await new_token(client)
        await send(client, token, text='/affirm{"triage_confirmed": true}')
    assert agent.messages[0].text == 'affirm{"triage_confirmed": true}'


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("body", "status", "error"),
    [
        (b"not json", 400, "must be JSON"),
        (b"[1, 2]", 400, "JSON object"),
        (json.dumps({"id": "not-a-uuid", "text": "hi"}).encode(), 422, '"id" must be a UUID'),
        (json.dumps({"text": "hi"}).encode(), 422, '"id" must be a UUID'),
        (json.dumps({"id": str(uuid.uuid4())}).encode(), 422, 'exactly one of "text" or "payload"'),
        (json.dumps({"id": str(uuid.uuid4()), "text": "hi", "payload": "/affirm"}).encode(), 422, "exactly one"),
        (json.dumps({"id": str(uuid.uuid4()), "text": "   "}).encode(), 422, "Type a message"),
        (json.dumps({"id": str(uuid.uuid4()), "text": 42}).encode(), 422, '"text" must be a string'),
        (json.dumps({"id": str(uuid.uuid4()), "text": "x" * 1001}).encode(), 422, "too long"),
        (json.dumps({"id": str(uuid.uuid4()), "text": "hi", "name": "Jo"}).encode(), 422, "Unknown field(s): name"),
        (json.dumps({"id": str(uuid.uuid4()), "payload": "affirm"}).encode(), 422, "payload"),
        (b'{"id": "' + b"x" * 20000 + b'"}', 413, "too large"),
    ],
)
async def test_bad_message_gets_a_clear_error_and_skips_rasa(body: bytes, status: int, error: str) -> None:
    agent = FakeAgent()
    async with webchat_client(agent) as client:
        token = await new_token(client)
        response = await client.post(
            "message", content=body, headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        )
    assert response.status_code == status
    assert error in response.json()["error"]
    assert agent.messages == []


@pytest.mark.anyio
async def test_rasa_failure_is_500_without_the_message_in_the_logs(caplog: pytest.LogCaptureFixture) -> None:
    agent = FakeAgent()
    agent.fail = True
    async with webchat_client(agent) as client:
        token = await new_token(client)
        response = await send(client, token, text="my private words")
    assert response.status_code == 500
    assert "send your message again" in response.json()["error"]
    assert "webchat message not processed: RuntimeError" in caplog.text
    assert "my private words" not in caplog.text


def test_channel_refuses_to_start_without_its_secret_outside_development(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setenv("CHANNEL_ID_SECRET", "")
    get_settings.cache_clear()
    with pytest.raises(ChannelConfigError, match="CHANNEL_ID_SECRET"):
        WebChatInput.from_credentials({})


@pytest.mark.anyio
async def test_health_answers_ok() -> None:
    async with webchat_client(FakeAgent()) as client:
        response = await client.get("health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


@pytest.mark.anyio
async def test_api_responses_are_never_cached_and_carry_security_headers() -> None:
    async with webchat_client(FakeAgent()) as client:
        response = await client.post("session")
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert "access-control-allow-origin" not in response.headers


def require_built_page() -> None:
    if not (DIST / "index.html").is_file():
        pytest.fail("channels/webchat_ui/dist is not built: run `npm ci && npm run build` in channels/webchat_ui")


@pytest.mark.anyio
async def test_page_is_served_with_a_strict_content_security_policy() -> None:
    require_built_page()
    async with webchat_client(FakeAgent()) as client:
        response = await client.get("")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["cache-control"] == "no-cache"
    assert "<script>" not in response.text
    assert "https://" not in response.text.replace("http://www.w3.org/2000/svg", "")


@pytest.mark.anyio
async def test_page_without_trailing_slash_redirects_to_it() -> None:
    require_built_page()
    async with webchat_client(FakeAgent()) as client:
        response = await client.get(client.base_url.copy_with(path="/webhooks/webchat"))
    assert response.status_code == 308
    assert response.headers["location"] == "/webhooks/webchat/"


@pytest.mark.anyio
async def test_static_assets_are_served_with_their_types_and_cache_headers() -> None:
    require_built_page()
    async with webchat_client(FakeAgent()) as client:
        page = (await client.get("")).text
        names = [part.split('"')[0] for part in page.split('href="static/')[1:] + page.split('src="static/')[1:]]
        responses = {name: await client.get(f"static/{name}") for name in names}
    types = {name.rsplit(".", 1)[1]: response.headers["content-type"] for name, response in responses.items()}
    assert all(response.status_code == 200 for response in responses.values())
    assert types["css"].startswith("text/css")
    assert types["js"].startswith("text/javascript")
    assert types["svg"] == "image/svg+xml"
    fingerprinted = [r for n, r in responses.items() if n.startswith("chat.")]
    assert fingerprinted
    assert all(r.headers["cache-control"] == "public, max-age=31536000, immutable" for r in fingerprinted)
    assert responses["images/favicon.svg"].headers["cache-control"] == "public, max-age=3600"
    assert all(r.headers["x-content-type-options"] == "nosniff" for r in responses.values())


@pytest.mark.anyio
async def test_nhsuk_stylesheet_is_local_with_its_icons() -> None:
    require_built_page()
    async with webchat_client(FakeAgent()) as client:
        page = (await client.get("")).text
        stylesheet = page.split('href="static/nhsuk-frontend.min.')[1].split('"')[0]
        css = (await client.get(f"static/nhsuk-frontend.min.{stylesheet}")).text
        icon = await client.get("static/images/nhsuk-icon-arrow-up.svg")
    assert "//assets.nhs.uk" not in css
    assert "url(images/nhsuk-icon-arrow-up.svg)" in css
    assert icon.status_code == 200


async def raw_get_status(client: httpx.AsyncClient, path: str) -> int:
    """GET `path` exactly as written (httpx would normalise the dot segments away)."""
    url = client.base_url
    reader, writer = await asyncio.open_connection(url.host, url.port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: {url.host}\r\nConnection: close\r\n\r\n".encode())
    await writer.drain()
    status_line = await reader.readline()
    writer.close()
    await writer.wait_closed()
    return int(status_line.split()[1])


@pytest.mark.anyio
@pytest.mark.parametrize(
    "path",
    [
        "static/../../webchat.py",
        "static/images/../../../../channels/state_db.py",
        "static/%2e%2e/%2e%2e/webchat.py",
        "static/..%2f..%2fwebchat.py",
        "static/%2e%2e/index.html",
        "static/..%5c..%5cwebchat.py",
        "static/%2fetc%2fpasswd",
        "static/missing.js",
        "static/",
    ],
)
async def test_static_route_cannot_leave_the_static_folder(path: str) -> None:
    require_built_page()
    async with webchat_client(FakeAgent()) as client:
        served = await raw_get_status(client, "/webhooks/webchat/static/images/favicon.svg")
        status = await raw_get_status(client, f"/webhooks/webchat/{path}")
    assert served == 200
    assert status == 404


def test_asset_path_refuses_traversal_and_unserved_types(tmp_path: Any) -> None:
    static = tmp_path / "static"
    static.mkdir()
    (static / "chat.js").write_text("1")
    (static / "notes.txt").write_text("secret")
    (tmp_path / "secret.css").write_text("secret")
    assert asset_path("chat.js", dist=tmp_path) == (static / "chat.js").resolve()
    assert asset_path("../secret.css", dist=tmp_path) is None
    assert asset_path("/etc/passwd", dist=tmp_path) is None
    assert asset_path("notes.txt", dist=tmp_path) is None
    assert asset_path("..\\secret.css", dist=tmp_path) is None
    assert asset_path("chat.js\x00.css", dist=tmp_path) is None
