"""The patient API's shared secret: `Authorization: Bearer <BACKEND_API_TOKEN>` on every request.

The backend is an internal service: only the action server (and later the worker) may call it. The check
is a pure ASGI middleware that runs before routing, not a FastAPI dependency on each route: a hold or a
booking already spent a third of its CPU resolving dependencies (see idempotency/dependency.py). Measured
on a trivial route, a Security dependency doing this check added ~30-45 µs a request, this middleware ~2-3 µs
(~1 µs of it the header scan and compare). Being in front of the router also makes it fail closed:
a route added later is covered without anyone remembering to add a dependency, and an unknown path
answers 401 to a caller without the token instead of telling it what exists.

Open without the token: `GET /health` (probes), the API index and schema (published in development and
test only), and the admin routes under /v1/admin/, which check their own X-API-Key instead.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Iterable
from typing import Any

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

SCHEME_NAME = "BackendApiToken"
OPEN_PATHS = frozenset({"/health", "/docs", "/openapi.json"})
ADMIN_PREFIX = "/v1/admin/"
REFUSAL_DETAIL = "A valid Authorization: Bearer token is required"
_WEBSOCKET_POLICY_VIOLATION = 1008
# The keys of an OpenAPI path item that are operations (the others are shared parameters, a summary...).
_OPERATION_KEYS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})


def needs_token(path: str) -> bool:
    """Whether a request to `path` must carry the token (everything but the open paths and admin)."""
    return path not in OPEN_PATHS and not path.startswith(ADMIN_PREFIX)


def presented_token(headers: Iterable[tuple[bytes, bytes]]) -> bytes | None:
    """The token of the request's one `Authorization: Bearer` header; None when absent, doubled or another scheme."""
    found: bytes | None = None
    for name, value in headers:
        if name == b"authorization":
            if found is not None:
                return None  # two Authorization headers: which one a proxy would have checked is unknowable
            found = value
    if found is None:
        return None
    scheme, _, token = found.partition(b" ")
    # The scheme name is case-insensitive (RFC 9110, 11.1); the token is not.
    return token.strip(b" ") if scheme.lower() == b"bearer" else None


class ApiTokenMiddleware:
    """Answers 401 (the usual error body) to a request that needs the token and lacks it."""

    def __init__(self, app: ASGIApp, *, token: str) -> None:
        if not token:
            raise ValueError("ApiTokenMiddleware needs a non-empty token")
        self.app = app
        self._token = token.encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan" or not needs_token(scope["path"]) or self._authorised(scope):
            await self.app(scope, receive, send)
        elif scope["type"] == "websocket":
            # The backend serves no websockets; one that is added later is closed to strangers all the same.
            await send({"type": "websocket.close", "code": _WEBSOCKET_POLICY_VIOLATION})
        else:
            refusal = JSONResponse(status_code=401, content={"code": "unauthorized", "detail": REFUSAL_DETAIL},
                                   headers={"WWW-Authenticate": "Bearer"})
            await refusal(scope, receive, send)

    def _authorised(self, scope: Scope) -> bool:
        token = presented_token(scope["headers"])
        # compare_digest takes as long for a near miss as for a wild guess (it only reveals the length).
        return token is not None and hmac.compare_digest(token, self._token)


def describe_bearer_scheme(document: dict[str, Any]) -> dict[str, Any]:
    """`document` with the bearer scheme declared and required by every operation that needs the token."""
    components = document.setdefault("components", {})
    components.setdefault("securitySchemes", {})[SCHEME_NAME] = {
        "type": "http", "scheme": "bearer", "description": "BACKEND_API_TOKEN, shared with the action server",
    }
    for path, item in document.get("paths", {}).items():
        if needs_token(path):
            for method, operation in item.items():
                if method in _OPERATION_KEYS:
                    operation["security"] = [{SCHEME_NAME: []}]
    return document


def install_api_token(app: FastAPI, token: str) -> None:
    """Require the token on `app` and declare it in the app's OpenAPI document."""
    if not token:
        raise ValueError("The backend API token is empty: BACKEND_API_TOKEN must be set")
    app.add_middleware(ApiTokenMiddleware, token=token)
    build_document: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = describe_bearer_scheme(build_document())
        return app.openapi_schema

    # FastAPI's documented way to extend the schema it generates: replace the app's `openapi` method.
    app.openapi = openapi  # type: ignore[method-assign]
