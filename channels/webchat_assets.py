"""The built web chat page and its assets (channels/webchat_ui/dist), and the headers they go out with.

`npm ci && npm run build` in channels/webchat_ui writes dist/: index.html, and static/ with the
NHS.UK frontend stylesheet and icons and our fingerprinted script and stylesheet. Nothing is fetched
from another origin: the Content-Security-Policy allows this origin only, and no inline script.
"""

from __future__ import annotations

import re
from pathlib import Path

DIST = Path(__file__).resolve().parent / "webchat_ui" / "dist"

# Only these kinds of file are served, with these types; anything else under dist/ is a 404.
CONTENT_TYPES = {
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    ".json": "application/json",
}
# chat.3f2a9c0d1b7e.js: the name changes with the content, so it may be cached for good.
_FINGERPRINTED = re.compile(r"\.[0-9a-f]{12}\.[a-z0-9]+$")
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE_HOURLY = "public, max-age=3600"

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "manifest-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        # The NHS App opens the page as the webview's own document, never inside a frame.
        "frame-ancestors 'none'",
    ]
)
# The JSON API and assets: nothing to run, nothing to frame.
API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'"

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}


def page_headers() -> dict[str, str]:
    """Headers for the page itself: strict CSP, and revalidated on every load (it names the assets)."""
    return {**SECURITY_HEADERS, "Content-Security-Policy": CONTENT_SECURITY_POLICY, "Cache-Control": "no-cache"}


def api_headers() -> dict[str, str]:
    """Headers for the JSON API: never cached (replies may carry health information)."""
    return {**SECURITY_HEADERS, "Content-Security-Policy": API_CONTENT_SECURITY_POLICY, "Cache-Control": "no-store"}


def asset_headers(path: Path) -> dict[str, str]:
    """Headers for one asset: cached for a year when fingerprinted, an hour otherwise."""
    cache = IMMUTABLE if _FINGERPRINTED.search(path.name) else REVALIDATE_HOURLY
    return {**SECURITY_HEADERS, "Content-Security-Policy": API_CONTENT_SECURITY_POLICY, "Cache-Control": cache}


def page_path(dist: Path = DIST) -> Path | None:
    """dist/index.html, or None when the page has not been built."""
    page = dist / "index.html"
    return page if page.is_file() else None


def asset_path(relative: str, dist: Path = DIST) -> Path | None:
    """The file under dist/static for a request path, or None: unknown, not a served type, or outside it."""
    if "\\" in relative or "\x00" in relative:
        return None
    root = (dist / "static").resolve()
    candidate = (root / relative).resolve()
    if not candidate.is_relative_to(root) or candidate.suffix not in CONTENT_TYPES or not candidate.is_file():
        return None
    return candidate
