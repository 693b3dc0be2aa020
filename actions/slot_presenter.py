"""How slots and appointments read to a patient: one line per option, and the summary read back before confirming.

These are the only texts the actions build themselves; every other word is a response in the domain.
Times are UK local (the backend client already converts them), written the British way: "Tue 25 Nov, 9:15am".
An option also has a short form (day, time, who, how) that the text channels number instead of the
button title, so five options and their question travel as one SMS.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from actions.backend_client import UK, Booking, Slot
from actions.triage_answers import RELATIONS

CHANNEL_WORDS = {"in_person": "in person", "phone": "phone call", "video": "video call"}
SHORT_CHANNEL_WORDS = {"in_person": "in person", "phone": "phone", "video": "video"}
# What a text list calls a practitioner whose name carries no title ("Nurse Patel"); others keep their name.
ROLE_TITLES = {"nurse": "Nurse"}
_TITLES = ("Dr", "Mr", "Mrs", "Ms", "Miss", "Mx", "Prof")
# The button field the text channels (SMS, WhatsApp) show in a numbered list instead of the title.
SHORT_TITLE = "short_title"


class OptionLine(str):
    """An option's line as a button shows it, carrying the short form a numbered text list uses."""

    short: str

    def __new__(cls, line: str, short: str) -> OptionLine:
        option = super().__new__(cls, line)
        option.short = short
        return option


def clock(moment: datetime) -> str:
    """9:15am, 2pm, 12:30pm."""
    local = moment.astimezone(UK)
    hour = local.hour % 12 or 12
    minutes = f":{local.minute:02d}" if local.minute else ""
    return f"{hour}{minutes}{'am' if local.hour < 12 else 'pm'}"


def short_day(moment: datetime) -> str:
    local = moment.astimezone(UK)
    return f"{local:%a} {local.day} {local:%b}"


def long_day(moment: datetime) -> str:
    local = moment.astimezone(UK)
    return f"{local:%A} {local.day} {local:%B}"


def channel_words(channel: str) -> str:
    return CHANNEL_WORDS.get(channel, channel.replace("_", " "))


def short_name(name: str, role: str) -> str:
    """'Dr Amara Patel' -> 'Dr Patel'; a nurse 'Amara Patel' -> 'Nurse Patel'; anyone else 'Amara Patel'."""
    words = name.split()
    if len(words) < 2:
        return name
    if words[0].rstrip(".") in _TITLES:
        return f"{words[0]} {words[-1]}"
    if role in ROLE_TITLES:
        return f"{ROLE_TITLES[role]} {words[-1]}"
    return f"{words[0]} {words[-1]}"


def slot_short_line(slot: Slot) -> str:
    """An option as a text list shows it: 'Tue 25 Nov 9:15am, Dr Patel, phone' (the place comes with the hold)."""
    who = short_name(slot.practitioner.display_name, slot.practitioner.role)
    how = SHORT_CHANNEL_WORDS.get(slot.channel, channel_words(slot.channel))
    return f"{short_day(slot.start)} {clock(slot.start)}, {who}, {how}"


def slot_line(slot: Slot) -> OptionLine:
    """One offered option: 'Tue 25 Nov, 9:15am – Dr Amara Patel, Riverside Medical Practice (in person)'."""
    line = (f"{short_day(slot.start)}, {clock(slot.start)} – {slot.practitioner.display_name}, "
            f"{slot.location.name} ({channel_words(slot.channel)})")
    return OptionLine(line, slot_short_line(slot))


def option_payload(intent: str, number: int) -> str:
    return f"/{intent}{json.dumps({'option': str(number)})}"


def option_buttons(lines: Sequence[str], intent: str = "choose_option") -> list[dict[str, Any]]:
    """Buttons numbered from 1; text channels show the numbers, so a typed "2" picks the second.

    A line with a short form (an OptionLine) gives its button a `short_title` for the text channels.
    """
    buttons: list[dict[str, Any]] = []
    for number, line in enumerate(lines, start=1):
        button = {"title": f"{number}. {line}", "payload": option_payload(intent, number)}
        short = getattr(line, "short", None)
        if short:
            button[SHORT_TITLE] = f"{number}. {short}"
        buttons.append(button)
    return buttons


def for_whom(dependant_label: str) -> str:
    """A name stays as it is; a relation the patient gave ("son") reads back as theirs ("your son")."""
    return f"your {dependant_label}" if dependant_label.lower() in RELATIONS.values() else dependant_label


def slot_summary(slot: Slot, dependant_label: str | None = None) -> str:
    """Who, where, when (UK time) and how, read back before the patient confirms."""
    if slot.channel == "in_person":
        where = f"at {slot.location.name}, {slot.location.postcode}"
    else:
        where = f"a {channel_words(slot.channel)} from {slot.location.name}"
    summary = (f"{long_day(slot.start)} at {clock(slot.start)} (UK time) with "
               f"{slot.practitioner.display_name}, {where}")
    if dependant_label:
        summary += f", for {for_whom(dependant_label)}"
    return summary


def appointment_line(booking: Booking) -> OptionLine:
    line = slot_line(booking.slot)
    if not booking.dependant_label:
        return line
    whom = for_whom(booking.dependant_label)
    return OptionLine(f"{line}, for {whom}", f"{line.short}, for {whom}")
