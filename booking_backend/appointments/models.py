"""Appointments: a hold is an appointment in the `held` state until it is booked or lapses."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from booking_backend.database import Base, string_enum
from booking_backend.scheduling.models import Slot
from booking_backend.timezone import UtcDateTime


class AppointmentStatus(StrEnum):
    HELD = "held"
    BOOKED = "booked"
    CANCELLED = "cancelled"
    FULFILLED = "fulfilled"
    NOSHOW = "noshow"
    EXPIRED = "expired"  # a hold that lapsed or was released


# The states that occupy a slot; the partial unique index below allows one per slot.
LIVE_STATUSES = (AppointmentStatus.HELD.value, AppointmentStatus.BOOKED.value)
LIVE_PREDICATE = "status IN ('held', 'booked')"


class Appointment(Base):
    __tablename__ = "appointments"
    __table_args__ = (
        Index(
            "uq_appointments_live_slot",
            "slot_id",
            unique=True,
            sqlite_where=text(LIVE_PREDICATE),
            postgresql_where=text(LIVE_PREDICATE),
        ),
        Index("ix_appointments_patient_status", "patient_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("slots.id"))
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
    status: Mapped[AppointmentStatus] = mapped_column(string_enum(AppointmentStatus, 20))
    # A first name or initials when the appointment is for a dependant (a child, a cared-for person).
    dependant_label: Mapped[str | None] = mapped_column(String(40), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    booked_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    cancelled_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("appointments.id"), nullable=True)

    slot: Mapped[Slot] = relationship(lazy="joined")
