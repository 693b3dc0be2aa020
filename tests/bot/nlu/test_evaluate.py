"""The NLU evaluation entry: its config, its table and its verdict on the core intents."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from bot.nlu import evaluate as evaluate_module
from bot.nlu.evaluate import evaluation_config, intent_table, main, print_table

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


def test_intent_table_lists_intents_without_the_averages() -> None:
    assert [row.name for row in intent_table(REPORT)] == [
        "book_appointment", "cancel_appointment", "greet", "reschedule_appointment"]


def test_intent_table_keeps_precision_and_recall() -> None:
    book = intent_table(REPORT)[0]
    assert (book.precision, book.recall, book.f1, book.support) == (0.96, 0.95, 0.955, 80)


def test_print_table_core_intent_below_target_is_missed(capsys: pytest.CaptureFixture[str]) -> None:
    low = {**REPORT, "cancel_appointment": {"precision": 0.95, "recall": 0.948, "f1-score": 0.949, "support": 40}}
    assert print_table(intent_table(low), 0.93, sys.stdout) is False
    assert "cancel_appointment           0.950  0.948  0.949       40  core, target 0.95: MISSED" in (
        capsys.readouterr().out)


def test_print_table_non_core_intent_below_target_does_not_fail() -> None:
    assert print_table(intent_table(REPORT), None, sys.stdout) is True


def test_print_table_held_out_target_is_lower(capsys: pytest.CaptureFixture[str]) -> None:
    low = {**REPORT, "book_appointment": {"precision": 0.9, "recall": 0.92, "f1-score": 0.91, "support": 97}}
    assert print_table(intent_table(low), None, sys.stdout, target=0.90) is True
    assert "core, target 0.90: met" in capsys.readouterr().out


def test_main_report_only_exits_by_the_core_targets(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "intent_report.json").write_text(json.dumps(REPORT))
    assert main(["--report-only", "--out", str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    assert "intent accuracy           0.930" in printed
    assert "macro avg f1              0.900" in printed
    missing = tmp_path / "none"
    assert main(["--report-only", "--out", str(missing)]) == 2


def test_main_test_set_runs_rasa_on_the_model_and_judges_by_the_held_out_target(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    calls: list[list[str]] = []

    def fake_rasa(argv: list[str]) -> None:
        calls.append(argv)
        report = {**REPORT, "book_appointment": {"precision": 0.9, "recall": 0.92, "f1-score": 0.91, "support": 97}}
        (tmp_path / "intent_report.json").write_text(json.dumps(report))

    monkeypatch.setattr(evaluate_module, "_run_rasa", fake_rasa)
    assert main(["--test-set", "set.yml", "--model", "m.tar.gz", "--out", str(tmp_path)]) == 0
    assert calls == [["rasa", "test", "nlu", "--nlu", "set.yml", "--model", "m.tar.gz", "--out", str(tmp_path)]]
    assert "book_appointment             0.900  0.920  0.910       97  core, target 0.90: met" in (
        capsys.readouterr().out)


def test_main_test_set_without_a_model_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--test-set", "set.yml"])
    assert "--test-set needs --model" in capsys.readouterr().err
