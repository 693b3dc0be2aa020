"""Input hygiene for every channel: typed words normalised, and read by NLU and the red-flag screen,
never as a /intent.

Rasa reads a message whose text starts with "/" (after `str.strip()`) as an intent with entities,
skipping the NLU pipeline and with it the red-flag screen: "/ /book_appointment{...}" typed by a
patient would book with no triage. So a typed text loses every leading slash, space, invisible
character and slash look-alike, however they are interleaved. Button payloads do not come through
here: each channel checks them against the buttons it offered.
"""

from __future__ import annotations

import re
import unicodedata

# Shown to the patient when a message cannot be read (a lone surrogate: broken UTF-16 from a client).
UNREADABLE_REPLY = "Sorry, I couldn't read some of the characters in that message. Please type it again."

# Characters drawn like "/" that NFKC leaves alone (it already maps the fullwidth solidus to "/").
_SLASH_LOOKALIKES = "\u2044\u2215\u29f8\u2571\u27cb\u3033\u31d3\u2cc6\u1735\u2f03\u0338\u0337"
_LEADING_NOISE = re.compile(rf"^[\s/\\{_SLASH_LOOKALIKES}]+")
_KEPT_CONTROLS = {"\n": "\n", "\t": " ", "\r": "\n"}


class UnreadableText(ValueError):
    """The text holds lone surrogates, which no part of the system can encode."""

    def __init__(self) -> None:
        super().__init__(UNREADABLE_REPLY)


def normalise(text: str) -> str:
    """`text` in NFKC with control, format (zero-width, bidi) and unassigned characters removed.

    Raises UnreadableText for lone surrogates rather than guessing what was meant.
    """
    if any("\ud800" <= char <= "\udfff" for char in text):
        raise UnreadableText()
    text = unicodedata.normalize("NFKC", text)
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if category == "Cc":
            kept.append(_KEPT_CONTROLS.get(char, ""))
        elif category not in ("Cf", "Cn", "Co"):
            kept.append(char)
    return "".join(kept)


def as_typed(text: str) -> str:
    """The patient's words as Rasa should parse them: normalised, never starting with "/".

    Raises UnreadableText (see `normalise`).
    """
    return _LEADING_NOISE.sub("", normalise(text)).strip()
