"""Buttons on a text-only channel: shown as a numbered list, and a typed "2", "the second" or the
button's title mapped back to its payload.

A button may carry a `short_title` (actions/slot_presenter.py gives one to every slot option: day,
time, who, how): the list shows it instead of the title, so five options and their question fit one
SMS of at most three segments. The web chat and Telegram show the full title.

The last list shown to each sender is kept in the channel_menus table, so the answer can arrive at
any replica, minutes later.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa

from channels.state_db import menus, state_engine

# The bot already numbers some titles ("2. Tue 4 June, 09:10"): the list adds its own numbers.
_LEADING_NUMBER = re.compile(r"^\s*\d+\s*[.)]\s*")
SHORT_TITLE = "short_title"
_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")
_CARDINALS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
_POSITION_WORDS = {
    **{word: index + 1 for index, word in enumerate(_CARDINALS)},
    **{word: index + 1 for index, word in enumerate(_ORDINALS)},
}
_NUMBER = r"(?P<number>\d{1,2})(?:st|nd|rd|th)?"
_WORD = "(?P<word>" + "|".join(_POSITION_WORDS) + "|last)"
# "2", "#2", "no. 2", "option 2", "number two", "the 2nd", "the first one", "second option", "the last one"
_CHOICE = re.compile(
    rf"^(?:(?:i(?:'ll| will)? (?:take|choose|pick|want) |i'd like )?(?:the )?)?"
    rf"(?:(?:(?:option|number|no\.?|choice|#) ?)?{_NUMBER}|(?:(?:option|number|choice) )?{_WORD})"
    rf"(?: (?:one|option|please))*$"
)


@dataclass(frozen=True)
class MenuOption:
    """One button as the patient saw it in a numbered list."""

    title: str
    payload: str


def options_from_buttons(buttons: Iterable[Mapping[str, Any]]) -> list[MenuOption]:
    """Rasa's buttons ({"title", "payload", "short_title"?}) as menu options, the bot's own numbering removed."""
    return [
        MenuOption(title=_LEADING_NUMBER.sub("", str(button.get(SHORT_TITLE) or button.get("title") or "")).strip(),
                   payload=str(button.get("payload") or button.get("title") or ""))
        for button in buttons
    ]


def render(text: str, options: Sequence[MenuOption]) -> str:
    """`text` followed by the options as a numbered list and how to answer."""
    lines = [text.strip()] if text and text.strip() else []
    lines += [f"{number}. {option.title}" for number, option in enumerate(options, start=1)]
    # The bot's own words may already say how to answer ("Tap one, or type its number").
    if options and "number" not in text.lower():
        lines.append("Reply with a number.")
    return "\n".join(lines)


def choose(reply: str, options: Sequence[MenuOption]) -> str | None:
    """The payload `reply` picks from `options`, or None when it is not a choice (it goes to the bot as typed)."""
    normalised = _normalise(reply)
    if not normalised or not options:
        return None
    for option in options:
        if _normalise(option.title) == normalised:
            return option.payload
    match = _CHOICE.match(normalised)
    if match is None:
        return None
    if match.group("number"):
        position = int(match.group("number"))
    elif match.group("word") == "last":
        position = len(options)
    else:
        position = _POSITION_WORDS[match.group("word")]
    return options[position - 1].payload if 1 <= position <= len(options) else None


def _normalise(text: str) -> str:
    """Lower case, single spaces, no surrounding punctuation ("Option 2." == "option 2")."""
    folded = " ".join(text.lower().replace("\u2019", "'").split())
    return folded.strip(" .,!?;:'\"()")


def save(sender_id: str, options: Sequence[MenuOption]) -> None:
    """Remember the list last shown to `sender_id`; an empty list forgets it (a newer reply had none)."""
    with state_engine().begin() as connection:
        connection.execute(sa.delete(menus).where(menus.c.sender_id == sender_id))
        if options:
            connection.execute(
                sa.insert(menus).values(
                    sender_id=sender_id,
                    options=json.dumps([{"title": option.title, "payload": option.payload} for option in options]),
                    updated_at=datetime.now(timezone.utc),
                )
            )


def load(sender_id: str) -> list[MenuOption]:
    """The list last shown to `sender_id` (empty when none)."""
    with state_engine().connect() as connection:
        stored = connection.execute(sa.select(menus.c.options).where(menus.c.sender_id == sender_id)).scalar()
    if not stored:
        return []
    return [MenuOption(title=item["title"], payload=item["payload"]) for item in json.loads(stored)]
