"""Figures for a labelled triage evaluation: confusion counts, recall by acuity band, over-triage.

Acuity follows the coded set's declaration order (bot/triage/dispositions.py). "Urgent or above" is
every disposition that sends the patient to a clinician today: emergency_999, a_and_e, urgent_111
and gp_urgent_same_day. A mental health crisis is not a coded disposition of its own (it is advice
added to 999 or 111), so it is counted through those codes.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from bot.triage.dispositions import Disposition

URGENT_OR_ABOVE = frozenset({Disposition.EMERGENCY_999, Disposition.A_AND_E, Disposition.URGENT_111,
                             Disposition.GP_URGENT_SAME_DAY})


@dataclass(frozen=True)
class Example:
    """One labelled message."""

    id: str
    text: str
    expected: Disposition
    answers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Outcome:
    """What the engine said about one example, and how many questions it still wanted answered."""

    example: Example
    predicted: Disposition
    questions_needed: int = 0
    checklist_questions: int = 0  # red-flag checklist questions the conversation would still ask
    checklist_turns: int = 0  # one turn per recognised complaint group with open questions


def _share(hits: int, total: int, empty: float) -> float:
    return empty if total == 0 else hits / total


@dataclass(frozen=True)
class EvaluationReport:
    """Confusion counts and the figures derived from them."""

    outcomes: tuple[Outcome, ...]

    @property
    def confusion(self) -> Counter[tuple[Disposition, Disposition]]:
        """Counts of (expected, predicted) pairs."""
        return Counter((o.example.expected, o.predicted) for o in self.outcomes)

    @property
    def expected_counts(self) -> Counter[Disposition]:
        """How many examples expect each disposition."""
        return Counter(o.example.expected for o in self.outcomes)

    @property
    def accuracy(self) -> float:
        """Share of examples with exactly the expected disposition."""
        right = sum(1 for o in self.outcomes if o.predicted == o.example.expected)
        return _share(right, len(self.outcomes), 0.0)

    def recall(self, disposition: Disposition) -> float | None:
        """Recall for one disposition, or None when the set has no such example."""
        relevant = [o for o in self.outcomes if o.example.expected == disposition]
        if not relevant:
            return None
        return sum(1 for o in relevant if o.predicted == disposition) / len(relevant)

    @property
    def emergency_misses(self) -> tuple[Outcome, ...]:
        """Emergencies (999 or A&E expected) that were not sent to 999 or A&E."""
        return tuple(o for o in self.outcomes
                     if o.example.expected.is_emergency and not o.predicted.is_emergency)

    @property
    def emergency_recall(self) -> float:
        """Share of expected emergencies sent to 999 or A&E (1.0 when the set has none)."""
        total = sum(1 for o in self.outcomes if o.example.expected.is_emergency)
        return _share(total - len(self.emergency_misses), total, 1.0)

    @property
    def urgent_misses(self) -> tuple[Outcome, ...]:
        """Urgent-or-above cases given a disposition below urgent (a routine or self-care one)."""
        return tuple(o for o in self.outcomes
                     if o.example.expected in URGENT_OR_ABOVE and o.predicted not in URGENT_OR_ABOVE)

    @property
    def urgent_or_above_recall(self) -> float:
        """Share of expected urgent-or-above cases given an urgent-or-above disposition."""
        total = sum(1 for o in self.outcomes if o.example.expected in URGENT_OR_ABOVE)
        return _share(total - len(self.urgent_misses), total, 1.0)

    @property
    def over_triage_rate(self) -> float:
        """Share of all examples given a more acute disposition than expected."""
        over = sum(1 for o in self.outcomes if o.predicted.acuity > o.example.expected.acuity)
        return _share(over, len(self.outcomes), 0.0)

    @property
    def under_triage_rate(self) -> float:
        """Share of all examples given a less acute disposition than expected."""
        under = sum(1 for o in self.outcomes if o.predicted.acuity < o.example.expected.acuity)
        return _share(under, len(self.outcomes), 0.0)

    @property
    def mean_questions_needed(self) -> float:
        """Mean number of questions the engine still wants answered after the message."""
        return _share(sum(o.questions_needed for o in self.outcomes), len(self.outcomes), 0.0)

    @property
    def mean_checklist_questions(self) -> float:
        """Mean number of red-flag checklist questions still open after the message alone."""
        return _share(sum(o.checklist_questions for o in self.outcomes), len(self.outcomes), 0.0)

    @property
    def mean_checklist_turns(self) -> float:
        """Mean number of checklist turns (one per complaint group with open questions)."""
        return _share(sum(o.checklist_turns for o in self.outcomes), len(self.outcomes), 0.0)

    @property
    def errors(self) -> tuple[Outcome, ...]:
        """Every example whose prediction differs from its label."""
        return tuple(o for o in self.outcomes if o.predicted != o.example.expected)
