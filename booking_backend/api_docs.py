"""A plain HTML index of the API at /docs (development and test): everything on it is served from here.

FastAPI's own /docs and /redoc load Swagger UI and ReDoc from a CDN, which would let a third party run
script on the backend's origin; no pinned package serves those assets locally, so this page lists the
operations itself and points to /openapi.json for the full schema.
"""

from __future__ import annotations

from html import escape
from typing import Any

from fastapi import FastAPI
from fastapi.responses import HTMLResponse

# Nothing but the page itself and its inline style may load: no script, no other host.
CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
_METHODS = ("get", "post", "put", "patch", "delete")
_STYLE = (
    "body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem}"
    "table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ccc;padding:.3rem .6rem;"
    "text-align:left;vertical-align:top}code{font-size:.95em}"
)


def _operation_rows(document: dict[str, Any]) -> list[str]:
    rows = []
    for path, item in document.get("paths", {}).items():
        for method in _METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            statuses = ", ".join(sorted(operation.get("responses", {})))
            rows.append(
                f"<tr><td><code>{method.upper()}</code></td><td><code>{escape(path)}</code></td>"
                f"<td>{escape(operation.get('summary', ''))}</td><td>{escape(statuses)}</td></tr>"
            )
    return rows


def render_api_index(document: dict[str, Any], *, openapi_url: str) -> str:
    """The HTML page listing every operation of an OpenAPI document."""
    info = document.get("info", {})
    title = escape(f"{info.get('title', 'API')} {info.get('version', '')}".strip())
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f"<style>{_STYLE}</style></head><body><h1>{title}</h1><p>{escape(info.get('description', ''))}</p>"
        f'<p>The full schema: <a href="{escape(openapi_url)}">{escape(openapi_url)}</a> (OpenAPI '
        f"{escape(str(document.get('openapi', '')))}), for any viewer or client generator you run locally.</p>"
        "<table><thead><tr><th>Method</th><th>Path</th><th>Summary</th><th>Responses</th></tr></thead><tbody>"
        + "".join(_operation_rows(document))
        + "</tbody></table></body></html>"
    )


def install_api_index(app: FastAPI, *, path: str = "/docs") -> None:
    """Serve the index at `path`; the app must publish its schema (`openapi_url` set)."""
    openapi_url = app.openapi_url
    if openapi_url is None:
        raise ValueError("The API index links to the OpenAPI schema: create the app with openapi_url set")

    @app.get(path, include_in_schema=False)
    def api_index() -> HTMLResponse:
        page = render_api_index(app.openapi(), openapi_url=openapi_url)
        return HTMLResponse(page, headers={"Content-Security-Policy": CONTENT_SECURITY_POLICY})
