"""The coded set of triage dispositions, their acuity order, advice text and service codes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

DEFAULT_DISPOSITIONS_PATH = Path(__file__).resolve().parent / "data" / "dispositions.yml"


class Disposition(str, Enum):
    """Where a patient should go, most acute first (the declaration order IS the acuity order)."""

    EMERGENCY_999 = "emergency_999"
    A_AND_E = "a_and_e"
    URGENT_111 = "urgent_111"
    GP_URGENT_SAME_DAY = "gp_urgent_same_day"
    GP_ROUTINE = "gp_routine"
    PRACTICE_NURSE = "practice_nurse"
    PHARMACIST = "pharmacist"
    PHYSIOTHERAPIST = "physiotherapist"
    MENTAL_HEALTH = "mental_health"
    DENTAL = "dental"
    SELF_CARE = "self_care"

    @property
    def acuity(self) -> int:
        """Higher is more acute; self_care is 0."""
        order = list(Disposition)
        return len(order) - 1 - order.index(self)

    @property
    def is_emergency(self) -> bool:
        """True for the dispositions that send the patient to 999 or A&E."""
        return self in (Disposition.EMERGENCY_999, Disposition.A_AND_E)


BOOKABLE_SERVICES = frozenset({"gp_routine", "gp_urgent_same_day", "practice_nurse", "pharmacist",
                               "physiotherapist", "mental_health", "dental"})


class DispositionsFileError(ValueError):
    """The dispositions file is malformed; the message says where."""


def parse_disposition(code: str) -> Disposition:
    """Return the Disposition for a code, or raise ValueError naming the valid codes."""
    try:
        return Disposition(code)
    except ValueError:
        valid = ", ".join(d.value for d in Disposition)
        raise ValueError(f"unknown disposition {code!r}; expected one of: {valid}") from None


def most_acute(dispositions: Iterable[Disposition]) -> Disposition | None:
    """Return the most acute disposition, or None when there are none."""
    ranked = list(dispositions)
    return max(ranked, key=lambda d: d.acuity) if ranked else None


@dataclass(frozen=True)
class DispositionInfo:
    """What a patient is told for a disposition and what the backend books for it."""

    disposition: Disposition
    label: str
    advice: str
    service: str | None


@dataclass(frozen=True)
class DispositionCatalogue:
    """Advice and services for every disposition, plus the extra advice rules can add."""

    entries: dict[Disposition, DispositionInfo]
    advice_extras: dict[str, str]

    def __getitem__(self, disposition: Disposition) -> DispositionInfo:
        return self.entries[disposition]


def _parse_entry(code: str, raw: Any) -> DispositionInfo:
    disposition = parse_disposition(code)
    if not isinstance(raw, dict):
        raise DispositionsFileError(f"dispositions.{code}: expected a mapping")
    label, advice, service = raw.get("label"), raw.get("advice"), raw.get("service")
    if not isinstance(label, str) or not isinstance(advice, str) or not advice.strip():
        raise DispositionsFileError(f"dispositions.{code}: needs a 'label' and an 'advice' text")
    if service is not None and service not in BOOKABLE_SERVICES:
        raise DispositionsFileError(f"dispositions.{code}.service: {service!r} is not bookable")
    return DispositionInfo(disposition, label, advice.strip(), service)


def parse_catalogue(raw: Any) -> DispositionCatalogue:
    """Validate the parsed YAML: every code exactly once, each with advice."""
    if not isinstance(raw, dict) or not isinstance(raw.get("dispositions"), dict):
        raise DispositionsFileError("expected a mapping with 'version' and 'dispositions'")
    entries = {}
    for code, entry in raw["dispositions"].items():
        try:
            info = _parse_entry(str(code), entry)
        except ValueError as error:
            raise DispositionsFileError(str(error)) from None
        entries[info.disposition] = info
    missing = [d.value for d in Disposition if d not in entries]
    if missing:
        raise DispositionsFileError(f"dispositions: no entry for {', '.join(missing)}")
    extras = raw.get("advice_extras", {})
    if not isinstance(extras, dict) or not all(isinstance(v, str) for v in extras.values()):
        raise DispositionsFileError("advice_extras: expected a mapping of key -> text")
    return DispositionCatalogue(entries, {str(k): v.strip() for k, v in extras.items()})


@lru_cache(maxsize=4)
def load_catalogue(path: Path = DEFAULT_DISPOSITIONS_PATH) -> DispositionCatalogue:
    """Read, validate and cache a dispositions file."""
    with path.open(encoding="utf-8") as handle:
        return parse_catalogue(yaml.safe_load(handle))
