"""Typed words as Rasa should read them: through NLU and the red-flag screen, never as a /intent."""

from __future__ import annotations


def as_typed(text: str) -> str:
    """`text` without surrounding space and without leading "/" (Rasa reads "/name" as an intent)."""
    return text.strip().lstrip("/").strip()
