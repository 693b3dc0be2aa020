"""Patients, known only by an opaque pseudonym (never a phone number)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from booking_backend.database import Base
from booking_backend.timezone import UtcDateTime


class Patient(Base):
    __tablename__ = "patients"

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(128), unique=True)
    # Appointments allowed in the current episode of care; None means no limit.
    episode_quota: Mapped[int | None] = mapped_column(Integer, nullable=True)
    episode_started_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # The GP practice the patient is registered with, as they told us; None until they say.
    practice_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), nullable=True, index=True)
