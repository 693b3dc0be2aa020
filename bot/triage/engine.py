"""The triage engine: free text + answers -> disposition, fired rules, advice and open questions.

Pure and deterministic. Only current mentions count (negated and past ones never do); the final
disposition is the most acute that any fired rule produced; an ML proposal can raise it, never
lower it. From free text alone the result is the best disposition for what was said, and
`questions_needed` lists, in asking order, the answers that could still raise it.

It also recognises the complaint groups of the text and lists, in `checklist`, their red-flag
questions still worth asking (bot/triage/red_flag_checklist.py). Their answers come as the answer
key `red_flags`: a "yes" makes the question's concept current, so the rules fire exactly as if the
patient had said it; "not sure" lifts the outcome to at least a same-day clinician. Without that
key every other field is what it would be without checklists.

Answers the text states (an age, a duration, "I'm pregnant", "agony") are read by
bot/triage/text_answers.py and merged under the given answers (a given answer always wins), so they
are not asked again; they are returned in `answers_from_text`. A temperature read from a number
adds `fever` (and `very_high_fever`) as current concepts.

The first fired rule listed is the one that set the disposition: the most acute, and among rules of
that level the one the patient's own words matched most specifically.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from functools import lru_cache

from bot.nlu.clinical_matcher import ClinicalMatcher, ConceptMatch, get_clinical_matcher
from bot.triage.checklists import Checklists, load_checklists
from bot.triage.dispositions import (
    Disposition,
    DispositionCatalogue,
    load_catalogue,
    most_acute,
    parse_disposition,
)
from bot.triage.red_flag_checklist import (
    NOT_SURE,
    age_band_of,
    open_questions,
    recognise,
    split_answers,
    validate_red_flags,
    yes_concepts,
)
from bot.triage.result import FiredRule, TriageResult
from bot.triage.rules import Rule, RuleSet, load_rules, validate_answers
from bot.triage.text_answers import TextAnswers, read_answers

logger = logging.getLogger(__name__)

ML_RULE_ID = "ML-PROPOSAL"


@lru_cache(maxsize=1)
def default_rules() -> RuleSet:
    """Return the packaged rules, checked against the packaged vocabulary and advice."""
    concepts = frozenset(c.id for c in get_clinical_matcher().vocabulary.concepts)
    return load_rules(concepts=concepts, advice_keys=frozenset(load_catalogue().advice_extras))


@lru_cache(maxsize=1)
def default_checklists() -> Checklists:
    """Return the packaged red-flag checklists, checked against the vocabulary and the rules."""
    concepts = frozenset(c.id for c in get_clinical_matcher().vocabulary.concepts)
    return load_checklists(concepts=concepts, rules=default_rules())


def _answer_state(rule: Rule, answers: Mapping[str, str], rules: RuleSet) -> tuple[bool, list[str]]:
    """Return (no given answer contradicts the rule, the keys the rule still needs)."""
    missing = []
    for key, allowed in rule.answers.items():
        value = answers.get(key)
        if value is None:
            missing.append(key)
        elif value not in allowed and value not in rules.unsure_values:
            return False, []
    return True, missing


def _evaluate(rules: RuleSet, current: set[str] | frozenset[str], answers: Mapping[str, str]
              ) -> tuple[list[Rule], list[tuple[Rule, str]]]:
    """Return (the rules that fire, the pending rules with the first answer each still needs)."""
    fired: list[Rule] = []
    pending: list[tuple[Rule, str]] = []
    for rule in rules.rules:
        if not rule.concepts_match(current):
            continue
        consistent, missing = _answer_state(rule, answers, rules)
        if consistent and not missing:
            fired.append(rule)
        elif consistent:
            pending.append((rule, min(missing, key=rules.question_order.index)))
    return fired, pending


def _raiser(rules: RuleSet, current: frozenset[str], answers: Mapping[str, str], final: Disposition
            ) -> Callable[[frozenset[str]], bool]:
    """A test: would these extra current concepts make a rule more acute than `final` fire?"""
    # Extra concepts can only make rules match that name one of them (checklist concepts are never
    # a rule's `none`, the loader checks), so only those rules, above `final`, are tried.
    more_acute = {d for d in Disposition if d.acuity > final.acuity}
    above = [rule for rule in rules.rules if rule.disposition in more_acute]

    def raises(extra: frozenset[str]) -> bool:
        now = current | extra
        return any(not extra.isdisjoint(rule.all_concepts + rule.any_concepts) and rule.concepts_match(now)
                   and _answer_state(rule, answers, rules) == (True, []) for rule in above)

    return raises


def _fired(rule: Rule) -> FiredRule:
    source = f"{rule.source.kind}: {rule.source.topic}"
    return FiredRule(rule.id, rule.disposition, rule.rationale, source)


def _advice(final: Disposition, fired: list[Rule], catalogue: DispositionCatalogue) -> str:
    """The disposition's advice, led by any extra advice from rules at that level."""
    extras: list[str] = []
    for rule in fired:
        if rule.disposition == final:
            extras.extend(key for key in rule.advice if key not in extras)
    return "\n\n".join([catalogue.advice_extras[key] for key in extras] + [catalogue[final].advice])


def _reason_order(rule: Rule, said: frozenset[str]) -> tuple[int, int]:
    """Sort key within one acuity: rules matched by the patient's words, most specific first."""
    named = rule.all_concepts + rule.any_concepts
    matched = sum(1 for concept in named if concept in said)
    return (-matched, -(len(rule.all_concepts) + len(rule.answers)))


def _number_matches(text: str, vocabulary_kinds: Mapping[str, str]) -> tuple[TextAnswers, list[ConceptMatch]]:
    from_text = read_answers(text)
    matches = [ConceptMatch(m.concept, vocabulary_kinds.get(m.concept, "symptom"), m.text, m.start, m.end,
                            "current") for m in from_text.mentions if m.concept in vocabulary_kinds]
    return from_text, matches


def triage(
    text: str,
    answers: Mapping[str, str | Mapping[str, str]] | None = None,
    *,
    ml_proposal: str | None = None,
    rules: RuleSet | None = None,
    matcher: ClinicalMatcher | None = None,
    catalogue: DispositionCatalogue | None = None,
    checklists: Checklists | None = None,
) -> TriageResult:
    """Triage one message (plus any answers so far) and say where the patient should go.

    `answers` holds the rules' answers (age_band=65_plus, ...) and, under `red_flags`, the answers
    to checklist questions ({question id: "yes" | "no" | "not_sure"}).
    """
    rules = rules or default_rules()
    matcher = matcher or get_clinical_matcher()
    catalogue = catalogue or load_catalogue()
    checklists = checklists or default_checklists()
    rule_answers, red_flags = split_answers(answers)
    validate_answers(rule_answers, rules)
    red_flags = validate_red_flags(red_flags, checklists, rules.unsure_values)
    proposal = parse_disposition(ml_proposal) if ml_proposal is not None else None

    from_text, number_matches = _number_matches(text, matcher.kinds)
    text_answers = {k: v for k, v in from_text.answers.items() if v in rules.answer_values.get(k, ())}
    rule_answers = {**text_answers, **rule_answers}  # an answer given explicitly always wins
    concepts = tuple(matcher.find(text)) + tuple(number_matches)
    said = frozenset(match.concept for match in concepts if match.is_current)
    current = said | yes_concepts(red_flags, checklists)
    fired, pending = _evaluate(rules, current, rule_answers)
    if not fired:
        fired.append(rules.fallback)
    if NOT_SURE in red_flags.values():
        fired.append(checklists.not_sure_rule)  # unsure means more acute: at least same-day
    fired.sort(key=lambda rule: (-rule.disposition.acuity, *_reason_order(rule, said)))

    fired_rules = [_fired(rule) for rule in fired]
    final = most_acute(rule.disposition for rule in fired) or rules.fallback.disposition
    if proposal is not None and proposal.acuity > final.acuity:
        final = proposal
        fired_rules.append(FiredRule(ML_RULE_ID, proposal, "The language model proposed a more "
                                     "acute disposition; proposals may raise, never lower.",
                                     "model: NLU proposal"))
    questions = sorted({key for rule, key in pending if rule.disposition.acuity > final.acuity},
                       key=rules.question_order.index)
    groups = recognise(checklists, said, age_band_of(rule_answers, rules.unsure_values))
    checklist = open_questions(checklists, groups, said=said, red_flags=red_flags, answers=rule_answers,
                               unsure_values=rules.unsure_values,
                               raises=_raiser(rules, current, rule_answers, final))
    logger.debug("triage: %d concepts, %d rules fired, disposition %s",
                 len(concepts), len(fired_rules), final.value)
    return TriageResult(
        disposition=final,
        service=catalogue[final].service,
        advice=_advice(final, fired, catalogue),
        fired_rules=tuple(sorted(fired_rules, key=lambda r: -r.disposition.acuity)),
        concepts=concepts,
        questions_needed=tuple(questions),
        rules_version=rules.version,
        complaint_groups=tuple(group.id for group in groups),
        checklist=checklist,
        checklists_version=checklists.version,
        answers_from_text=text_answers,
    )
