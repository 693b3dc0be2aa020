"""The evaluator and the dev set: emergency recall must be 100%, accuracy above a measured floor."""

import json
from collections import Counter
from pathlib import Path

import pytest

from bot.triage.dispositions import Disposition
from bot.triage.evaluate import DEFAULT_DEV_SET, evaluate, main, read_examples

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
    for heading in ("confusion matrix", "accuracy:", "recall per disposition:", "emergency recall"):
        assert heading in out
