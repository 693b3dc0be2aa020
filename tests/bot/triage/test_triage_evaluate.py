"""The evaluator, its figures, and the two sets: the dev set gates (100% emergency recall, an accuracy
floor); the unseen set is only measured, and is checked here for shape, never for scores."""

import hashlib
import io
import json
import re
from collections import Counter
from pathlib import Path

import pytest

from bot.triage import evaluate as evaluate_module
from bot.triage.dispositions import Disposition
from bot.triage.engine import triage
from bot.triage.eval_metrics import URGENT_OR_ABOVE, EvaluationReport, Example, Outcome
from bot.triage.evaluate import (
    DEFAULT_CONTRAST_SET,
    DEFAULT_DEV_SET,
    DEFAULT_FRESH_SET,
    DEFAULT_HOLDOUT_SET,
    DEFAULT_REQUEST_SET,
    DEFAULT_UNSEEN_SET,
    EvaluationSet,
    evaluate,
    evaluation_set_for,
    main,
    print_report,
    read_examples,
)

# Measured 99.6% on 564 messages when this floor was set; the floor leaves room for rule
# changes that trade a little accuracy for safety, never for missed emergencies.
ACCURACY_FLOOR = 0.97


@pytest.fixture(scope="module")
def dev_examples():  # type: ignore[no-untyped-def]
    with DEFAULT_DEV_SET.open(encoding="utf-8") as handle:
        return read_examples(handle)


def test_dev_set_is_large_and_covers_every_disposition(dev_examples) -> None:  # type: ignore[no-untyped-def]
    assert len(dev_examples) >= 350
    counts = Counter(e.expected for e in dev_examples)
    assert all(counts[d] >= 20 for d in Disposition), counts
    assert counts[Disposition.EMERGENCY_999] + counts[Disposition.A_AND_E] >= 100
    assert len({e.id for e in dev_examples}) == len(dev_examples)


def test_evaluate_dev_set_emergency_recall_is_100_percent(dev_examples) -> None:  # type: ignore[no-untyped-def]
    report = evaluate(dev_examples)
    assert report.emergency_misses == ()
    assert report.emergency_recall == 1.0


def test_evaluate_dev_set_accuracy_above_floor(dev_examples) -> None:  # type: ignore[no-untyped-def]
    assert evaluate(dev_examples).accuracy >= ACCURACY_FLOOR


def test_evaluate_cli_exits_non_zero_on_a_missed_emergency(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "set.jsonl"
    rows = [{"id": "1", "text": "sore throat", "expected": "emergency_999"},
            {"id": "2", "text": "cant breathe", "expected": "emergency_999"}]
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert main([str(source)]) == 1
    out = capsys.readouterr().out
    assert "emergency recall (999 + A&E): 50.0%" in out and "MISSED EMERGENCY 1" in out


def test_evaluate_cli_prints_matrix_accuracy_and_recall(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 0
    out = capsys.readouterr().out
    for heading in ("confusion matrix", "accuracy:", "recall per disposition:", "emergency recall",
                    "urgent-or-above recall", "over-triage rate", "mean questions still needed",
                    "== dev set", "== unseen set"):
        assert heading in out


# --- the figures on tiny hand-made sets (no engine run) ---

def _report(*pairs: tuple[str, str], questions: int = 0) -> EvaluationReport:
    outcomes = tuple(Outcome(Example(str(n), f"message {n}", Disposition(expected)), Disposition(got), questions)
                     for n, (expected, got) in enumerate(pairs))
    return EvaluationReport(outcomes)


def test_urgent_or_above_recall_counts_any_urgent_or_above_disposition_as_caught() -> None:
    report = _report(("gp_urgent_same_day", "a_and_e"),      # raised: still caught
                     ("urgent_111", "gp_urgent_same_day"),   # lowered within the band: caught
                     ("emergency_999", "gp_routine"),        # missed
                     ("a_and_e", "pharmacist"),              # missed
                     ("gp_routine", "self_care"))            # not urgent: not counted
    assert report.urgent_or_above_recall == 0.5
    assert [o.example.id for o in report.urgent_misses] == ["2", "3"]
    urgent_codes = {d.value for d in URGENT_OR_ABOVE}
    assert urgent_codes == {"emergency_999", "a_and_e", "urgent_111", "gp_urgent_same_day"}


def test_urgent_or_above_recall_is_one_with_no_urgent_cases() -> None:
    assert _report(("self_care", "self_care")).urgent_or_above_recall == 1.0


def test_over_triage_rate_is_share_of_all_cases_made_more_acute() -> None:
    report = _report(("self_care", "emergency_999"),    # over
                     ("gp_routine", "gp_urgent_same_day"),  # over
                     ("a_and_e", "emergency_999"),      # over, though both are emergencies
                     ("urgent_111", "urgent_111"),      # right
                     ("emergency_999", "gp_routine"))   # under, not over
    assert report.over_triage_rate == 3 / 5
    assert report.under_triage_rate == 1 / 5


def test_over_triage_rate_of_an_empty_set_is_zero() -> None:
    assert _report().over_triage_rate == 0.0


def test_mean_questions_needed_averages_over_every_case() -> None:
    outcomes = tuple(Outcome(Example(str(n), "text", Disposition.GP_ROUTINE), Disposition.GP_ROUTINE, q)
                     for n, q in enumerate((0, 1, 2, 5)))
    assert EvaluationReport(outcomes).mean_questions_needed == 2.0
    assert _report().mean_questions_needed == 0.0


def test_evaluate_counts_the_questions_the_engine_still_needs() -> None:
    example = Example("q", "sore throat", Disposition.PHARMACIST)
    outcome = evaluate([example]).outcomes[0]
    assert outcome.questions_needed == len(triage(example.text).questions_needed)


def test_print_report_shows_every_figure_and_counts_per_expected_disposition() -> None:
    out = io.StringIO()
    print_report(_report(("emergency_999", "emergency_999"), ("pharmacist", "gp_routine"), questions=3), out)
    text = out.getvalue()
    for heading in ("urgent-or-above recall (999, A&E, 111, GP today): 100.0%",
                    "over-triage rate (more acute than expected): 50.0%",
                    "mean questions still needed (questions_needed): 3.00"):
        assert heading in text
    assert re.search(r"^emergency_999 .* 1$", text, re.MULTILINE)


def test_evaluate_cli_unseen_set_never_fails_the_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    dev, unseen = tmp_path / "dev.jsonl", tmp_path / "unseen.jsonl"
    dev.write_text(json.dumps({"id": "d1", "text": "cant breathe", "expected": "emergency_999"}) + "\n",
                   encoding="utf-8")
    unseen.write_text(json.dumps({"id": "u1", "text": "sore throat", "expected": "emergency_999",
                                  "source": "made up"}) + "\n", encoding="utf-8")
    monkeypatch.setattr(evaluate_module, "PACKAGED_SETS",
                        (EvaluationSet("dev", dev, gate=True), EvaluationSet("unseen", unseen, gate=False)))
    assert main([]) == 0
    out = capsys.readouterr().out
    assert out.index("== dev set") < out.index("== unseen set") < out.index("MISSED EMERGENCY u1")
    assert main([str(unseen)]) == 0   # named on the command line, it is still only a measurement
    assert main([str(dev), str(unseen)]) == 0


def test_evaluate_cli_packaged_unseen_set_is_not_a_gate() -> None:
    assert evaluation_set_for(DEFAULT_UNSEEN_SET).gate is False
    assert evaluation_set_for(DEFAULT_DEV_SET).gate is True
    assert evaluation_set_for(Path("other.jsonl")).gate is True


# --- the unseen set: written before the engine ever ran on it; never edited since ---

# Recorded with its first-run figures in docs/clinical-safety.md. Fix the engine, never the set: a line
# judged wrong after that run is noted in the hazard log, and a new set gets a new file and a new run.
UNSEEN_SET_SHA256 = "a08f07cba8eccc89c3849c71528e30e0556e7b9e5576d6673920c84ceb83fbd4"
# The fresh set: written (sealed, away from the engine's data) after the engine was tuned on the unseen set.
FRESH_SET_SHA256 = "65082249b51e184d0cd9a180bd4cfa46334410070083e65c51983b7b5aefe683"
# The holdout set: written sealed after the fixes on the fresh set; never used to tune.
HOLDOUT_SET_SHA256 = "4bb3815679722061e0a0ca64d8b127110acbb225b483d9b57ffdc8b73d3e7e43"
# The contrast set: pairs one detail apart, written sealed after the holdout fixes.
CONTRAST_SET_SHA256 = "31cd41132eb55f310aaa5fcc5b966943a14334370409372c6cd801d5822b8131"
# The request set: problems mentioned in passing in booking and admin requests; the honest measure, never tuned on.
REQUEST_SET_SHA256 = "543414b0b66ef31136e1b9ec75fb1c1f9911e7be10991d060666964865cd041b"

@pytest.fixture(scope="module", params=["unseen", "fresh", "holdout", "contrast", "request"])
def unseen_rows(request: pytest.FixtureRequest) -> list[dict[str, object]]:
    path = {"unseen": DEFAULT_UNSEEN_SET, "fresh": DEFAULT_FRESH_SET, "holdout": DEFAULT_HOLDOUT_SET,
            "contrast": DEFAULT_CONTRAST_SET, "request": DEFAULT_REQUEST_SET}[request.param]
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def test_unseen_set_is_well_formed(unseen_rows: list[dict[str, object]]) -> None:
    codes = {d.value for d in Disposition}
    assert len(unseen_rows) >= 300
    for row in unseen_rows:
        assert row["expected"] in codes, row["id"]
        assert isinstance(row["source"], str) and row["source"].strip(), row["id"]
        assert isinstance(row["text"], str) and row["text"].strip(), row["id"]
    assert len({row["id"] for row in unseen_rows}) == len(unseen_rows)
    assert len({row["text"] for row in unseen_rows}) == len(unseen_rows)
    assert len(read_examples(json.dumps(row) for row in unseen_rows)) == len(unseen_rows)


def test_unseen_set_has_at_least_60_emergencies(unseen_rows: list[dict[str, object]]) -> None:
    emergencies = [r for r in unseen_rows if r["expected"] in ("emergency_999", "a_and_e")]
    assert len(emergencies) >= 60


def test_unseen_set_shares_no_text_with_the_dev_set(unseen_rows: list[dict[str, object]],
                                                    dev_examples) -> None:  # type: ignore[no-untyped-def]
    def normal(text: object) -> str:
        return " ".join(str(text).lower().split())

    dev_texts = {normal(e.text) for e in dev_examples}
    assert not [r["id"] for r in unseen_rows if normal(r["text"]) in dev_texts]


def test_unseen_set_is_unchanged_since_its_first_run() -> None:
    assert hashlib.sha256(DEFAULT_UNSEEN_SET.read_bytes()).hexdigest() == UNSEEN_SET_SHA256


def test_fresh_set_is_unchanged_since_its_first_run() -> None:
    assert hashlib.sha256(DEFAULT_FRESH_SET.read_bytes()).hexdigest() == FRESH_SET_SHA256


def test_holdout_set_is_unchanged_since_its_first_run() -> None:
    assert hashlib.sha256(DEFAULT_HOLDOUT_SET.read_bytes()).hexdigest() == HOLDOUT_SET_SHA256


def test_contrast_set_is_unchanged_since_its_first_run() -> None:
    assert hashlib.sha256(DEFAULT_CONTRAST_SET.read_bytes()).hexdigest() == CONTRAST_SET_SHA256


def test_request_set_is_unchanged_since_its_first_run() -> None:
    assert hashlib.sha256(DEFAULT_REQUEST_SET.read_bytes()).hexdigest() == REQUEST_SET_SHA256


def test_evaluation_sets_share_no_text() -> None:
    def texts(path: Path) -> set[str]:
        return {" ".join(json.loads(line)["text"].lower().split()) for line in path.open(encoding="utf-8")}

    sets = [texts(p) for p in (DEFAULT_UNSEEN_SET, DEFAULT_FRESH_SET, DEFAULT_HOLDOUT_SET, DEFAULT_CONTRAST_SET,
                               DEFAULT_REQUEST_SET)]
    assert not [(a, b) for a in range(len(sets)) for b in range(a + 1, len(sets)) if sets[a] & sets[b]]


def test_evaluate_set_option_reports_checklist_questions_and_turns(
        tmp_path, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "other.jsonl"
    path.write_text('{"id": "a", "text": "my tummy hurts", "expected": "gp_routine"}\n'
                    '{"id": "b", "text": "crushing chest pain", "expected": "emergency_999"}\n', encoding="utf-8")
    assert main(["--set", str(path)]) == 0
    out = capsys.readouterr().out
    assert "== other.jsonl set" in out
    assert "mean checklist questions asked" in out and "mean checklist turns" in out
