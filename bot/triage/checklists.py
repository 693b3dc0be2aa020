"""Load and validate the red-flag checklists per complaint group (bot/triage/data/checklists.yml).

A complaint group is recognised from the CURRENT concepts of the text (and the age band); its
checklist is a short list of yes/no questions, each about one red-flag concept that the rules in
rules.yml act on. The loader is strict, like the rules loader: an unknown concept, answer or question,
a duplicate id, a missing source, an empty or over-long checklist, or a question whose "yes" could not
raise any disposition to same-day or above stops the load with a message naming the entry.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.triage.dispositions import Disposition, parse_disposition
from bot.triage.rules import Rule, RuleSet, RulesFileError, Source, parse_source

DEFAULT_CHECKLISTS_PATH = Path(__file__).resolve().parent / "data" / "checklists.yml"
MAX_CHECKLIST_LENGTH = 7
UNKNOWN_AGE = "unknown"
# A "yes" must be able to lift the outcome at least this far, and "not sure" must lift at least this far.
SAME_DAY = Disposition.GP_URGENT_SAME_DAY


class ChecklistsFileError(ValueError):
    """The checklists file is malformed; the message names the entry and the field."""


@dataclass(frozen=True)
class Question:
    """One yes/no red-flag question; a "yes" makes `concept` current."""

    id: str
    ask: str
    concept: str
    source: str
    follow_up_of: str | None = None
    only_if: Mapping[str, frozenset[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Recognition:
    """One way a group is recognised: any `any` concept current, no `none` concept, age band fits."""

    any_concepts: tuple[str, ...] = ()
    none_concepts: tuple[str, ...] = ()
    age_bands: frozenset[str] = frozenset()

    def holds(self, current: Collection[str], age_band: str) -> bool:
        """True when the current concepts and the age band (or `unknown`) fit this alternative."""
        return ((not self.any_concepts or any(c in current for c in self.any_concepts))
                and not any(c in current for c in self.none_concepts)
                and (not self.age_bands or age_band in self.age_bands))


@dataclass(frozen=True)
class ComplaintGroup:
    """A presenting complaint and its red-flag checklist (question ids, in asking order)."""

    id: str
    label: str
    rationale: str
    recognised_when: tuple[Recognition, ...]
    checklist: tuple[str, ...]

    def recognised(self, current: Collection[str], age_band: str) -> bool:
        """True when any alternative of `recognised_when` holds."""
        return any(r.holds(current, age_band) for r in self.recognised_when)


@dataclass(frozen=True)
class Checklists:
    """All complaint groups and questions of one version, plus the "not sure" rule."""

    version: str
    questions: Mapping[str, Question]
    groups: tuple[ComplaintGroup, ...]
    fallback_group: ComplaintGroup
    not_sure_rule: Rule
    _follow_ups: Mapping[str, tuple[Question, ...]] = field(default_factory=dict, repr=False)

    def follow_ups(self, question_id: str) -> tuple[Question, ...]:
        """The questions asked only after a "yes" to `question_id`, in file order."""
        return self._follow_ups.get(question_id, ())


def _text(raw: Mapping[str, Any], key: str, where: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ChecklistsFileError(f"{where}: '{key}' must be a non-empty text")
    return value.strip()


def _names(raw: Any, where: str) -> tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(x, str) and x for x in raw):
        raise ChecklistsFileError(f"{where}: expected a list of names")
    return tuple(raw)


def _source(raw: Mapping[str, Any], where: str) -> Source:
    try:
        return parse_source(raw.get("source"), where)
    except RulesFileError as error:
        raise ChecklistsFileError(str(error)) from None


def _known(names: Collection[str], known: Collection[str], what: str, where: str) -> None:
    unknown = [name for name in names if known and name not in known]
    if unknown:
        raise ChecklistsFileError(f"{where}: unknown {what} {unknown}")


def _rules_raising(concept: str, rules: RuleSet) -> Iterator[Rule]:
    """Rules at same-day or above that name `concept` as a condition."""
    for rule in rules.rules:
        if rule.disposition.acuity >= SAME_DAY.acuity and concept in rule.all_concepts + rule.any_concepts:
            yield rule


def _parse_question(raw: Any, index: int, concepts: Collection[str], rules: RuleSet | None) -> Question:
    where = f"questions[{index}]"
    if not isinstance(raw, dict):
        raise ChecklistsFileError(f"{where}: expected a mapping")
    where = f"question {_text(raw, 'id', where)}"
    concept = _text(raw, "concept", where)
    _known([concept], concepts, "concept", where)
    only_if_raw = raw.get("only_if") or {}
    if not isinstance(only_if_raw, dict):
        raise ChecklistsFileError(f"{where}.only_if: expected a mapping of answer -> values")
    only_if = {}
    for key, values in only_if_raw.items():
        names = _names(values, f"{where}.only_if.{key}")
        if rules is not None:
            _known([key], rules.answer_values, "answer", f"{where}.only_if")
            _known(names, rules.answer_values[key], f"{key} values", f"{where}.only_if")
        if not names:
            raise ChecklistsFileError(f"{where}.only_if.{key}: expected at least one value")
        only_if[str(key)] = frozenset(names)
    if rules is not None:
        if not any(_rules_raising(concept, rules)):
            raise ChecklistsFileError(f"{where}: no rule at {SAME_DAY.value} or above uses concept "
                                      f"{concept!r}, so a yes could not raise the outcome")
        if any(concept in rule.none_concepts for rule in rules.rules):
            raise ChecklistsFileError(f"{where}: concept {concept!r} is a rule exclusion; a yes could lower")
    follow_up_of = raw.get("follow_up_of")
    if follow_up_of is not None and not isinstance(follow_up_of, str):
        raise ChecklistsFileError(f"{where}.follow_up_of: expected a question id")
    source = _source(raw, where)
    return Question(str(raw["id"]), _text(raw, "ask", where), concept, f"{source.kind}: {source.topic}",
                    follow_up_of, only_if)


def _parse_recognition(raw: Any, where: str, concepts: Collection[str],
                       age_bands: Collection[str]) -> Recognition:
    if not isinstance(raw, dict) or not raw.keys() <= {"any", "none", "age_bands"}:
        raise ChecklistsFileError(f"{where}: expected a mapping with any, none and/or age_bands")
    any_concepts = _names(raw.get("any"), f"{where}.any")
    none_concepts = _names(raw.get("none"), f"{where}.none")
    bands = _names(raw.get("age_bands"), f"{where}.age_bands")
    _known(any_concepts + none_concepts, concepts, "concepts", where)
    _known(bands, age_bands, "age bands", where)
    if not any_concepts and not bands:
        raise ChecklistsFileError(f"{where}: needs 'any' concepts or 'age_bands'")
    return Recognition(any_concepts, none_concepts, frozenset(bands))


def _parse_group(raw: Any, index: int, questions: Mapping[str, Question], concepts: Collection[str],
                 age_bands: Collection[str]) -> ComplaintGroup:
    where = f"groups[{index}]"
    if not isinstance(raw, dict):
        raise ChecklistsFileError(f"{where}: expected a mapping")
    where = f"group {_text(raw, 'id', where)}"
    recognised_raw = raw.get("recognised_when") or []
    if not isinstance(recognised_raw, list):
        raise ChecklistsFileError(f"{where}.recognised_when: expected a list of alternatives")
    recognised = tuple(_parse_recognition(r, f"{where}.recognised_when[{i}]", concepts, age_bands)
                       for i, r in enumerate(recognised_raw))
    checklist = _names(raw.get("checklist"), f"{where}.checklist")
    if not checklist:
        raise ChecklistsFileError(f"{where}.checklist: empty; every group needs its red-flag questions")
    if len(checklist) > MAX_CHECKLIST_LENGTH:
        raise ChecklistsFileError(f"{where}.checklist: {len(checklist)} questions, at most "
                                  f"{MAX_CHECKLIST_LENGTH} (a checklist must stay short)")
    if len(set(checklist)) != len(checklist):
        raise ChecklistsFileError(f"{where}.checklist: a question is listed twice")
    _known(checklist, questions, "questions", f"{where}.checklist")
    follow_ups = [qid for qid in checklist if questions[qid].follow_up_of]
    if follow_ups:
        raise ChecklistsFileError(f"{where}.checklist: follow-ups {follow_ups} come with their parent "
                                  "question and are not listed")
    return ComplaintGroup(str(raw["id"]), _text(raw, "label", where), _text(raw, "rationale", where),
                          recognised, checklist)


def _parse_not_sure(raw: Any, rules: RuleSet | None) -> Rule:
    where = "not_sure"
    if not isinstance(raw, dict):
        raise ChecklistsFileError(f"{where}: expected a rule with id, disposition, rationale and source")
    rule_id = _text(raw, "id", where)
    try:
        disposition = parse_disposition(str(raw.get("disposition")))
    except ValueError as error:
        raise ChecklistsFileError(f"{where}: {error}") from None
    if disposition.acuity < SAME_DAY.acuity:
        raise ChecklistsFileError(f"{where}: 'not sure' must lift to {SAME_DAY.value} or above")
    if rules is not None and rule_id in {r.id for r in (*rules.rules, rules.fallback)}:
        raise ChecklistsFileError(f"{where}: id {rule_id} is already a rule id")
    return Rule(rule_id, disposition, _text(raw, "rationale", where), _source(raw, where))


def _parse_questions(raw: Any, concepts: Collection[str], rules: RuleSet | None) -> dict[str, Question]:
    if not isinstance(raw, list) or not raw:
        raise ChecklistsFileError("questions: expected a non-empty list")
    questions: dict[str, Question] = {}
    for index, entry in enumerate(raw):
        question = _parse_question(entry, index, concepts, rules)
        if question.id in questions:
            raise ChecklistsFileError(f"question {question.id}: duplicate id")
        questions[question.id] = question
    for question in questions.values():
        parent = question.follow_up_of
        if parent is not None and (parent not in questions or questions[parent].follow_up_of):
            raise ChecklistsFileError(f"question {question.id}.follow_up_of: {parent!r} is not a "
                                      "top-level question")
    return questions


def _parse_groups(raw: Any, questions: Mapping[str, Question], concepts: Collection[str],
                  rules: RuleSet | None) -> dict[str, ComplaintGroup]:
    if not isinstance(raw, list) or not raw:
        raise ChecklistsFileError("groups: expected a non-empty list")
    age_bands = (*rules.answer_values.get("age_band", ()), UNKNOWN_AGE) if rules is not None else ()
    groups: dict[str, ComplaintGroup] = {}
    for index, entry in enumerate(raw):
        group = _parse_group(entry, index, questions, concepts, age_bands)
        if group.id in groups:
            raise ChecklistsFileError(f"group {group.id}: duplicate id")
        groups[group.id] = group
    asked = {qid for g in groups.values() for qid in g.checklist}
    unused = [q.id for q in questions.values() if (q.follow_up_of or q.id) not in asked]
    if unused:
        raise ChecklistsFileError(f"questions {unused}: not in any group's checklist")
    return groups


def parse_checklists(raw: Any, *, concepts: Collection[str] = (), rules: RuleSet | None = None) -> Checklists:
    """Validate parsed YAML; `concepts` and `rules`, when given, must cover every name used."""
    if not isinstance(raw, dict) or "version" not in raw:
        raise ChecklistsFileError("checklists file: expected a mapping with a top-level 'version'")
    questions = _parse_questions(raw.get("questions"), concepts, rules)
    groups = _parse_groups(raw.get("groups"), questions, concepts, rules)
    fallback_id = raw.get("fallback_group")
    if fallback_id not in groups:
        raise ChecklistsFileError(f"fallback_group: {fallback_id!r} is not a group id")
    for group in groups.values():
        if (group.id == fallback_id) == bool(group.recognised_when):
            raise ChecklistsFileError(f"group {group.id}: every group but the fallback needs "
                                      "'recognised_when', and the fallback has none")
    follow_ups: dict[str, tuple[Question, ...]] = {}
    for question in questions.values():
        if question.follow_up_of is not None:
            follow_ups[question.follow_up_of] = (*follow_ups.get(question.follow_up_of, ()), question)
    return Checklists(str(raw["version"]), questions,
                      tuple(g for g in groups.values() if g.id != fallback_id), groups[fallback_id],
                      _parse_not_sure(raw.get("not_sure"), rules), follow_ups)


def load_checklists(path: Path = DEFAULT_CHECKLISTS_PATH, *, concepts: Collection[str] = (),
                    rules: RuleSet | None = None) -> Checklists:
    """Read and validate a checklists file (the engine caches the packaged one)."""
    with path.open(encoding="utf-8") as handle:
        return parse_checklists(yaml.safe_load(handle), concepts=concepts, rules=rules)
