"""Red-flag checklists at triage time: read the answers, recognise the complaint, list what to ask.

The answers to checklist questions come as one answer key, `red_flags`, mapping a question id to
"yes", "no" or "not_sure" (the rules' unsure values count as "not_sure"). A "yes" makes the
question's concept current; "not sure" fires the checklists' not-sure rule; "no" only closes the
question. The open questions are those of the recognised groups (or the fallback group) that are
not answered, not already said in the text, not ruled out by an answer (`only_if`), and whose "yes"
(or that of a follow-up) would raise the outcome: nothing is asked that the rules do not need.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import cast

from bot.triage.checklists import UNKNOWN_AGE, Checklists, ComplaintGroup, Question
from bot.triage.result import ChecklistItem

RED_FLAGS = "red_flags"
YES, NO, NOT_SURE = "yes", "no", "not_sure"

# Would these extra current concepts raise the outcome? (Supplied by the engine.)
Raises = Callable[[frozenset[str]], bool]


def split_answers(answers: Mapping[str, object] | None) -> tuple[dict[str, str], dict[str, str]]:
    """Separate the rules' answers from the red-flag answers (`answers["red_flags"]`)."""
    plain = {key: value for key, value in (answers or {}).items() if key != RED_FLAGS}
    raw = (answers or {}).get(RED_FLAGS)
    if raw is None:
        return cast(dict[str, str], plain), {}
    if not isinstance(raw, Mapping) or not all(isinstance(k, str) and isinstance(v, str)
                                               for k, v in raw.items()):
        raise ValueError(f"answer {RED_FLAGS!r} must map question ids to {YES}, {NO} or {NOT_SURE}")
    return cast(dict[str, str], plain), dict(raw)


def validate_red_flags(red_flags: Mapping[str, str], checklists: Checklists,
                       unsure_values: frozenset[str]) -> dict[str, str]:
    """Return the answers with unsure values read as "not_sure"; raise ValueError if one is unknown."""
    valid: dict[str, str] = {}
    for question_id, value in red_flags.items():
        if question_id not in checklists.questions:
            raise ValueError(f"unknown red-flag question {question_id!r}")
        if value not in (YES, NO, NOT_SURE) and value not in unsure_values:
            raise ValueError(f"red-flag answer {question_id}={value!r} is not one of "
                             f"{[YES, NO, NOT_SURE, *sorted(unsure_values)]}")
        valid[question_id] = value if value in (YES, NO) else NOT_SURE
    return valid


def yes_concepts(red_flags: Mapping[str, str], checklists: Checklists) -> frozenset[str]:
    """The concepts the patient said yes to."""
    return frozenset(checklists.questions[qid].concept for qid, value in red_flags.items() if value == YES)


def age_band_of(answers: Mapping[str, str], unsure_values: frozenset[str]) -> str:
    """The age band answered, or `unknown` when it is not answered (or unsure)."""
    band = answers.get("age_band")
    return UNKNOWN_AGE if band is None or band in unsure_values else band


def recognise(checklists: Checklists, current: frozenset[str], age_band: str) -> tuple[ComplaintGroup, ...]:
    """The complaint groups the current concepts show, in file order; the fallback group if none."""
    groups = tuple(g for g in checklists.groups if g.recognised(current, age_band))
    return groups or (checklists.fallback_group,)


def _ruled_out(question: Question, answers: Mapping[str, str], unsure_values: frozenset[str]) -> bool:
    """True when a given answer rules the question out (an unsure answer never does)."""
    for key, allowed in question.only_if.items():
        value = answers.get(key)
        if value is not None and value not in unsure_values and value not in allowed:
            return True
    return False


def _candidates(checklists: Checklists, groups: tuple[ComplaintGroup, ...], opened: Callable[[str], bool]
                ) -> Iterator[tuple[Question, ComplaintGroup]]:
    """Every question of the groups in asking order, each follow-up right after its opened parent."""
    for group in groups:
        for question_id in group.checklist:
            yield checklists.questions[question_id], group
            if opened(question_id):
                for follow_up in checklists.follow_ups(question_id):
                    yield follow_up, group


def open_questions(checklists: Checklists, groups: tuple[ComplaintGroup, ...], *, said: frozenset[str],
                   red_flags: Mapping[str, str], answers: Mapping[str, str],
                   unsure_values: frozenset[str], raises: Raises) -> tuple[ChecklistItem, ...]:
    """The red-flag questions still worth asking, deduplicated by id and by concept, in asking order.

    `said` holds the concepts current in the text: a question about one is not asked again, and
    opens its follow-ups as a "yes" would.
    """
    questions = checklists.questions
    settled = set(said) | {questions[qid].concept for qid in red_flags}  # said, or answered either way

    def opened(question_id: str) -> bool:
        return red_flags.get(question_id) == YES or questions[question_id].concept in said

    def worth_asking(question: Question) -> bool:
        if raises(frozenset({question.concept})):
            return True
        return any(raises(frozenset({question.concept, f.concept}))
                   for f in checklists.follow_ups(question.id))

    items: list[ChecklistItem] = []
    for question, group in _candidates(checklists, groups, opened):
        if (question.concept in settled or _ruled_out(question, answers, unsure_values)
                or not worth_asking(question)):
            continue
        settled.add(question.concept)
        items.append(ChecklistItem(question.id, question.ask, question.concept, question.source,
                                   group.id, question.follow_up_of))
    return tuple(items)
