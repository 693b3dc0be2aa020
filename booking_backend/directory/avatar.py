"""A generated portrait placeholder (initials on a colour), so every practitioner has a photo URL."""

from __future__ import annotations

from html import escape

_COLOURS = ("#005eb8", "#007f3b", "#330072", "#7c2855", "#00a499", "#425563")


def initials_svg(display_name: str, seed: int) -> str:
    words = [w for w in display_name.replace("Dr ", "").split() if w[:1].isalpha()]
    initials = "".join(w[0] for w in words[:2]).upper() or "?"
    colour = _COLOURS[seed % len(_COLOURS)]
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96" viewBox="0 0 96 96" role="img" '
        f'aria-label="{escape(display_name)}"><rect width="96" height="96" rx="48" fill="{colour}"/>'
        '<text x="48" y="58" font-family="Arial, sans-serif" font-size="36" fill="#fff" text-anchor="middle">'
        f"{escape(initials)}</text></svg>"
    )
