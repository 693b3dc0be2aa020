"""Text that fits a phone: GSM-7 only on SMS, at most three segments per message, split between sentences.

A turn's bot messages are packed whole: a message that fits (a question with its numbered list, the
emergency advice) is never split, since texts can arrive out of order; only one too long on its own
is split between sentences.

An SMS in GSM-7 carries 160 characters, or 153 per segment once it is split (a concatenated message
spends 7 septets on its header); one character outside GSM-7 turns the whole message into UCS-2
(70, or 67 per segment), so SMS text is reduced to GSM-7 before it is measured.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence

# The GSM 03.38 default alphabet (one septet each) and its extension table (escape + one septet).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = frozenset("^{}\\[~]|€\f")

SMS_MAX_SEGMENTS = 3
WHATSAPP_MAX_CHARS = 1600

# Typographic characters the bot's texts use, and their plain GSM-7 spelling.
_REPLACEMENTS = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"', "«": '"', "»": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
    "\u2026": "...", "\u2022": "-", "\u00b7": "-", "\u00d7": "x", "\u2044": "/",
    "\u00a0": " ", "\u2007": " ", "\u2009": " ", "\u202f": " ", "\t": " ",
}
_SENTENCE_END = re.compile(r"(?<=[.!?])[ ]+")
_LIST_MARKER = re.compile(r"\d{1,2}[.)][ ]+")
_SPACES = re.compile(r"[ ]{2,}")
_SPACE_BEFORE_PUNCTUATION = re.compile(r" +([.,!?;:])")


def is_gsm7(text: str) -> bool:
    """True when every character has a GSM-7 encoding."""
    return all(character in GSM7_BASIC or character in GSM7_EXTENDED for character in text)


def to_gsm7(text: str) -> str:
    """`text` in GSM-7: typographic marks made plain, accents dropped where GSM-7 lacks the letter,
    emoji and anything else unencodable removed."""
    characters: list[str] = []
    for original in text:
        character = _REPLACEMENTS.get(original, original)
        if is_gsm7(character):
            characters.append(character)
            continue
        # é is in GSM-7, á is not: decompose and keep the base letter.
        parts = (_REPLACEMENTS.get(part, part) for part in unicodedata.normalize("NFKD", character))
        base = "".join(part for part in parts if is_gsm7(part))
        characters.append(base)
    cleaned = _SPACES.sub(" ", "".join(characters))
    cleaned = _SPACE_BEFORE_PUNCTUATION.sub(r"\1", cleaned)
    return "\n".join(line.strip() for line in cleaned.split("\n")).strip()


def segment_count(text: str) -> int:
    """How many SMS segments `text` is billed and delivered as (GSM-7 when it can be, else UCS-2)."""
    if is_gsm7(text):
        units = [2 if character in GSM7_EXTENDED else 1 for character in text]
        single, multi = 160, 153
    else:
        # UCS-2 counts UTF-16 code units: an emoji outside the BMP takes two.
        units = [len(character.encode("utf-16-le")) // 2 for character in text]
        single, multi = 70, 67
    if sum(units) <= single:
        return 1
    segments, used = 1, 0
    for size in units:
        # An escaped character (or a surrogate pair) is never split across two segments.
        if used + size > multi:
            segments, used = segments + 1, 0
        used += size
    return segments


def fits_sms(text: str) -> bool:
    return segment_count(text) <= SMS_MAX_SEGMENTS


def fits_whatsapp(text: str) -> bool:
    # Counted in UTF-16 units, as an emoji counts twice in some of Twilio's limits: never over.
    return len(text.encode("utf-16-le")) // 2 <= WHATSAPP_MAX_CHARS


def split_text(text: str, fits: Callable[[str], bool]) -> list[str]:
    """`text` as few messages as possible, each one `fits`, broken between sentences (or lines) where
    it can be, between words where a single sentence is too long, mid-word only for a giant word."""
    text = text.strip()
    if not text or fits(text):
        return [text] if text else []
    sentences = _sentences(text)
    messages: list[str] = []
    current = ""
    for separator, sentence in sentences:
        candidate = f"{current}{_joiner(separator)}{sentence}" if current else sentence
        if fits(candidate):
            current = candidate
            continue
        if current:
            messages.append(current)
        if fits(sentence):
            current = sentence
        else:
            *whole, current = _split_words(sentence, fits)
            messages.extend(whole)
    if current:
        messages.append(current)
    return messages


def _sentences(text: str) -> list[tuple[str, str]]:
    """`text` as (whitespace before it, sentence) pairs; a list line's "2." is not a sentence end."""
    pieces: list[tuple[str, str]] = []
    for line_break, line in _lines(text):
        marker = _LIST_MARKER.match(line)
        start = marker.end() if marker else 0
        separator, position = line_break, 0
        for boundary in _SENTENCE_END.finditer(line, start):
            pieces.append((separator, line[position : boundary.start()]))
            separator, position = boundary.group(), boundary.end()
        pieces.append((separator, line[position:]))
    return pieces


def _lines(text: str) -> list[tuple[str, str]]:
    """(line breaks before it, line) for each non-empty line."""
    parts = re.split(r"(\n\s*)", text)
    return [(parts[index - 1] if index else "", parts[index]) for index in range(0, len(parts), 2) if parts[index]]


def _joiner(separator: str) -> str:
    """Keep line breaks (a numbered list stays a list, paragraphs stay apart), fold other whitespace."""
    return "\n" * min(separator.count("\n"), 2) or " "


def _split_words(sentence: str, fits: Callable[[str], bool]) -> list[str]:
    parts: list[str] = []
    current = ""
    for word in sentence.split():
        candidate = f"{current} {word}" if current else word
        if fits(candidate):
            current = candidate
            continue
        if current:
            parts.append(current)
        current = word
        while not fits(current):
            cut = max(index for index in range(1, len(current) + 1) if fits(current[:index]))
            parts.append(current[:cut])
            current = current[cut:]
    if current:
        parts.append(current)
    return parts


def pack_blocks(blocks: Sequence[str], fits: Callable[[str], bool]) -> list[str]:
    """`blocks` (one bot message each) as few messages as possible, each one `fits`, joined by a blank
    line; a block is split (between sentences) only when it cannot fit in a message on its own."""
    messages: list[str] = []
    current = ""
    for block in (block.strip() for block in blocks):
        if not block:
            continue
        candidate = f"{current}\n\n{block}" if current else block
        if fits(candidate):
            current = candidate
        elif fits(block):
            messages.append(current)
            current = block
        else:  # split anyway: its first sentences may fill up the message before it
            *whole, current = split_text(candidate, fits)
            messages.extend(whole)
    if current:
        messages.append(current)
    return messages


def sms_messages(*blocks: str) -> list[str]:
    """The SMS messages to send for a turn's bot texts: GSM-7, each at most three segments."""
    return pack_blocks([to_gsm7(block) for block in blocks], fits_sms)


def whatsapp_messages(*blocks: str) -> list[str]:
    """The WhatsApp messages to send for a turn's bot texts: Unicode kept, each at most 1600 characters."""
    return pack_blocks(blocks, fits_whatsapp)
