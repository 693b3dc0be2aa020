"""The doors an earlier probe found closed, tried again on the system as shipped: web chat tokens,
offered payloads only, message-id replay, page headers, CORS, path traversal, unsigned webhooks, and
on the booking backend: its token, booking IDOR, crafted slot searches, idempotency-key reuse and the
admin key."""

from __future__ import annotations

import secrets
import uuid
from typing import Any

import httpx
import pytest

from actions.patient_ref import patient_ref
from tests.attacks.conftest import AttackStack
from tests.attacks.test_intent_injection import WebChat
from tests.stack import backend_headers


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer", "Bearer " + secrets.token_urlsafe(32), "Basic " + secrets.token_urlsafe(32),
     "Bearer ../../etc/passwd", "Bearer ' OR 1=1 --"],
)
def test_webchat_message_without_a_live_token_is_refused(attack_stack: AttackStack, authorization: str | None) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    answer = httpx.post(f"{attack_stack.rasa_url}/webhooks/webchat/message", headers=headers,
                        json={"id": str(uuid.uuid4()), "text": "hello"}, timeout=10)
    assert answer.status_code == 403


def test_webchat_payload_not_offered_is_refused(attack_stack: AttackStack) -> None:
    chat = WebChat(attack_stack)
    answer = chat.client.post(
        "message", headers={"Authorization": f"Bearer {chat.token}"},
        json={"id": str(uuid.uuid4()), "payload": '/book_appointment{"service": "gp_urgent_same_day"}'},
    )
    assert answer.status_code == 422


def test_webchat_replayed_message_id_answers_once(attack_stack: AttackStack) -> None:
    chat = WebChat(attack_stack)
    message_id = str(uuid.uuid4())
    headers = {"Authorization": f"Bearer {chat.token}"}
    first = chat.client.post("message", headers=headers, json={"id": message_id, "text": "hello"})
    again = chat.client.post("message", headers=headers, json={"id": message_id, "text": "hello"})
    other = chat.client.post("message", headers=headers, json={"id": message_id, "text": "goodbye"})
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert other.status_code == 422


def test_webchat_page_headers_forbid_framing_and_foreign_scripts(attack_stack: AttackStack) -> None:
    page = httpx.get(f"{attack_stack.rasa_url}/webhooks/webchat/", timeout=10)
    assert page.status_code == 200
    policy = page.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy
    assert page.headers["X-Frame-Options"] == "DENY"


def test_webchat_api_grants_no_foreign_origin(attack_stack: AttackStack) -> None:
    origin = {"Origin": "https://attacker.example.test"}
    preflight = httpx.options(f"{attack_stack.rasa_url}/webhooks/webchat/session",
                              headers={**origin, "Access-Control-Request-Method": "POST"}, timeout=10)
    posted = httpx.post(f"{attack_stack.rasa_url}/webhooks/webchat/session",
                        headers={**origin, "X-Forwarded-For": "198.51.100.201"}, timeout=10)
    for answer in (preflight, posted):
        assert answer.headers.get("Access-Control-Allow-Origin") in (None, "")


@pytest.mark.parametrize(
    "path",
    ["static/../../../../etc/passwd", "static/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "static/..%2f..%2fwebchat.py",
     "static/%00", "static//etc/passwd"],
)
def test_webchat_static_path_traversal_finds_nothing(attack_stack: AttackStack, path: str) -> None:
    answer = httpx.get(f"{attack_stack.rasa_url}/webhooks/webchat/{path}", timeout=10)
    assert answer.status_code in (400, 404)
    assert "root:" not in answer.text and "import" not in answer.text


@pytest.mark.parametrize("channel", ["twilio_sms", "whatsapp"])
def test_twilio_webhooks_refuse_unsigned_input(attack_stack: AttackStack, channel: str) -> None:
    form = {"MessageSid": "SM" + "0" * 32, "From": "+447700900480", "Body": "hello"}
    unsigned = httpx.post(f"{attack_stack.rasa_url}/webhooks/{channel}/webhook", data=form, timeout=10)
    forged = httpx.post(f"{attack_stack.rasa_url}/webhooks/{channel}/webhook", data=form,
                        headers={"X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl"}, timeout=10)
    assert unsigned.status_code == forged.status_code == 403


def test_telegram_webhook_refuses_unsigned_input(attack_stack: AttackStack) -> None:
    update = {"update_id": 1, "message": {"message_id": 1, "date": 0, "chat": {"id": 1, "type": "private"},
                                          "text": "hello"}}
    answer = httpx.post(f"{attack_stack.rasa_url}/webhooks/telegram/webhook", json=update, timeout=10)
    assert answer.status_code == 403


def test_rasa_rest_channel_is_not_mounted(attack_stack: AttackStack) -> None:
    answer = httpx.post(f"{attack_stack.rasa_url}/webhooks/rest/webhook",
                        json={"sender": "anyone", "message": "hello"}, timeout=10)
    assert answer.status_code == 404


# --- the booking backend, as a stranger who got past the network would try it ---------------------------------

def _book(backend_url: str, patient: str) -> dict[str, Any]:
    slots = httpx.get(f"{backend_url}/v1/slots", params={"service": "gp_routine", "limit": 5},
                      headers=backend_headers(), timeout=10).json()
    for slot in slots:
        hold = httpx.post(f"{backend_url}/v1/holds", json={"slot_id": slot["id"], "patient_ref": patient},
                          headers={**backend_headers(), "Idempotency-Key": str(uuid.uuid4())}, timeout=10)
        if hold.status_code == 201:
            booking = httpx.post(f"{backend_url}/v1/bookings",
                                 json={"hold_id": hold.json()["id"], "patient_ref": patient},
                                 headers={**backend_headers(), "Idempotency-Key": str(uuid.uuid4())}, timeout=10)
            assert booking.status_code == 201, booking.text
            found: dict[str, Any] = booking.json()
            return found
    raise AssertionError("no free routine GP slot to book")


def test_backend_patient_api_refuses_strangers(attack_stack: AttackStack) -> None:
    for headers in ({}, {"Authorization": "Bearer " + secrets.token_urlsafe(32)}):
        answer = httpx.get(f"{attack_stack.backend_url}/v1/slots", params={"service": "gp_routine"},
                           headers=headers, timeout=10)
        assert answer.status_code == 401


def test_backend_another_patients_booking_answers_404(attack_stack: AttackStack) -> None:
    owner, stranger = patient_ref(f"owner-{uuid.uuid4()}"), patient_ref(f"stranger-{uuid.uuid4()}")
    booking = _book(attack_stack.backend_url, owner)
    cancel = httpx.post(f"{attack_stack.backend_url}/v1/bookings/{booking['id']}/cancel",
                        json={"patient_ref": stranger},
                        headers={**backend_headers(), "Idempotency-Key": str(uuid.uuid4())}, timeout=10)
    assert cancel.status_code == 404
    listed = httpx.get(f"{attack_stack.backend_url}/v1/bookings", params={"patient_ref": stranger},
                       headers=backend_headers(), timeout=10)
    assert listed.status_code == 200 and listed.json() == []


@pytest.mark.parametrize(
    "params",
    [{"service": "gp_routine' OR '1'='1"}, {"service": "gp_routine", "limit": "1; DROP TABLE slots"},
     {"service": "gp_routine", "weekday": "' OR 1=1 --"}, {"service": "gp_routine", "near": "53.8,-1.5) OR (1=1"}],
)
def test_backend_slot_search_refuses_crafted_input(attack_stack: AttackStack, params: dict[str, str]) -> None:
    answer = httpx.get(f"{attack_stack.backend_url}/v1/slots", params=params, headers=backend_headers(), timeout=10)
    assert answer.status_code in (404, 422), answer.text


def test_backend_idempotency_key_reused_for_another_request_is_422(attack_stack: AttackStack) -> None:
    patient = patient_ref(f"replayer-{uuid.uuid4()}")
    slots = httpx.get(f"{attack_stack.backend_url}/v1/slots", params={"service": "gp_routine", "limit": 2},
                      headers=backend_headers(), timeout=10).json()
    key = {**backend_headers(), "Idempotency-Key": str(uuid.uuid4())}
    first = httpx.post(f"{attack_stack.backend_url}/v1/holds", json={"slot_id": slots[0]["id"], "patient_ref": patient},
                       headers=key, timeout=10)
    other = httpx.post(f"{attack_stack.backend_url}/v1/holds", json={"slot_id": slots[1]["id"], "patient_ref": patient},
                       headers=key, timeout=10)
    assert first.status_code == 201
    assert other.status_code == 422


@pytest.mark.parametrize("key", [None, "", "dev-admin-key", "actions-test-admin-key-012345678"])
def test_backend_admin_refuses_missing_or_wrong_key(attack_stack: AttackStack, key: str | None) -> None:
    headers = {} if key is None else {"X-API-Key": key}
    answer = httpx.post(f"{attack_stack.backend_url}/v1/admin/organisations", json={"name": "Evil Ltd"},
                        headers=headers, timeout=10)
    assert answer.status_code == 401
