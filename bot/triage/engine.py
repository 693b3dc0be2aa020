"""The triage engine: free text + answers -> disposition, fired rules, advice and open questions.

Pure and deterministic. Only current mentions count (negated and past ones never do); the final
disposition is the most acute that any fired rule produced; an ML proposal can raise it, never
lower it. From free text alone the result is the best disposition for what was said, and
`questions_needed` lists, in asking order, the answers that could still raise it.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from functools import lru_cache

from bot.nlu.clinical_matcher import ClinicalMatcher, get_clinical_matcher
from bot.triage.dispositions import (
    Disposition,
    DispositionCatalogue,
    load_catalogue,
    most_acute,
    parse_disposition,
)
from bot.triage.result import FiredRule, TriageResult
from bot.triage.rules import Rule, RuleSet, load_rules, validate_answers

logger = logging.getLogger(__name__)

ML_RULE_ID = "ML-PROPOSAL"


@lru_cache(maxsize=1)
def default_rules() -> RuleSet:
    """Return the packaged rules, checked against the packaged vocabulary and advice."""
    concepts = frozenset(c.id for c in get_clinical_matcher().vocabulary.concepts)
    return load_rules(concepts=concepts, advice_keys=frozenset(load_catalogue().advice_extras))


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


def triage(
    text: str,
    answers: Mapping[str, str] | None = None,
    *,
    ml_proposal: str | None = None,
    rules: RuleSet | None = None,
    matcher: ClinicalMatcher | None = None,
    catalogue: DispositionCatalogue | None = None,
) -> TriageResult:
    """Triage one message (plus any answers so far) and say where the patient should go."""
    answers = dict(answers or {})
    rules = rules or default_rules()
    matcher = matcher or get_clinical_matcher()
    catalogue = catalogue or load_catalogue()
    validate_answers(answers, rules)
    proposal = parse_disposition(ml_proposal) if ml_proposal is not None else None

    concepts = tuple(matcher.find(text))
    current = {match.concept for match in concepts if match.is_current}
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
    if not fired:
        fired.append(rules.fallback)

    fired_rules = [_fired(rule) for rule in fired]
    final = most_acute(rule.disposition for rule in fired) or rules.fallback.disposition
    if proposal is not None and proposal.acuity > final.acuity:
        final = proposal
        fired_rules.append(FiredRule(ML_RULE_ID, proposal, "The language model proposed a more "
                                     "acute disposition; proposals may raise, never lower.",
                                     "model: NLU proposal"))
    questions = sorted({key for rule, key in pending if rule.disposition.acuity > final.acuity},
                       key=rules.question_order.index)
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
    )
