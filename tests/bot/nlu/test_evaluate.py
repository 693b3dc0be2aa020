"""The NLU cross-validation entry: its config, its table and its verdict on the core intents."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from bot.nlu.evaluate import evaluation_config, f1_table, main, print_table

REPORT = {
    "book_appointment": {"precision": 0.96, "recall": 0.95, "f1-score": 0.955, "support": 80},
    "cancel_appointment": {"precision": 0.97, "recall": 0.96, "f1-score": 0.965, "support": 40},
    "reschedule_appointment": {"precision": 0.95, "recall": 0.95, "f1-score": 0.951, "support": 40},
    "greet": {"precision": 0.9, "recall": 0.9, "f1-score": 0.9, "support": 20},
    "accuracy": 0.93,
    "macro avg": {"precision": 0.9, "recall": 0.9, "f1-score": 0.9, "support": 180},
    "weighted avg": {"precision": 0.9, "recall": 0.9, "f1-score": 0.9, "support": 180},
}


def test_evaluation_config_drops_only_the_time_parser(tmp_path: Path) -> None:
    config = tmp_path / "config.yml"
    config.write_text("pipeline:\n  - name: WhitespaceTokenizer\n  - name: bot.nlu.time_parser.TimeParser\n"
                      "  - name: DIETClassifier\n")
    written = evaluation_config(config, tmp_path / "out").read_text()
    assert "TimeParser" not in written
    assert "WhitespaceTokenizer" in written and "DIETClassifier" in written


def test_f1_table_lists_intents_without_the_averages() -> None:
    assert [name for name, _, _ in f1_table(REPORT)] == [
        "book_appointment", "cancel_appointment", "greet", "reschedule_appointment"]


def test_print_table_core_intent_below_target_is_missed(capsys: pytest.CaptureFixture[str]) -> None:
    low = {**REPORT, "cancel_appointment": {"f1-score": 0.949, "support": 40}}
    assert print_table(f1_table(low), 0.93, sys.stdout) is False
    assert "cancel_appointment        0.949       40  core, target 0.95: MISSED" in capsys.readouterr().out


def test_print_table_non_core_intent_below_target_does_not_fail() -> None:
    assert print_table(f1_table(REPORT), None, sys.stdout) is True


def test_main_report_only_exits_by_the_core_targets(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "intent_report.json").write_text(json.dumps(REPORT))
    assert main(["--report-only", "--out", str(tmp_path)]) == 0
    assert "intent accuracy           0.930" in capsys.readouterr().out
    missing = tmp_path / "none"
    assert main(["--report-only", "--out", str(missing)]) == 2
