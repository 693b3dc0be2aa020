"""Words that decline a practitioner offered for continuity ("anyone is fine", "someone else please").

Pure and shared: the action that offers times and the policy that sends such a turn back to it.
"""

from __future__ import annotations

import re

_DECLINE = re.compile(
    r"\b(?:any\s*(?:one|body)(?=\s*(?:is\b|'s\b|will\b|would\b|at\s+all|really|fine|ok|else|[.!,]|$))|"
    r"with\s+any\s*(?:one|body)|any\s+(?:doctor|gp|nurse|physio|pharmacist|clinician)\s+(?:is|will|would)\b|"
    r"some\s*(?:one|body)\s+(?:else|different)|(?:a\s+)?different\s+(?:doctor|gp|nurse|person|one|clinician)"
    r"(?!'?s?\s*(?:appointment|appt|app|slot|time|booking))|"
    r"(?:another|other)\s+(?:doctor|gp|nurse|person|clinician)(?!'?s?\s*(?:appointment|appt|app|slot|time|booking))|"
    r"(?:do\s*n[o']?t|dont|doesn'?t|does\s+not)\s+(?:mind|matter|care)\s+who|whoever(?:'s|\s+is)?\s+(?:free|available)|"
    r"rather\s+not\s+(?:see\s+)?(?:her|him|them|the\s+same)|not\s+the\s+same\s+(?:one|person|doctor|gp|nurse))\b",
    re.I)


def declines_practitioner(text: str) -> bool:
    """Whether the patient says they will see anyone, or not the person offered."""
    return bool(_DECLINE.search(text or ""))
