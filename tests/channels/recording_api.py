"""A stand-in for Twilio's and Telegram's HTTP APIs on 127.0.0.1, for the tests that run the real
channel code in the real Rasa server: the libraries' own clients are pointed at it (their base URL is
a setting), it answers in the providers' documented response shapes and records every request."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

Responder = Callable[["RecordedRequest"], tuple[int, object]]


@dataclass(frozen=True)
class RecordedRequest:
    """One request the channel code sent out."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def form(self) -> dict[str, str]:
        """A form-encoded body (Twilio), last value per field."""
        return {key: values[-1] for key, values in parse_qs(self.body.decode(), keep_blank_values=True).items()}

    @property
    def json(self) -> object:
        """A JSON body (Telegram)."""
        return json.loads(self.body or b"null")


@dataclass
class RecordingApi:
    """Serves `routes` (method, path regex -> responder) on a free port until `close()`."""

    routes: list[tuple[str, re.Pattern[str], Responder]] = field(default_factory=list)
    requests: list[RecordedRequest] = field(default_factory=list)
    failures_left: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._lock = threading.Condition()
        api = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                request = RecordedRequest(
                    self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, self.rfile.read(length)
                )
                status, payload = api._answer(request)
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_DELETE = _serve  # noqa: N815 - http.server's naming

            def log_message(self, *args: object) -> None:  # the tests' output stays quiet
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def route(self, method: str, path_pattern: str, responder: Responder) -> None:
        self.routes.append((method, re.compile(path_pattern), responder))

    def fail_next(self, path_pattern: str, times: int, status: int = 503) -> None:
        """Answer the next `times` requests whose path matches with `status` (to test retries)."""
        self.failures_left[path_pattern] = times
        self._failure_status = status

    def _answer(self, request: RecordedRequest) -> tuple[int, object]:
        with self._lock:
            self.requests.append(request)
            self._lock.notify_all()
            for pattern, left in self.failures_left.items():
                if left > 0 and re.search(pattern, request.path):
                    self.failures_left[pattern] = left - 1
                    return self._failure_status, {"message": "Service Unavailable"}
        for method, pattern, responder in self.routes:
            if method == request.method and pattern.search(request.path):
                return responder(request)
        return 404, {"message": f"no route for {request.method} {request.path}"}

    def wait_for(self, count: int, *, path_pattern: str = "", timeout: float = 60) -> list[RecordedRequest]:
        """Block until at least `count` requests matching `path_pattern` arrived; returns them."""
        pattern = re.compile(path_pattern)
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                matching = [r for r in self.requests if pattern.search(r.path)]
                if len(matching) >= count or time.monotonic() >= deadline:
                    return matching
                self._lock.wait(timeout=max(0.0, min(1.0, deadline - time.monotonic())))

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
