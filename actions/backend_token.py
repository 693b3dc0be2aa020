"""The booking backend's shared secret, as the action server sends it (`Authorization: Bearer`)."""

from __future__ import annotations

import os

from actions.backend_errors import BackendUnavailable

# Development and test only, and the same text as booking_backend/settings.py's (the two sides share no
# code): the backend accepts it there when BACKEND_API_TOKEN is unset, and refuses to start with it in production.
_DEVELOPMENT_API_TOKEN = "dev-backend-api-token"  # noqa: S105
_DEVELOPMENT_ENVIRONMENTS = frozenset({"development", "test"})


# Both are BackendUnavailable: to a patient the backend is unusable either way, and the actions already turn
# that into "book another way" instead of failing the turn. A failed turn would also drop the messages
# dispatched before the failure, such as the 999 advice that action_emergency gives before releasing a hold.


class MissingApiToken(BackendUnavailable):
    """BACKEND_API_TOKEN is not set outside development and test: no call is sent."""


class ApiTokenRefused(BackendUnavailable):
    """401: the backend does not accept this action server's BACKEND_API_TOKEN."""


def backend_api_token() -> str:
    """The backend's shared secret; raises MissingApiToken when unset outside development and test."""
    token = os.environ.get("BACKEND_API_TOKEN", "")
    if token:
        return token
    environment = os.environ.get("ENVIRONMENT", "")  # no default: unset is not development
    if environment not in _DEVELOPMENT_ENVIRONMENTS:
        raise MissingApiToken(f"BACKEND_API_TOKEN must be set when ENVIRONMENT={environment or '(unset)'}")
    return _DEVELOPMENT_API_TOKEN
