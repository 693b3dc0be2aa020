"""Turns appointment rows into their public shape."""

from __future__ import annotations

from booking_backend.appointments.models import Appointment
from booking_backend.appointments.schemas import BookingPublic
from booking_backend.scheduling.presenters import slot_public


def booking_public(appointment: Appointment, *, replaces_id: int | None = None) -> BookingPublic:
    return BookingPublic(
        id=appointment.id,
        status=appointment.status,
        slot=slot_public(appointment.slot),
        dependant_label=appointment.dependant_label,
        replaces_id=replaces_id,
    )
