"""Which practitioners a patient's words are about: by name ("tell me about Dr Grace Williams"), by role
("who are the physios?") or by language ("someone who speaks Urdu"). Pure: the caller brings the lists.

Names are read from the message text itself, not only from the classifier's `practitioner` entity, so a
name the model never saw still finds the person on offer or in the directory.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol, TypeVar

from actions.backend_client import Practitioner

TITLES = frozenset({"dr", "doctor", "doc", "nurse", "the", "mr", "mrs", "ms", "miss", "mx", "prof"})
ROLE_WORDS = {
    "gp": ("gp", "gps", "doctor", "doctors", "docs"),
    "nurse": ("nurse", "nurses"),
    "pharmacist": ("pharmacist", "pharmacists", "chemist"),
    "physiotherapist": ("physio", "physios", "physiotherapist", "physiotherapists"),
    "mental_health_practitioner": ("counsellor", "counsellors", "therapist", "therapists"),
    "dentist": ("dentist", "dentists"),
}
LANGUAGES = {
    "english": "en", "polish": "pl", "urdu": "ur", "punjabi": "pa", "bengali": "bn", "bangla": "bn",
    "arabic": "ar", "somali": "so", "romanian": "ro", "welsh": "cy", "gujarati": "gu", "chinese": "zh",
    "mandarin": "zh", "cantonese": "zh",
}
DIRECTORY_PAGE = 200  # the backend's largest page of the practitioner directory
ROLE_BY_SERVICE = {
    "gp_routine": "gp", "gp_urgent_same_day": "gp", "practice_nurse": "nurse", "pharmacist": "pharmacist",
    "physiotherapist": "physiotherapist", "mental_health": "mental_health_practitioner", "dental": "dentist",
}
SERVICE_CODES = frozenset(ROLE_BY_SERVICE)  # the backend's bookable services
SERVICE_BY_ROLE = {"gp": "gp_routine", "nurse": "practice_nurse", "pharmacist": "pharmacist",
                   "physiotherapist": "physiotherapist", "mental_health_practitioner": "mental_health",
                   "dentist": "dental"}

class Named(Protocol):
    @property
    def display_name(self) -> str: ...


P = TypeVar("P", bound=Named)


def words(text: str) -> list[str]:
    """Lower-case words, with "O'Brien" kept whole and possessives dropped ("Williams's")."""
    found = re.findall(r"[a-z]+(?:['’][a-z]+)*", text.lower().replace("’", "'"))
    return [w.removesuffix("'s") for w in found]


def _name_words(display_name: str) -> list[str]:
    return [w for w in words(display_name) if w not in TITLES]


def mentioned(text: str, practitioners: Sequence[P], *, strict: bool = False) -> list[P]:
    """The practitioners whose surname the text names (and whose first name, if it names one too).

    `strict` also wants a title or the first name right before the surname ("Dr Young", "Grace
    Young"), so that "my young son" names nobody."""
    said = words(text)
    found = []
    for practitioner in practitioners:
        name = _name_words(practitioner.display_name)
        if len(name) < 2 or name[-1] not in said:
            continue
        firsts = set(name[:-1])
        before = {said[i - 1] for i, w in enumerate(said) if w == name[-1] and i > 0}
        if strict and not before & (firsts | TITLES):
            continue
        others = set(said) & {w for p in practitioners for w in _name_words(p.display_name)[:-1]}
        if not others or others & firsts:
            found.append(practitioner)
    return found


def role_asked(text: str) -> str | None:
    """The practitioner role a question names ("who are the physios?"), if exactly one."""
    said = set(words(text))
    roles = [role for role, names in ROLE_WORDS.items() if said & set(names)]
    return roles[0] if len(roles) == 1 else None


def languages_asked(text: str) -> set[str]:
    """Language codes the patient asks for ("someone who speaks Urdu")."""
    return {code for word in words(text) if (code := LANGUAGES.get(word)) and code != "en"}


def speaking(practitioners: Sequence[Practitioner], codes: set[str]) -> list[Practitioner]:
    return [p for p in practitioners if codes & set(p.languages)]
