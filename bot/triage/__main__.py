"""Print triage results as JSON.

    python -m bot.triage "cant breath and chest pains"
    python -m bot.triage --answer age_band=65_plus --answer severity=severe "tummy ache"
    python -m bot.triage --red-flag RF-SUICIDAL-THOUGHTS=yes "feeling really low"
    python -m bot.triage --jsonl messages.jsonl      # or --jsonl - for standard input

The JSON also lists the complaint groups recognised and, under "checklist", their red-flag
questions still to ask; answer them with --red-flag QUESTION_ID=yes|no|not_sure (or, in JSONL,
"answers": {"red_flags": {"RF-...": "yes"}}).

--jsonl reads one {"id": ..., "text": ..., "answers": {...}?} object per line and prints one
result per line, in order, with the same "id" and "disposition" at the top level. A bad line
(not JSON, no "text", invalid answers) is reported on stderr with its line number and printed
as {"id": ..., "line": N, "error": "..."} so that ids still line up; processing continues and
the exit status is 1 if any line was bad (2 for a usage error), 0 otherwise.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, TextIO

from bot.triage.engine import triage


def _parse_answers(pairs: Sequence[str], option: str = "--answer") -> dict[str, str]:
    answers = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key or not value:
            raise argparse.ArgumentTypeError(f"{option} expects KEY=VALUE, got {pair!r}")
        answers[key.strip()] = value.strip()
    return answers


def _result_for_line(line: str) -> dict[str, Any]:
    """Triage one JSONL record; raise ValueError with a clear message if the record is bad."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise ValueError(f"not valid JSON ({error.msg})") from None
    if not isinstance(record, dict):
        raise ValueError("expected a JSON object with 'id' and 'text'")
    text, answers = record.get("text"), record.get("answers", {})
    if not isinstance(text, str):
        raise ValueError("'text' must be a string")
    if not isinstance(answers, dict):
        raise ValueError("'answers' must be an object")
    return {"id": record.get("id"), **triage(text, answers).to_dict()}


def run_jsonl(lines: Iterable[str], out: TextIO, err: TextIO) -> int:
    """Stream results for JSONL input; return the exit status."""
    status = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            result = _result_for_line(line)
        except ValueError as error:
            status = 1
            record_id = None
            try:
                parsed = json.loads(line)
                record_id = parsed.get("id") if isinstance(parsed, dict) else None
            except json.JSONDecodeError:
                pass
            err.write(f"line {number}: {error}\n")
            result = {"id": record_id, "line": number, "error": str(error)}
        out.write(json.dumps(result, ensure_ascii=False) + "\n")
        out.flush()
    return status


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point for `python -m bot.triage`."""
    parser = argparse.ArgumentParser(prog="python -m bot.triage", description=__doc__.split("\n")[0])
    parser.add_argument("text", nargs="?", help="the patient's message")
    parser.add_argument("--jsonl", metavar="FILE", help="triage one JSON object per line ('-' = stdin)")
    parser.add_argument("--answer", action="append", default=[], metavar="KEY=VALUE",
                        help="a triage answer, e.g. age_band=65_plus (repeatable; text mode only)")
    parser.add_argument("--red-flag", action="append", default=[], metavar="QUESTION_ID=VALUE",
                        help="a checklist answer, e.g. RF-CHEST-PAIN=no (repeatable; text mode only)")
    args = parser.parse_args(argv)
    if (args.text is None) == (args.jsonl is None):
        parser.error("give either a text or --jsonl FILE")
    if args.jsonl is not None:
        if args.jsonl == "-":
            return run_jsonl(sys.stdin, sys.stdout, sys.stderr)
        path = Path(args.jsonl)
        if not path.is_file():
            parser.error(f"no such file: {path}")
        with path.open(encoding="utf-8") as handle:
            return run_jsonl(handle, sys.stdout, sys.stderr)
    try:
        answers: dict[str, Any] = dict(_parse_answers(args.answer))
        if args.red_flag:
            answers["red_flags"] = _parse_answers(args.red_flag, "--red-flag")
        result = triage(args.text, answers)
    except (ValueError, argparse.ArgumentTypeError) as error:
        parser.error(str(error))
    sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
