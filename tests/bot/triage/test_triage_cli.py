"""`python -m bot.triage`: one text, or a JSONL stream, printed as JSON."""

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "bot.triage", *args], input=stdin, capture_output=True,
                          text=True, cwd=REPO, env=env, timeout=120, check=False)


def test_cli_text_prints_json_with_disposition() -> None:
    done = run("cant breath and chest pains")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["disposition"] == "emergency_999"
    assert {"fired_rules", "advice", "concepts", "questions_needed", "service"} <= result.keys()


def test_cli_text_with_answers() -> None:
    done = run("--answer", "severity=severe", "tummy ache")
    assert json.loads(done.stdout)["disposition"] == "a_and_e"


def test_cli_text_bad_answer_is_usage_error() -> None:
    done = run("--answer", "nhs_number=123", "cough")
    assert done.returncode == 2 and "unknown answer" in done.stderr


def test_cli_jsonl_prints_one_result_per_line_with_same_id(tmp_path: Path) -> None:
    lines = [{"id": "a", "text": "lips swelling"}, {"id": 7, "text": "need a smear test"},
             {"id": "c", "text": "burning when i wee", "answers": {"sex": "male"}}]
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    done = run("--jsonl", str(source))
    assert done.returncode == 0, done.stderr
    results = [json.loads(line) for line in done.stdout.splitlines()]
    assert [(r["id"], r["disposition"]) for r in results] == [
        ("a", "emergency_999"), (7, "practice_nurse"), ("c", "gp_urgent_same_day")]


def test_cli_jsonl_bad_line_reported_and_exit_non_zero() -> None:
    stdin = '{"id": "ok", "text": "cough"}\nnot json\n{"id": "x", "txt": "oops"}\n{"id": "z", "text": "toothache"}\n'
    done = run("--jsonl", "-", stdin=stdin)
    assert done.returncode == 1
    assert "line 2: not valid JSON" in done.stderr and "line 3: 'text' must be a string" in done.stderr
    results = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["id"] for r in results] == ["ok", None, "x", "z"]
    assert results[1]["error"] and results[2]["line"] == 3 and results[3]["disposition"] == "dental"


def test_cli_without_text_or_file_is_usage_error() -> None:
    assert run().returncode == 2


def test_cli_text_shows_checklist_and_takes_red_flag_answers() -> None:
    result = json.loads(run("feeling really low").stdout)
    assert result["complaint_groups"] == ["low_mood"]
    assert result["checklist"][0]["id"] == "RF-SUICIDAL-THOUGHTS"
    done = run("--red-flag", "RF-SUICIDAL-THOUGHTS=yes", "feeling really low")
    assert done.returncode == 0, done.stderr
    answered = json.loads(done.stdout)
    assert answered["disposition"] == "urgent_111"
    assert answered["checklist"][0]["id"] == "RF-SUICIDE-PLAN"


def test_cli_bad_red_flag_is_usage_error() -> None:
    done = run("--red-flag", "RF-NOPE=yes", "cough")
    assert done.returncode == 2 and "unknown red-flag question" in done.stderr
