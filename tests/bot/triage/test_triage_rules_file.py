"""The rules and dispositions data files: structure, coverage and validation errors."""

from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.triage.dispositions import DEFAULT_DISPOSITIONS_PATH, Disposition, load_catalogue, parse_catalogue
from bot.triage.engine import default_rules
from bot.triage.rules import DEFAULT_RULES_PATH, RulesFileError, parse_rules

RAW: dict[str, Any] = yaml.safe_load(Path(DEFAULT_RULES_PATH).read_text(encoding="utf-8"))
CODES = {d.value for d in Disposition}


def test_rules_file_has_a_version() -> None:
    assert str(RAW["version"]).strip()
    assert default_rules().version == str(RAW["version"])


def test_rules_file_every_rule_has_id_rationale_and_source() -> None:
    for rule in [*RAW["rules"], RAW["fallback"]]:
        assert rule["id"] and rule["rationale"].strip(), rule
        assert rule["source"]["kind"] and rule["source"]["topic"].strip(), rule["id"]


def test_rules_file_ids_are_unique() -> None:
    ids = [rule["id"] for rule in [*RAW["rules"], RAW["fallback"]]]
    assert len(ids) == len(set(ids))


def test_rules_file_dispositions_are_coded_values() -> None:
    assert {rule["disposition"] for rule in RAW["rules"]} <= CODES


def test_rules_file_loads_against_vocabulary_and_advice() -> None:
    rules = default_rules()  # validates concept names and advice keys too
    assert len(rules.rules) == len(RAW["rules"])


def test_rules_file_every_disposition_except_fallback_is_reachable() -> None:
    assert {rule["disposition"] for rule in RAW["rules"]} == CODES


def minimal(**rule: Any) -> dict[str, Any]:
    base = {"id": "R1", "disposition": "gp_routine", "rationale": "why", "when": {"any": ["x"]},
            "source": {"kind": "nice_cks", "topic": "t"}}
    fallback = {**base, "id": "FALLBACK", "when": {"any": ["x"]}}
    return {"version": "1", "answers": {"age_band": ["65_plus"]}, "question_order": ["age_band"],
            "rules": [{**base, **rule}], "fallback": fallback}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"disposition": "walk_in_centre"}, "unknown disposition"),
        ({"rationale": ""}, "rationale"),
        ({"source": {"kind": "a blog", "topic": "t"}}, "source"),
        ({"when": {}}, "at least one condition"),
        ({"when": {"any": ["x"], "answers": {"age_band": ["forty"]}}}, "invalid values"),
        ({"disposition": "emergency_999", "when": {"any": ["x"], "none": ["y"]}}, "may not have exclusions"),
    ],
)
def test_rules_file_invalid_rule_is_rejected_with_reason(change: dict[str, Any], message: str) -> None:
    with pytest.raises(RulesFileError, match=message):
        parse_rules(minimal(**change))


def test_rules_file_duplicate_id_is_rejected() -> None:
    raw = minimal()
    raw["rules"].append(dict(raw["rules"][0]))
    with pytest.raises(RulesFileError, match="duplicate id"):
        parse_rules(raw)


def test_rules_file_missing_version_is_rejected() -> None:
    raw = minimal()
    del raw["version"]
    with pytest.raises(RulesFileError, match="version"):
        parse_rules(raw)


def test_dispositions_file_covers_every_code_with_advice_and_service() -> None:
    catalogue = load_catalogue()
    bookable = {"gp_routine", "gp_urgent_same_day", "practice_nurse", "pharmacist", "physiotherapist",
                "mental_health", "dental"}
    for disposition in Disposition:
        info = catalogue[disposition]
        assert info.advice and info.label
        assert info.service == (disposition.value if disposition.value in bookable else None)


def test_dispositions_file_missing_code_is_rejected() -> None:
    raw = yaml.safe_load(Path(DEFAULT_DISPOSITIONS_PATH).read_text(encoding="utf-8"))
    del raw["dispositions"]["dental"]
    with pytest.raises(ValueError, match="dental"):
        parse_catalogue(raw)


def test_dispositions_order_is_by_acuity() -> None:
    order = [d.value for d in sorted(Disposition, key=lambda d: -d.acuity)]
    assert order == ["emergency_999", "a_and_e", "urgent_111", "gp_urgent_same_day", "gp_routine",
                     "practice_nurse", "pharmacist", "physiotherapist", "mental_health", "dental", "self_care"]
