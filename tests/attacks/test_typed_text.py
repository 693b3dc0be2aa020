"""Input hygiene: a typed message is never read as an intent, whatever precedes the slash."""

from __future__ import annotations

import json
import sys
import unicodedata

import pytest

from channels.telegram_updates import text_for_rasa
from channels.typed_text import UnreadableText, as_typed, normalise
from channels.webchat_messages import MessageError, parse_message

INJECTION = '/book_appointment{"service": "gp_urgent_same_day"}'
# Every way the probe and we could think of to put something in front of the slash.
PREFIXES = [
    "", "/", "/ ", "/ /", "//", " / / ", "\t/", "\n/", "\u00a0/", "\u200b/", "\u200b /", "\ufeff/", "\u2060/",
    "\u202e/", "\x00/", "\x1f/", "\u3000/", "\uff0f", "\uff0f /", "\u2215", "\u2044", "\u29f8", "/\u200b/",
    "\u200d\u200c/", "\\/", "\x85/", "\u2028/",
]


@pytest.mark.parametrize("prefix", PREFIXES)
def test_as_typed_never_starts_with_a_slash(prefix: str) -> None:
    typed = as_typed(prefix + INJECTION)
    assert not typed.strip().startswith("/")
    assert "book_appointment" in typed


def test_as_typed_strips_every_unicode_space_rasa_strips() -> None:
    spaces = [chr(code) for code in range(sys.maxunicode + 1) if chr(code).isspace()]
    for space in spaces:
        assert not as_typed(space + "/" + space + INJECTION).strip().startswith("/"), hex(ord(space))


def test_normalise_removes_control_and_invisible_characters() -> None:
    assert normalise("chest\x00 pain\u200b\u202e\x07") == "chest pain"
    assert normalise("tab\there") == "tab here"
    assert normalise("line\r\nbreak") == "line\n\nbreak"


def test_normalise_folds_lookalike_letters() -> None:
    assert normalise("\uff43\uff48\uff45\uff53\uff54 pain") == "chest pain"  # fullwidth letters
    assert normalise("ﬁ") == "fi"


def test_normalise_keeps_ordinary_text_intact() -> None:
    for text in ["I've had a headache for 3 days", "Mae gen i boen yn fy mrest", "مرحبا", "頭が痛い", "😷 cough"]:
        assert normalise(text) == unicodedata.normalize("NFKC", text)


@pytest.mark.parametrize("text", ["\ud800", "pain \udfff", "\ud83d"])
def test_normalise_refuses_lone_surrogates(text: str) -> None:
    with pytest.raises(UnreadableText, match="type it again"):
        normalise(text)


def test_webchat_refuses_lone_surrogate_with_a_clear_message() -> None:
    with pytest.raises(MessageError, match="type it again") as refused:
        parse_message(b'{"id": "6f1c2a52-1b7e-4c43-9a8d-8c1c1f7f0001", "text": "pain \\ud800"}')
    assert refused.value.status == 422


@pytest.mark.parametrize("prefix", PREFIXES)
def test_webchat_text_never_becomes_an_intent(prefix: str) -> None:
    body = {"id": "6f1c2a52-1b7e-4c43-9a8d-8c1c1f7f0001", "text": prefix + INJECTION}
    message = parse_message(json.dumps(body).encode())
    assert not message.for_rasa.strip().startswith("/")


@pytest.mark.parametrize("prefix", [p for p in PREFIXES if p.strip("/ ")])
def test_telegram_text_never_becomes_an_intent(prefix: str) -> None:
    assert not text_for_rasa(prefix + INJECTION).strip().startswith("/")


def test_telegram_commands_still_work() -> None:
    assert text_for_rasa("/start") == "/greet"
    assert text_for_rasa("\u200b/stop") == "/stop"
    assert not text_for_rasa("/ /start").startswith("/")
