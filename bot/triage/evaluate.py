"""Evaluate the triage engine on labelled JSONL sets.

    python -m bot.triage.evaluate                  # every packaged set: dev, then unseen
    python -m bot.triage.evaluate FILE --errors    # other files, listing every mismatch
    python -m bot.triage.evaluate --set PATH       # the same, for any file of the same schema

Each line is {"id", "text", "expected", "answers"?}; other keys (the unseen set's source, group and
persona) are ignored. For each set, reported separately: the confusion matrix (rows: expected,
columns: predicted), accuracy, recall per disposition, emergency recall (emergency_999 and a_and_e
count as one emergency class: sending a 999 case to A&E is still caught, sending it anywhere else is
a miss), urgent-or-above recall, over- and under-triage rates, the mean number of questions the
engine still needs (`questions_needed`) after the message alone, and the mean number of red-flag
checklist questions and checklist turns (one per recognised complaint group with open questions)
the conversation would ask from the message alone.

Exits 1 if a gated set's emergency recall is below 100%. The dev set and any file named on the
command line are gates. The unseen set is a measurement only: it was written before the engine ever
ran on it and must not be tuned to, so its misses are printed but never fail the run.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from bot.triage.dispositions import Disposition, parse_disposition
from bot.triage.engine import triage
from bot.triage.eval_metrics import EvaluationReport, Example, Outcome

EVAL_DIR = Path(__file__).resolve().parent / "eval"
DEFAULT_DEV_SET = EVAL_DIR / "dev_set.jsonl"
DEFAULT_UNSEEN_SET = EVAL_DIR / "unseen_set.jsonl"
DEFAULT_FRESH_SET = EVAL_DIR / "fresh_set.jsonl"
DEFAULT_HOLDOUT_SET = EVAL_DIR / "holdout_set.jsonl"
DEFAULT_CONTRAST_SET = EVAL_DIR / "contrast_set.jsonl"
DEFAULT_REQUEST_SET = EVAL_DIR / "request_set.jsonl"


@dataclass(frozen=True)
class EvaluationSet:
    """A labelled file and whether a missed emergency in it fails the run."""

    name: str
    path: Path
    gate: bool


PACKAGED_SETS = (EvaluationSet("dev", DEFAULT_DEV_SET, gate=True),
                 EvaluationSet("unseen", DEFAULT_UNSEEN_SET, gate=False),
                 EvaluationSet("fresh", DEFAULT_FRESH_SET, gate=False),
                 EvaluationSet("holdout", DEFAULT_HOLDOUT_SET, gate=False),
                 EvaluationSet("contrast", DEFAULT_CONTRAST_SET, gate=False),
                 EvaluationSet("request", DEFAULT_REQUEST_SET, gate=False))


def evaluation_set_for(path: Path) -> EvaluationSet:
    """The packaged set at `path` (keeping its gate), or a gated set named after the file."""
    for packaged in PACKAGED_SETS:
        if path.resolve() == packaged.path.resolve():
            return packaged
    return EvaluationSet(path.name, path, gate=True)


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
    outcomes = []
    for example in examples:
        result = triage(example.text, example.answers)
        groups = {item.group for item in result.checklist}
        outcomes.append(Outcome(example, result.disposition, len(result.questions_needed),
                                len(result.checklist), len(groups)))
    return EvaluationReport(tuple(outcomes))


def _short(d: Disposition) -> str:
    return d.value.replace("emergency_", "").replace("gp_urgent_same_day", "gp_urgent")[:9]


def print_report(report: EvaluationReport, out: TextIO, show_errors: bool = False) -> None:
    """Write the confusion matrix and figures in plain text."""
    codes = list(Disposition)
    confusion, totals = report.confusion, report.expected_counts
    out.write("confusion matrix (rows: expected, columns: predicted)\n")
    out.write(" " * 20 + "".join(f"{_short(d):>10}" for d in codes) + f"{'total':>8}\n")
    for expected in codes:
        cells = "".join(f"{confusion[(expected, p)] or '.':>10}" for p in codes)
        out.write(f"{expected.value:<20}{cells}{totals[expected]:>8}\n")
    out.write(f"\nexamples: {len(report.outcomes)}\n")
    out.write(f"accuracy: {report.accuracy:.1%}\n")
    out.write("recall per disposition:\n")
    for disposition in codes:
        value = report.recall(disposition)
        shown = "n/a" if value is None else f"{value:.1%}"
        out.write(f"  {disposition.value:<20}{shown:>7}\n")
    out.write(f"emergency recall (999 + A&E): {report.emergency_recall:.1%}\n")
    out.write(f"urgent-or-above recall (999, A&E, 111, GP today): {report.urgent_or_above_recall:.1%}\n")
    out.write(f"over-triage rate (more acute than expected): {report.over_triage_rate:.1%}\n")
    out.write(f"under-triage rate (less acute than expected): {report.under_triage_rate:.1%}\n")
    out.write(f"mean questions still needed (questions_needed): {report.mean_questions_needed:.2f}\n")
    out.write(f"mean checklist questions asked (red flags): {report.mean_checklist_questions:.2f}\n")
    out.write(f"mean checklist turns (one per complaint group): {report.mean_checklist_turns:.2f}\n")
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
    parser.add_argument("files", nargs="*", type=Path,
                        help="labelled JSONL files (default: the packaged dev and unseen sets)")
    parser.add_argument("--set", dest="sets", action="append", type=Path, default=[], metavar="PATH",
                        help="a labelled JSONL file to evaluate (repeatable; same as naming it)")
    parser.add_argument("--errors", action="store_true", help="list every mismatch (shows texts)")
    args = parser.parse_args(argv)
    sets = [evaluation_set_for(path) for path in [*args.files, *args.sets]] or list(PACKAGED_SETS)
    loaded = []
    for evaluation_set in sets:
        if not evaluation_set.path.is_file():
            parser.error(f"no such file: {evaluation_set.path}")
        with evaluation_set.path.open(encoding="utf-8") as handle:
            try:
                loaded.append((evaluation_set, read_examples(handle)))
            except ValueError as error:
                parser.error(f"{evaluation_set.path}: {error}")
    failed = False
    for number, (evaluation_set, examples) in enumerate(loaded):
        role = "gate: exits 1 below 100% emergency recall" if evaluation_set.gate else "measurement only"
        if number:
            sys.stdout.write("\n\n")
        sys.stdout.write(f"== {evaluation_set.name} set ({evaluation_set.path.name}, {role}) ==\n")
        report = evaluate(examples)
        print_report(report, sys.stdout, show_errors=args.errors)
        failed = failed or (evaluation_set.gate and report.emergency_recall < 1.0)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
