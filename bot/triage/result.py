"""The outcome of triage: disposition, the rules that fired, advice, concepts, open questions and the
complaint groups with their red-flag checklist questions still to ask."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.nlu.clinical_matcher import ConceptMatch
from bot.triage.dispositions import Disposition


@dataclass(frozen=True)
class FiredRule:
    """A rule that fired, with why (rationale) and where from (source)."""

    id: str
    disposition: Disposition
    rationale: str
    source: str

    def to_dict(self) -> dict[str, str]:
        """Return a JSON-ready mapping."""
        return {"id": self.id, "disposition": self.disposition.value,
                "rationale": self.rationale, "source": self.source}


@dataclass(frozen=True)
class ChecklistItem:
    """A red-flag question still worth asking, from the checklist of `group`."""

    id: str
    question: str
    concept: str
    source: str
    group: str
    follow_up_of: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        """Return a JSON-ready mapping."""
        return {"id": self.id, "question": self.question, "concept": self.concept,
                "source": self.source, "group": self.group, "follow_up_of": self.follow_up_of}


@dataclass(frozen=True)
class TriageResult:
    """Everything the conversation needs to tell the patient where to go and why."""

    disposition: Disposition
    service: str | None
    advice: str
    fired_rules: tuple[FiredRule, ...]
    concepts: tuple[ConceptMatch, ...]
    questions_needed: tuple[str, ...]
    rules_version: str
    complaint_groups: tuple[str, ...] = ()
    checklist: tuple[ChecklistItem, ...] = ()
    checklists_version: str = ""
    # Answers read from the free text (age_band, duration, sex, pregnant, onset, severity); an answer
    # given explicitly wins over these. The conversation may pre-fill its slots from them.
    answers_from_text: Mapping[str, str] = field(default_factory=dict)

    @property
    def is_emergency(self) -> bool:
        """True when the patient must go to 999 or A&E now."""
        return self.disposition.is_emergency

    @property
    def is_complete(self) -> bool:
        """True when no answer in `questions_needed` could still raise the disposition.

        The red-flag questions in `checklist` are reported apart and do not change this.
        """
        return not self.questions_needed

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping; `disposition` is the coded value."""
        return {
            "disposition": self.disposition.value,
            "emergency": self.is_emergency,
            "service": self.service,
            "advice": self.advice,
            "fired_rules": [rule.to_dict() for rule in self.fired_rules],
            "concepts": [match.to_dict() for match in self.concepts],
            "questions_needed": list(self.questions_needed),
            "complete": self.is_complete,
            "rules_version": self.rules_version,
            "complaint_groups": list(self.complaint_groups),
            "checklist": [item.to_dict() for item in self.checklist],
            "checklists_version": self.checklists_version,
            "answers_from_text": dict(self.answers_from_text),
        }
