"""How slots and appointments read to a patient: one line per option, and the summary read back before confirming.

These are the only texts the actions build themselves; every other word is a response in the domain.
Times are UK local (the backend client already converts them), written the British way: "Tue 25 Nov, 9:15am".
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from actions.backend_client import UK, Booking, Slot

CHANNEL_WORDS = {"in_person": "in person", "phone": "phone call", "video": "video call"}


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


def slot_line(slot: Slot) -> str:
    """One offered option: 'Tue 25 Nov, 9:15am – Dr Amara Patel, Riverside Medical Practice (in person)'."""
    return (f"{short_day(slot.start)}, {clock(slot.start)} – {slot.practitioner.display_name}, "
            f"{slot.location.name} ({channel_words(slot.channel)})")


def option_payload(intent: str, number: int) -> str:
    return f"/{intent}{json.dumps({'option': str(number)})}"


def option_buttons(lines: Sequence[str], intent: str = "choose_option") -> list[dict[str, Any]]:
    """Buttons numbered from 1; text channels show the numbers, so a typed "2" picks the second."""
    return [{"title": f"{number}. {line}", "payload": option_payload(intent, number)}
            for number, line in enumerate(lines, start=1)]


def slot_summary(slot: Slot, dependant_label: str | None = None) -> str:
    """Who, where, when (UK time) and how, read back before the patient confirms."""
    if slot.channel == "in_person":
        where = f"at {slot.location.name}, {slot.location.postcode}"
    else:
        where = f"a {channel_words(slot.channel)} from {slot.location.name}"
    summary = (f"{long_day(slot.start)} at {clock(slot.start)} (UK time) with "
               f"{slot.practitioner.display_name}, {where}")
    if dependant_label:
        summary += f", for {dependant_label}"
    return summary


def appointment_line(booking: Booking) -> str:
    slot = booking.slot
    line = slot_line(slot)
    return f"{line}, for {booking.dependant_label}" if booking.dependant_label else line
