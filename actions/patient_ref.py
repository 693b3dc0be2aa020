"""The backend's patient pseudonym: an HMAC-SHA256 of the sender id under `PATIENT_REF_SECRET`.

The sender id is already a pseudonym when it comes from our channels; hashing it again under a
server secret means nothing but this action server can name a patient to the booking backend.
"""

from __future__ import annotations

import hashlib
import hmac
import os

PREFIX = "p_"
# Development and test only: production refuses to start without a real secret.
_DEVELOPMENT_SECRET = "development-only-patient-ref-secret"  # noqa: S105
_DEVELOPMENT_ENVIRONMENTS = frozenset({"development", "test"})


class MissingSecret(RuntimeError):
    """PATIENT_REF_SECRET is not set outside development."""


def patient_ref_secret() -> bytes:
    """The HMAC key; raises MissingSecret when unset outside development and test."""
    secret = os.environ.get("PATIENT_REF_SECRET", "")
    if secret:
        return secret.encode()
    environment = os.environ.get("ENVIRONMENT", "")  # no default: unset is not development
    if environment not in _DEVELOPMENT_ENVIRONMENTS:
        raise MissingSecret(f"PATIENT_REF_SECRET must be set when ENVIRONMENT={environment or '(unset)'}")
    return _DEVELOPMENT_SECRET.encode()


def patient_ref(sender_id: str) -> str:
    """The stable pseudonym for one sender: `p_` + 64 hex digits, never the sender id itself."""
    digest = hmac.new(patient_ref_secret(), sender_id.encode(), hashlib.sha256).hexdigest()
    return PREFIX + digest
