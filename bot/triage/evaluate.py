"""Evaluate the triage engine on a labelled JSONL set.

    python -m bot.triage.evaluate                  # the packaged dev set
    python -m bot.triage.evaluate FILE --errors    # another file, listing every mismatch

Each line is {"id", "text", "expected", "answers"?}. Prints the confusion matrix (rows:
expected, columns: predicted), overall accuracy, recall per disposition and emergency recall
(emergency_999 and a_and_e count as one emergency class: sending a 999 case to A&E is still
caught, sending it anywhere else is a miss). Exits 1 if emergency recall is below 100%.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from bot.triage.dispositions import Disposition, parse_disposition
from bot.triage.engine import triage

DEFAULT_DEV_SET = Path(__file__).resolve().parent / "eval" / "dev_set.jsonl"


@dataclass(frozen=True)
class Example:
    """One labelled message."""

    id: str
    text: str
    expected: Disposition
    answers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Outcome:
    """What the engine said about one example."""

    example: Example
    predicted: Disposition


@dataclass(frozen=True)
class EvaluationReport:
    """Confusion counts and the figures derived from them."""

    outcomes: tuple[Outcome, ...]

    @property
    def confusion(self) -> Counter[tuple[Disposition, Disposition]]:
        """Counts of (expected, predicted) pairs."""
        return Counter((o.example.expected, o.predicted) for o in self.outcomes)

    @property
    def accuracy(self) -> float:
        """Share of examples with exactly the expected disposition."""
        right = sum(1 for o in self.outcomes if o.predicted == o.example.expected)
        return right / len(self.outcomes) if self.outcomes else 0.0

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
        """Share of expected emergencies sent to 999 or A&E."""
        total = sum(1 for o in self.outcomes if o.example.expected.is_emergency)
        return 1.0 if total == 0 else (total - len(self.emergency_misses)) / total

    @property
    def errors(self) -> tuple[Outcome, ...]:
        """Every example whose prediction differs from its label."""
        return tuple(o for o in self.outcomes if o.predicted != o.example.expected)


def read_examples(lines: Iterable[str]) -> list[Example]:
    """Parse JSONL lines; raise ValueError naming the line for a bad record."""
    examples = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            examples.append(Example(str(raw["id"]), str(raw["text"]),
                                    parse_disposition(str(raw["expected"])),
                                    dict(raw.get("answers") or {})))
        except (ValueError, KeyError, TypeError) as error:
            raise ValueError(f"line {number}: bad example ({error})") from None
    return examples


def evaluate(examples: Iterable[Example]) -> EvaluationReport:
    """Run the engine on every example."""
    return EvaluationReport(tuple(Outcome(e, triage(e.text, e.answers).disposition)
                                  for e in examples))


def _short(d: Disposition) -> str:
    return d.value.replace("emergency_", "").replace("gp_urgent_same_day", "gp_urgent")[:9]


def print_report(report: EvaluationReport, out: TextIO, show_errors: bool = False) -> None:
    """Write the confusion matrix and figures in plain text."""
    codes = list(Disposition)
    confusion = report.confusion
    out.write("confusion matrix (rows: expected, columns: predicted)\n")
    out.write(" " * 20 + "".join(f"{_short(d):>10}" for d in codes) + "\n")
    for expected in codes:
        cells = "".join(f"{confusion[(expected, p)] or '.':>10}" for p in codes)
        out.write(f"{expected.value:<20}{cells}\n")
    out.write(f"\nexamples: {len(report.outcomes)}\n")
    out.write(f"accuracy: {report.accuracy:.1%}\n")
    out.write("recall per disposition:\n")
    for disposition in codes:
        value = report.recall(disposition)
        shown = "n/a" if value is None else f"{value:.1%}"
        out.write(f"  {disposition.value:<20}{shown:>7}\n")
    out.write(f"emergency recall (999 + A&E): {report.emergency_recall:.1%}\n")
    for miss in report.emergency_misses:
        out.write(f"  MISSED EMERGENCY {miss.example.id}: expected {miss.example.expected.value}, "
                  f"got {miss.predicted.value}\n")
    if show_errors:
        out.write("\nmismatches:\n")
        for o in report.errors:
            out.write(f"  {o.example.id} expected {o.example.expected.value:<19} got "
                      f"{o.predicted.value:<19} {o.example.text}\n")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point for `python -m bot.triage.evaluate`."""
    parser = argparse.ArgumentParser(prog="python -m bot.triage.evaluate",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("file", nargs="?", type=Path, default=DEFAULT_DEV_SET)
    parser.add_argument("--errors", action="store_true", help="list every mismatch (shows texts)")
    args = parser.parse_args(argv)
    if not args.file.is_file():
        parser.error(f"no such file: {args.file}")
    with args.file.open(encoding="utf-8") as handle:
        try:
            examples = read_examples(handle)
        except ValueError as error:
            parser.error(str(error))
    report = evaluate(examples)
    print_report(report, sys.stdout, show_errors=args.errors)
    return 0 if report.emergency_recall == 1.0 else 1


if __name__ == "__main__":
    sys.exit(main())
