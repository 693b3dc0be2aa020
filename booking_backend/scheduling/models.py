"""Sessions (a practitioner's recurring availability) and the slots generated from them."""

from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, SmallInteger, String, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from booking_backend.database import Base, string_enum
from booking_backend.directory.models import Location, Practitioner, Service
from booking_backend.timezone import UtcDateTime


class DeliveryChannel(StrEnum):
    IN_PERSON = "in_person"
    PHONE = "phone"
    VIDEO = "video"


class ClinicSession(Base):
    """Recurring availability: weekdays, wall-clock hours and slot length, between two dates."""

    __tablename__ = "sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    practitioner_id: Mapped[int] = mapped_column(ForeignKey("practitioners.id"), index=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    weekdays: Mapped[str] = mapped_column(String(30))  # e.g. "mon,wed,fri"
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)
    slot_minutes: Mapped[int] = mapped_column(SmallInteger)
    channel: Mapped[DeliveryChannel] = mapped_column(string_enum(DeliveryChannel, 20))
    bookable_online: Mapped[bool] = mapped_column(Boolean, default=True)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date, nullable=True)

    practitioner: Mapped[Practitioner] = relationship(lazy="joined")
    service: Mapped[Service] = relationship(lazy="joined")
    location: Mapped[Location] = relationship(lazy="joined")
    exceptions: Mapped[list[SessionException]] = relationship(lazy="selectin", order_by="SessionException.start_date")


class SessionException(Base):
    """Days a session does not run (leave, training, bank holidays), inclusive."""

    __tablename__ = "session_exceptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id"), index=True)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(200), default="")


class Slot(Base):
    """One bookable time; free, held or booked is decided by its live appointment, if any."""

    __tablename__ = "slots"
    __table_args__ = (
        UniqueConstraint("session_id", "start", name="uq_slots_session_start"),
        Index("ix_slots_service_start", "service_id", "start"),
        Index("ix_slots_practitioner_start", "practitioner_id", "start"),
        Index("ix_slots_service_weekday_minute_start", "service_id", "local_weekday", "local_minute", "start"),
        Index("ix_slots_location_service_start", "location_id", "service_id", "start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id"))
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    practitioner_id: Mapped[int] = mapped_column(ForeignKey("practitioners.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    channel: Mapped[DeliveryChannel] = mapped_column(string_enum(DeliveryChannel, 20))
    start: Mapped[datetime] = mapped_column(UtcDateTime)
    end: Mapped[datetime] = mapped_column(UtcDateTime)
    # UK wall-clock weekday (0 = Monday) and minute of day of `start`, fixed when generated.
    local_weekday: Mapped[int] = mapped_column(SmallInteger)
    local_minute: Mapped[int] = mapped_column(Integer)
    # False once the session no longer covers this time (leave added, hours changed).
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    bookable_online: Mapped[bool] = mapped_column(Boolean, default=True)

    service: Mapped[Service] = relationship(lazy="joined")
    practitioner: Mapped[Practitioner] = relationship(lazy="joined")
    location: Mapped[Location] = relationship(lazy="joined")
