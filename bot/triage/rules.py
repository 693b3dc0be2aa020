"""Load and validate the versioned triage rules (bot/triage/data/rules.yml).

A rule fires when all of its `all` concepts and at least one of its `any` concepts are current
in the text, none of its `none` concepts is (routing only: 999 and A&E rules may not use it,
so nothing can switch an emergency off), and every answer it names has one of the listed values (an "unsure" answer
matches any value: unsure means more acute). A rule whose concepts match but whose answers are
not given yet is pending: the engine reports the question it needs.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.triage.dispositions import Disposition, parse_disposition

DEFAULT_RULES_PATH = Path(__file__).resolve().parent / "data" / "rules.yml"
SOURCE_KINDS = frozenset({"nhs_when_to_call_999", "nhs_111", "nice_cks", "nice_guideline",
                          "nhs_pharmacy_first", "nhs_health_a_z", "practice_routing"})


class RulesFileError(ValueError):
    """The rules file is malformed; the message names the rule and the field."""


@dataclass(frozen=True)
class Source:
    """Where a rule comes from: the kind of guidance and the page or topic."""

    kind: str
    topic: str


@dataclass(frozen=True)
class Rule:
    """One deterministic triage rule."""

    id: str
    disposition: Disposition
    rationale: str
    source: Source
    all_concepts: tuple[str, ...] = ()
    any_concepts: tuple[str, ...] = ()
    none_concepts: tuple[str, ...] = ()
    answers: Mapping[str, frozenset[str]] = field(default_factory=dict)
    advice: tuple[str, ...] = ()

    def concepts_match(self, current: Collection[str]) -> bool:
        """True when the text holds every `all` concept and at least one `any` concept."""
        return (all(c in current for c in self.all_concepts)
                and (not self.any_concepts or any(c in current for c in self.any_concepts))
                and not any(c in current for c in self.none_concepts))


@dataclass(frozen=True)
class RuleSet:
    """All rules of one version, plus the answers they may ask about."""

    version: str
    answer_values: Mapping[str, tuple[str, ...]]
    question_order: tuple[str, ...]
    unsure_values: frozenset[str]
    rules: tuple[Rule, ...]
    fallback: Rule


def _text(raw: Mapping[str, Any], key: str, where: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise RulesFileError(f"{where}: '{key}' must be a non-empty text")
    return value.strip()


def _names(raw: Any, where: str) -> tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
        raise RulesFileError(f"{where}: expected a list of names")
    return tuple(raw)


def parse_source(raw: Any, where: str) -> Source:
    """Validate a `source: {kind, topic}` mapping; `where` names the entry in errors."""
    if not isinstance(raw, dict) or raw.get("kind") not in SOURCE_KINDS:
        raise RulesFileError(f"{where}.source: needs 'kind' (one of {sorted(SOURCE_KINDS)}) "
                             "and 'topic'")
    return Source(raw["kind"], _text(raw, "topic", f"{where}.source"))


def _parse_answers(raw: Any, where: str, allowed: Mapping[str, tuple[str, ...]]
                   ) -> dict[str, frozenset[str]]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise RulesFileError(f"{where}.when.answers: expected a mapping")
    answers = {}
    for key, values in raw.items():
        if key not in allowed:
            raise RulesFileError(f"{where}.when.answers: unknown answer {key!r}")
        names = _names(values, f"{where}.when.answers.{key}")
        unknown = [v for v in names if v not in allowed[key]]
        if not names or unknown:
            raise RulesFileError(f"{where}.when.answers.{key}: invalid values {unknown or names}")
        answers[str(key)] = frozenset(names)
    return answers


def _parse_rule(raw: Any, index: int, allowed: Mapping[str, tuple[str, ...]],
                concepts: Collection[str], advice_keys: Collection[str]) -> Rule:
    where = f"rules[{index}]"
    if not isinstance(raw, dict):
        raise RulesFileError(f"{where}: expected a mapping")
    rule_id = _text(raw, "id", where)
    where = f"rule {rule_id}"
    try:
        disposition = parse_disposition(str(raw.get("disposition")))
    except ValueError as error:
        raise RulesFileError(f"{where}: {error}") from None
    when = raw.get("when") or {}
    if not isinstance(when, dict):
        raise RulesFileError(f"{where}.when: expected a mapping")
    all_concepts = _names(when.get("all"), f"{where}.when.all")
    any_concepts = _names(when.get("any"), f"{where}.when.any")
    none_concepts = _names(when.get("none"), f"{where}.when.none")
    if none_concepts and disposition.is_emergency:
        raise RulesFileError(f"{where}.when.none: 999 and A&E rules may not have exclusions")
    unknown = [c for c in all_concepts + any_concepts + none_concepts
               if concepts and c not in concepts]
    if unknown:
        raise RulesFileError(f"{where}: unknown concepts {unknown}")
    advice = _names(raw.get("advice"), f"{where}.advice")
    if advice_keys and any(a not in advice_keys for a in advice):
        raise RulesFileError(f"{where}.advice: unknown advice keys {list(advice)}")
    return Rule(rule_id, disposition, _text(raw, "rationale", where),
                parse_source(raw.get("source"), where), all_concepts, any_concepts, none_concepts,
                _parse_answers(when.get("answers"), where, allowed), advice)


def parse_rules(raw: Any, concepts: Collection[str] = (),
                advice_keys: Collection[str] = ()) -> RuleSet:
    """Validate parsed YAML; `concepts` and `advice_keys`, when given, must cover the names used."""
    if not isinstance(raw, dict) or "version" not in raw:
        raise RulesFileError("rules file: expected a mapping with a top-level 'version'")
    allowed_raw = raw.get("answers")
    if not isinstance(allowed_raw, dict):
        raise RulesFileError("answers: expected a mapping of answer -> allowed values")
    allowed = {str(k): _names(v, f"answers.{k}") for k, v in allowed_raw.items()}
    order = _names(raw.get("question_order"), "question_order")
    if sorted(order) != sorted(allowed):
        raise RulesFileError("question_order: must list every answer exactly once")
    rules_raw = raw.get("rules")
    if not isinstance(rules_raw, list) or not rules_raw:
        raise RulesFileError("rules: expected a non-empty list")
    rules = tuple(_parse_rule(r, i, allowed, concepts, advice_keys) for i, r in enumerate(rules_raw))
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            raise RulesFileError(f"rule {rule.id}: duplicate id")
        seen.add(rule.id)
        if not rule.all_concepts and not rule.any_concepts and not rule.answers:
            raise RulesFileError(f"rule {rule.id}: needs at least one condition")
    fallback = _parse_rule(raw.get("fallback"), -1, allowed, concepts, advice_keys)
    if fallback.id in seen:
        raise RulesFileError(f"rule {fallback.id}: duplicate id")
    return RuleSet(str(raw["version"]), allowed, order,
                   frozenset(_names(raw.get("unsure_values"), "unsure_values")), rules, fallback)


def validate_answers(answers: Mapping[str, str], rules: RuleSet) -> None:
    """Raise ValueError with a clear message if an answer key or value is not known."""
    for key, value in answers.items():
        if key not in rules.answer_values:
            raise ValueError(f"unknown answer {key!r}; expected one of {sorted(rules.answer_values)}")
        if value not in rules.answer_values[key] and value not in rules.unsure_values:
            raise ValueError(f"answer {key}={value!r} is not one of "
                             f"{list(rules.answer_values[key]) + sorted(rules.unsure_values)}")


@lru_cache(maxsize=4)
def load_rules(path: Path = DEFAULT_RULES_PATH, concepts: frozenset[str] = frozenset(),
               advice_keys: frozenset[str] = frozenset()) -> RuleSet:
    """Read, validate and cache a rules file."""
    with path.open(encoding="utf-8") as handle:
        return parse_rules(yaml.safe_load(handle), concepts, advice_keys)
