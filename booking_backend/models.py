"""Imports every table so that the metadata is complete (for Alembic and tests)."""

from booking_backend.appointments.models import Appointment
from booking_backend.audit.models import AuditEvent
from booking_backend.database import Base
from booking_backend.directory.models import Location, Organisation, Practitioner, Service
from booking_backend.idempotency.models import IdempotencyRecord
from booking_backend.patients.models import Patient
from booking_backend.scheduling.models import ClinicSession, SessionException, Slot
from booking_backend.transcripts.models import Conversation, TranscriptCursor, TranscriptMessage
from booking_backend.waitlist.models import WaitlistEntry

__all__ = [
    "Appointment",
    "AuditEvent",
    "Base",
    "ClinicSession",
    "Conversation",
    "IdempotencyRecord",
    "Location",
    "Organisation",
    "Patient",
    "Practitioner",
    "Service",
    "SessionException",
    "Slot",
    "TranscriptCursor",
    "TranscriptMessage",
    "WaitlistEntry",
]
