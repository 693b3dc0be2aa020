"""Red-flag checklists per complaint group: the data, recognition, and what each answer does."""

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.nlu.clinical_matcher import get_clinical_matcher
from bot.triage.checklists import DEFAULT_CHECKLISTS_PATH, ChecklistsFileError, Question, parse_checklists
from bot.triage.dispositions import Disposition
from bot.triage.engine import default_checklists, default_rules, triage

CHECKLISTS = default_checklists()
GROUPS = {group.id: group for group in (*CHECKLISTS.groups, CHECKLISTS.fallback_group)}
RAW: dict[str, Any] = yaml.safe_load(Path(DEFAULT_CHECKLISTS_PATH).read_text(encoding="utf-8"))
VOCABULARY = {concept.id: concept for concept in get_clinical_matcher().vocabulary.concepts}
SAME_DAY = Disposition.GP_URGENT_SAME_DAY

# One message per group, in our own words, with the answers that make it that group where needed.
EXAMPLES: dict[str, tuple[str, dict[str, str]]] = {
    "headache": ("I've had a thumping head since this morning", {}),
    "chest_pain": ("my chest feels tight", {}),
    "breathing": ("I've got a cough that keeps me up at night", {}),
    "abdominal_pain": ("bad belly ache since lunch", {}),
    "back_pain": ("my lower back is really sore after gardening", {}),
    "leg_pain_swelling": ("my calf is swollen and tender", {}),
    "head_injury": ("my son bumped his head on the table", {}),
    "injury_or_fall": ("I twisted my ankle playing football", {}),
    "fever_adult": ("I've been shivery with a temperature for two days", {}),
    "fever_child": ("my little one has a temperature", {"age_band": "1_to_4"}),
    "rash": ("I've come out in a rash on my arms", {}),
    "bleeding": ("I noticed blood on the toilet paper", {}),
    "diarrhoea_vomiting": ("I've had the runs since yesterday", {}),
    "urinary": ("it stings when I pee", {}),
    "eye": ("I've got a sticky eye and it's all gunky", {}),
    "ear": ("my ear hurts", {}),
    "throat": ("my throat is sore", {}),
    "skin_wounds": ("I think the cut on my hand is infected", {}),
    "allergic_reaction": ("I've come out in hives", {}),
    "dizziness_fainting": ("I keep feeling dizzy when I stand up", {}),
    "weakness_numbness": ("my arm has gone weak", {}),
    "confusion": ("mum seems very confused today", {}),
    "pregnancy": ("I'm 20 weeks pregnant and worried", {}),
    "low_mood": ("I've been feeling really down for weeks", {}),
    "anxiety": ("I get panic attacks at work", {}),
    "self_harm": ("I've been cutting myself again", {}),
    "generic": ("I need some advice about something", {}),
}
ISSUE_GROUPS = set(EXAMPLES)
ITEMS = [(group_id, question) for group_id, group in GROUPS.items() for question_id in group.checklist
         for question in (CHECKLISTS.questions[question_id], *CHECKLISTS.follow_ups(question_id))]


def phrase_for(concept: str) -> str:
    """A vocabulary phrase that the matcher reads as exactly this one current concept."""
    matcher = get_clinical_matcher()
    return next(p for p in VOCABULARY[concept].phrases
                if {m.concept for m in matcher.find(p) if m.is_current} == {concept})


def yes_to(question: Question) -> dict[str, str]:
    """The red-flag answers that say yes to a question (and to its parent, for a follow-up)."""
    if question.follow_up_of is None:
        return {question.id: "yes"}
    return {question.follow_up_of: "yes", question.id: "yes"}


def ids(text: str, answers: dict[str, Any] | None = None) -> list[str]:
    return [item.id for item in triage(text, answers).checklist]


# ---------------------------------------------------------------- the data


def test_checklists_groups_are_the_issue_groups() -> None:
    assert set(GROUPS) == ISSUE_GROUPS
    assert CHECKLISTS.fallback_group.id == "generic"


@pytest.mark.parametrize("group_id", sorted(ISSUE_GROUPS))
def test_checklists_group_has_short_checklist_of_sourced_existing_concepts(group_id: str) -> None:
    group = GROUPS[group_id]
    assert 3 <= len(group.checklist) <= 7
    for question in (CHECKLISTS.questions[qid] for qid in group.checklist):
        assert question.concept in VOCABULARY
        assert question.source.split(": ", 1)[1].strip()
        assert question.ask.endswith("?")


def test_checklists_generic_group_asks_the_seven_emergencies() -> None:
    concepts = {CHECKLISTS.questions[qid].concept for qid in GROUPS["generic"].checklist}
    assert concepts == {"chest_pain", "cannot_breathe", "collapsed_fainted", "severe_bleeding",
                        "sudden_confusion", "non_blanching_rash", "suicidal_thoughts"}


@pytest.mark.parametrize("group_id", ["low_mood", "anxiety", "self_harm"])
def test_checklists_mental_health_group_asks_about_ending_life_then_a_plan(group_id: str) -> None:
    assert GROUPS[group_id].checklist[0] == "RF-SUICIDAL-THOUGHTS"
    thoughts = CHECKLISTS.questions["RF-SUICIDAL-THOUGHTS"]
    assert thoughts.concept == "suicidal_thoughts" and "ending your life" in thoughts.ask
    assert [q.concept for q in CHECKLISTS.follow_ups(thoughts.id)] == ["suicide_plan"]
    assert "NG225" in thoughts.source


def test_checklists_every_concept_has_a_phrase_to_compare_with() -> None:
    for question in CHECKLISTS.questions.values():
        assert phrase_for(question.concept)


# ---------------------------------------------------------------- recognition


@pytest.mark.parametrize("group_id", sorted(EXAMPLES))
def test_checklist_group_message_is_recognised(group_id: str) -> None:
    text, answers = EXAMPLES[group_id]
    result = triage(text, answers)
    assert group_id in result.complaint_groups
    assert "generic" not in result.complaint_groups or result.complaint_groups == ("generic",)


def test_checklist_unrecognised_message_gets_generic_group() -> None:
    result = triage("I need some advice about something")
    assert result.complaint_groups == ("generic",)
    assert [item.concept for item in result.checklist] == [
        "chest_pain", "cannot_breathe", "collapsed_fainted", "severe_bleeding", "sudden_confusion",
        "non_blanching_rash", "suicidal_thoughts"]
    assert all(item.source and item.group == "generic" for item in result.checklist)


def test_checklist_child_fever_is_not_the_adult_group() -> None:
    groups = triage("my little one has a temperature", {"age_band": "1_to_4"}).complaint_groups
    assert "fever_child" in groups and "fever_adult" not in groups
    assert "fever_child" not in triage("baby isnt moving as much, im 32 weeks pregnant").complaint_groups


# ---------------------------------------------------------------- answers


@pytest.mark.parametrize(("group_id", "question"), ITEMS, ids=[f"{g}-{q.id}" for g, q in ITEMS])
def test_checklist_yes_gives_the_disposition_of_saying_it(group_id: str, question: Question) -> None:
    text, answers = EXAMPLES[group_id]
    before = triage(text, answers)
    said = " and ".join(phrase_for(CHECKLISTS.questions[qid].concept) for qid in yes_to(question))
    expected = triage(f"{text}. {said}", answers)
    # Saying it may also state an answer ("pregnant" -> pregnant=yes); give the yes the same answers.
    stated = {**expected.answers_from_text, **answers}
    result = triage(text, {**stated, "red_flags": yes_to(question)})
    assert result.disposition is expected.disposition
    assert {r.id for r in result.fired_rules} == {r.id for r in expected.fired_rules}
    assert result.disposition.acuity >= before.disposition.acuity
    if result.disposition.acuity > before.disposition.acuity:  # the rule that raised it names the concept
        rules = {rule.id: rule for rule in default_rules().rules}
        top = [rules[r.id] for r in result.fired_rules if r.disposition is result.disposition]
        assert any(question.concept in rule.all_concepts + rule.any_concepts for rule in top)


@pytest.mark.parametrize("question_id", sorted(CHECKLISTS.questions))
def test_checklist_yes_alone_fires_the_rules_of_the_phrase(question_id: str) -> None:
    question = CHECKLISTS.questions[question_id]
    said = triage(phrase_for(question.concept))
    answered = triage("", {"red_flags": {question_id: "yes"}})
    assert answered.disposition is said.disposition
    assert [r.id for r in answered.fired_rules] == [r.id for r in said.fired_rules]


def test_checklist_not_sure_lifts_routine_to_same_day() -> None:
    before = triage("bad belly ache since lunch", {"sex": "male"})
    assert before.disposition is Disposition.GP_ROUTINE
    result = triage("bad belly ache since lunch", {"sex": "male", "red_flags": {"RF-BLACK-STOOL": "not_sure"}})
    assert result.disposition is SAME_DAY
    assert "CHECKLIST-NOT-SURE" in {r.id for r in result.fired_rules}
    assert "RF-BLACK-STOOL" not in [item.id for item in result.checklist]


@pytest.mark.parametrize("question_id", sorted(CHECKLISTS.questions))
def test_checklist_not_sure_is_at_least_same_day(question_id: str) -> None:
    result = triage("I need some advice about something", {"red_flags": {question_id: "not_sure"}})
    assert result.disposition.acuity >= SAME_DAY.acuity


@pytest.mark.parametrize(("text", "expected"), [("crushing chest pain", Disposition.EMERGENCY_999),
                                                ("vomiting blood", Disposition.A_AND_E),
                                                ("my calf is swollen and tender", Disposition.URGENT_111)])
def test_checklist_not_sure_never_lowers(text: str, expected: Disposition) -> None:
    for question_id in CHECKLISTS.questions:
        assert triage(text, {"red_flags": {question_id: "not_sure"}}).disposition is expected


def test_checklist_unsure_values_count_as_not_sure() -> None:
    result = triage("my ear hurts", {"red_flags": {"RF-FACE-DROOP": "unsure"}})
    assert result.disposition is SAME_DAY


def test_checklist_no_removes_the_question_and_changes_nothing_else() -> None:
    before = triage("I've had a thumping head since this morning")
    after = triage("I've had a thumping head since this morning", {"red_flags": {"RF-STIFF-NECK": "no"}})
    assert "RF-STIFF-NECK" in [item.id for item in before.checklist]
    assert [item.id for item in after.checklist] == [i.id for i in before.checklist if i.id != "RF-STIFF-NECK"]
    assert (after.disposition, after.fired_rules, after.questions_needed) == (
        before.disposition, before.fired_rules, before.questions_needed)


def test_checklist_answered_yes_disappears() -> None:
    result = triage("my ear hurts", {"red_flags": {"RF-NON-BLANCHING-RASH": "yes"}})
    assert result.disposition is Disposition.EMERGENCY_999
    assert result.checklist == ()


def test_checklist_low_mood_asks_about_ending_life_and_plan_only_after_yes() -> None:
    text = "I've been feeling really down for weeks"
    first = ids(text)
    assert first[0] == "RF-SUICIDAL-THOUGHTS" and "RF-SUICIDE-PLAN" not in first
    for value in ("no", "not_sure"):
        assert "RF-SUICIDE-PLAN" not in ids(text, {"red_flags": {"RF-SUICIDAL-THOUGHTS": value}})
    after_yes = triage(text, {"red_flags": {"RF-SUICIDAL-THOUGHTS": "yes"}})
    assert after_yes.disposition is Disposition.URGENT_111
    assert after_yes.checklist[0].id == "RF-SUICIDE-PLAN"
    assert after_yes.checklist[0].follow_up_of == "RF-SUICIDAL-THOUGHTS"
    plan = triage(text, {"red_flags": {"RF-SUICIDAL-THOUGHTS": "yes", "RF-SUICIDE-PLAN": "yes"}})
    assert plan.disposition is Disposition.EMERGENCY_999
    assert "E999-SUICIDE-PLAN" in {r.id for r in plan.fired_rules}


def test_checklist_thoughts_said_in_text_asks_the_plan() -> None:
    checklist = ids("i dont want to be here anymore")
    assert "RF-SUICIDAL-THOUGHTS" not in checklist and checklist[0] == "RF-SUICIDE-PLAN"


def test_checklist_anxiety_asks_about_ending_life() -> None:
    assert ids("I get panic attacks at work")[0] == "RF-SUICIDAL-THOUGHTS"


def test_checklist_answer_rules_out_question() -> None:
    assert "RF-LATE-PERIOD" not in ids("bad belly ache since lunch", {"sex": "male"})
    assert "RF-TESTICLE-PAIN" not in ids("bad belly ache since lunch", {"sex": "female"})
    assert {"RF-LATE-PERIOD", "RF-TESTICLE-PAIN"} <= set(ids("bad belly ache since lunch", {"sex": "unsure"}))


def test_checklist_late_period_with_tummy_pain_goes_to_a_and_e() -> None:
    result = triage("bad belly ache since lunch", {"sex": "female", "red_flags": {"RF-LATE-PERIOD": "yes"}})
    assert result.disposition is Disposition.A_AND_E


def test_checklist_emergency_asks_nothing_more() -> None:
    assert triage("crushing chest pain").checklist == ()


def test_checklist_two_groups_are_deduplicated_in_stable_order() -> None:
    result = triage("headache and I've been throwing up all night")
    assert result.complaint_groups == ("headache", "diarrhoea_vomiting")
    concepts = [item.concept for item in result.checklist]
    assert len(concepts) == len(set(concepts))
    assert [item.group for item in result.checklist] == sorted(
        (item.group for item in result.checklist), key=result.complaint_groups.index)
    assert triage("headache and I've been throwing up all night").checklist == result.checklist


def test_checklist_only_raising_questions_are_asked() -> None:
    result = triage("I noticed blood on the toilet paper")  # same-day already
    assert "RF-FEEL-FAINT" not in [item.id for item in result.checklist]
    assert "RF-HEAVY-BLEEDING" in [item.id for item in result.checklist]


@pytest.mark.parametrize(("red_flags", "message"), [
    ({"RF-NOPE": "yes"}, "unknown red-flag question"),
    ({"RF-CHEST-PAIN": "maybe"}, "is not one of"),
    ("yes", "must map question ids"),
])
def test_checklist_bad_answer_is_rejected(red_flags: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        triage("cough", {"red_flags": red_flags})


def test_checklist_result_json_has_groups_checklist_and_version() -> None:
    data = triage("my ear hurts").to_dict()
    assert data["complaint_groups"] == ["ear"]
    assert data["checklists_version"] == str(RAW["version"])
    assert set(data["checklist"][0]) == {"id", "question", "concept", "source", "group", "follow_up_of"}


# ---------------------------------------------------------------- the loader


def changed(change: Any) -> dict[str, Any]:
    raw = copy.deepcopy(RAW)
    change(raw)
    return raw


def _set_checklist(raw: dict[str, Any], checklist: list[str]) -> None:
    raw["groups"][0]["checklist"] = checklist


@pytest.mark.parametrize(("change", "message"), [
    (lambda raw: raw["questions"][0].update(concept="chest_pian"), "unknown concept"),
    (lambda raw: raw["questions"][0].pop("source"), "source"),
    (lambda raw: raw["questions"][0].update(source={"kind": "a blog", "topic": "t"}), "source"),
    (lambda raw: raw["questions"][1].update(id=raw["questions"][0]["id"]), "duplicate id"),
    (lambda raw: raw["groups"][1].update(id=raw["groups"][0]["id"]), "duplicate id"),
    (lambda raw: _set_checklist(raw, []), "empty"),
    (lambda raw: _set_checklist(raw, [q["id"] for q in raw["questions"][:8]]), "at most 7"),
    (lambda raw: _set_checklist(raw, ["RF-NOPE"]), "unknown questions"),
    (lambda raw: _set_checklist(raw, ["RF-SUICIDE-PLAN"]), "follow-ups"),
    (lambda raw: raw["questions"][0].update(concept="cold_sore"), "could not raise"),
    (lambda raw: raw["questions"][0].update(concept="dental_problem"), "could lower"),
    (lambda raw: raw["questions"][0].update(only_if={"sex": ["robot"]}), "unknown sex values"),
    (lambda raw: raw["questions"][0].update(follow_up_of="RF-NOPE"), "not a top-level question"),
    (lambda raw: raw["questions"].append({**raw["questions"][0], "id": "RF-SPARE"}), "not in any group"),
    (lambda raw: raw["groups"][0].update(recognised_when=[{"any": ["nope"]}]), "unknown concepts"),
    (lambda raw: raw["groups"][0].update(recognised_when=[{"age_bands": ["teen"]}]), "unknown age bands"),
    (lambda raw: raw["groups"][0].pop("recognised_when"), "needs 'recognised_when'"),
    (lambda raw: raw.update(fallback_group="nope"), "fallback_group"),
    (lambda raw: raw["not_sure"].update(disposition="gp_routine"), "'not sure' must lift"),
    (lambda raw: raw["not_sure"].update(id="E999-CHEST-PAIN"), "already a rule id"),
    (lambda raw: raw.pop("version"), "version"),
])
def test_checklists_loader_rejects_bad_file(change: Any, message: str) -> None:
    with pytest.raises(ChecklistsFileError, match=message):
        parse_checklists(changed(change), concepts=frozenset(VOCABULARY), rules=default_rules())


def test_checklists_loader_accepts_the_packaged_file() -> None:
    loaded = parse_checklists(copy.deepcopy(RAW), concepts=frozenset(VOCABULARY), rules=default_rules())
    assert loaded.version == str(RAW["version"]) and len(loaded.groups) + 1 == len(RAW["groups"])
