"""The red-flag checklist step of the triage form, as whole conversations at tracker level.

Every complaint group of bot/triage/data/checklists.yml is reached from words the engine recognises
as that group; its checklist is asked; a "yes" raises the outcome exactly as the rules say. Also: a
"not sure", a red flag typed in the middle of a checklist, replies typed on SMS ("1 and 3", "none"),
the thoughts-of-ending-your-life question and its plan follow-up, and the confirm summary.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import actions.same_day
from actions.checklist_answers import from_text, next_group, summary_line
from bot.triage.engine import default_checklists, triage
from bot.triage.result import ChecklistItem
from tests.actions.triage_conversation import FIXED_NOW, FakeSlotSearch, TriageChat

pytestmark = pytest.mark.anyio

# Answers to the rules' own questions, as the buttons send them.
DEFAULT_ANSWERS = {"age_band": "16_to_64", "sex": "female", "pregnant": "no", "severity": "moderate",
                   "onset": "gradual", "duration": "1_to_3_days"}
# Words the engine recognises as each group (with the answers that make it that group).
GROUP_TEXTS: dict[str, tuple[str, dict[str, str]]] = {
    "chest_pain": ("I have chest pain", {}),
    "breathing": ("I've had a cough", {}),
    "headache": ("I have a headache", {}),
    "head_injury": ("I banged my head", {}),
    "weakness_numbness": ("my arm is weak", {}),
    "confusion": ("my dad is confused", {}),
    "dizziness_fainting": ("I feel dizzy and faint", {}),
    "allergic_reaction": ("I think I'm having an allergic reaction", {}),
    "fever_child": ("my son has a temperature", {"who_is_ill": "someone_else", "age_band": "1_to_4"}),
    "fever_adult": ("I have a temperature", {}),
    "abdominal_pain": ("I have tummy pain", {}),
    "bleeding": ("there is blood in my poo", {}),
    "diarrhoea_vomiting": ("I have diarrhoea", {}),
    "back_pain": ("I have back pain", {}),
    "leg_pain_swelling": ("my calf is swollen", {}),
    "injury_or_fall": ("I twisted my ankle", {}),
    "urinary": ("burning when i wee", {}),
    "eye": ("I've got conjunctivitis", {}),
    "ear": ("I have earache", {}),
    "throat": ("I have a sore throat", {}),
    "rash": ("I have a rash", {}),
    "skin_wounds": ("I got bitten by an insect", {}),
    "pregnancy": ("I'm pregnant", {}),
    "self_harm": ("I have been self harming", {}),
    "low_mood": ("I feel really low and depressed", {}),
    "anxiety": ("I feel really anxious all the time", {}),
    "generic": ("I need my blood pressure checked", {}),
}
# Recognising these groups takes a concept that is an emergency by itself: the form ends at once.
EMERGENCY_ON_RECOGNITION = {"chest_pain", "weakness_numbness", "confusion"}
UTI = "burning when i wee"


@pytest.fixture(autouse=True)
def same_day_slots(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSlotSearch]:
    """The backend's slot search, faked: an urgent GP slot free this afternoon, the clock fixed."""
    search = FakeSlotSearch([FIXED_NOW.replace(hour=15)])
    monkeypatch.setattr(actions.same_day, "get_client", lambda: search)
    monkeypatch.setattr(actions.same_day, "uk_now", lambda: FIXED_NOW)
    yield search


async def answer_until_checklist(chat: TriageChat, text: str, answers: dict[str, str] | None = None) -> None:
    """Start triage with `text` and answer the rules' questions until the checklist (or the end)."""
    given = {"who_is_ill": "self", **DEFAULT_ANSWERS, **(answers or {})}
    await chat.say(text, "describe_symptoms")
    for _ in range(10):
        if chat.finished or chat.requested in ("triage_checklist", "triage_confirmed"):
            return
        slot = str(chat.requested)
        await chat.press(f'/inform{{"{slot}": "{given[slot]}"}}')
    raise AssertionError(f"stuck at {chat.requested}")


async def finish(chat: TriageChat) -> str:
    """Answer the rest of the checklist "none", confirm, and return the disposition."""
    for _ in range(10):
        if chat.finished:
            return str(chat.slots["triage_disposition"])
        if chat.requested == "triage_checklist":
            await chat.tap("None of these")
        else:
            await chat.say("yes that's right", "affirm")
    raise AssertionError("the triage never ended")


def engine_answers(chat: TriageChat) -> dict[str, Any]:
    answers: dict[str, Any] = {slot: chat.slots[slot] for slot in DEFAULT_ANSWERS if chat.slots.get(slot)}
    return {**answers, "red_flags": dict(chat.slots.get("triage_red_flags") or {})}


def test_every_group_has_a_conversation_test() -> None:
    checklists = default_checklists()
    assert set(GROUP_TEXTS) == {group.id for group in checklists.groups} | {checklists.fallback_group.id}


@pytest.mark.parametrize("group", sorted(GROUP_TEXTS))
async def test_checklist_each_group_is_asked_and_a_yes_raises_as_the_rules_say(group: str) -> None:
    text, answers = GROUP_TEXTS[group]
    chat = TriageChat()
    await answer_until_checklist(chat, text, answers)
    complaint = str(chat.seen["triage_complaint"])
    if group in EMERGENCY_ON_RECOGNITION:
        assert group in triage(complaint).complaint_groups
        assert chat.finished and chat.slots["triage_outcome"] == "emergency"
        return
    assert chat.responses == ["utter_ask_triage_checklist"]
    shown = chat.shown
    group_of = {item.id: item.group for item in triage(complaint, engine_answers(chat)).checklist}
    assert shown and {group_of[qid] for qid in shown} == {group}
    titles = [button["title"] for button in chat.replies[0]["buttons"]]
    assert titles[-2:] == ["None of these", "Not sure"] and titles[0].startswith("1. ")
    answers = engine_answers(chat)  # the outcome empties the form: keep what the engine is given
    before = triage(complaint, {**answers, "red_flags": dict.fromkeys(shown, "no")}).disposition

    await chat.tap("1. ")  # yes to the first question (and to any follow-up it opens)
    while chat.requested == "triage_checklist" and all(
            default_checklists().questions[qid].follow_up_of for qid in chat.shown):
        await chat.tap("1. ")
    disposition = await finish(chat)
    flags = chat.seen["triage_red_flags"]

    raised = triage(complaint, {**answers, "red_flags": flags}).disposition
    assert flags[shown[0]] == "yes"
    assert disposition == raised.value
    assert raised.acuity > before.acuity, f"a yes to {shown[0]} did not raise {before.value}"


async def test_checklist_none_of_these_closes_the_group_and_the_summary_says_so() -> None:
    chat = TriageChat()
    await answer_until_checklist(chat, UTI)
    await chat.tap("None of these")
    assert chat.requested == "triage_confirmed"
    assert chat.replies[0]["summary"].endswith("- Red-flag questions: none of these")
    assert await finish(chat) == "pharmacist"


async def test_checklist_a_yes_is_listed_in_the_summary_and_raises_the_outcome() -> None:
    chat = TriageChat()
    await answer_until_checklist(chat, UTI)
    await chat.tap("5. Is there blood in your wee?")
    while chat.requested == "triage_checklist":  # the rest, still worth asking, come back without it
        assert "RF-BLOOD-IN-URINE" not in chat.shown
        await chat.tap("None of these")
    assert 'yes to "Is there blood in your wee?"' in chat.replies[0]["summary"]
    expected = triage(UTI, engine_answers(chat)).disposition.value
    assert await finish(chat) == expected != "pharmacist"


async def test_checklist_not_sure_means_a_clinician_today() -> None:
    chat = TriageChat()
    await answer_until_checklist(chat, UTI)
    await chat.tap("Not sure")
    assert chat.requested == "triage_confirmed"
    assert "not sure about" in chat.replies[0]["summary"]
    await chat.say("yes", "affirm")
    assert chat.slots["triage_disposition"] == "gp_urgent_same_day"
    assert chat.slots["triage_rules"][0] == "CHECKLIST-NOT-SURE"
    assert chat.responses == ["utter_triage_outcome_gp_urgent_same_day"]


@pytest.mark.parametrize("intent", ["describe_symptoms", "inform"])
async def test_checklist_a_red_flag_typed_mid_checklist_ends_the_form_with_999(intent: str) -> None:
    chat = TriageChat()
    await answer_until_checklist(chat, UTI)
    await chat.say("my lips have gone blue and I can't breathe", intent)
    assert chat.finished
    assert chat.slots["triage_outcome"] == "emergency"
    assert chat.responses[0].startswith("utter_emergency")


async def test_checklist_other_words_mid_checklist_join_the_complaint_and_the_list_is_worked_out_again() -> None:
    chat = TriageChat()
    await answer_until_checklist(chat, UTI)
    await chat.say("I've also got a headache", "describe_symptoms")
    assert chat.slots["triage_complaint"] == f"{UTI}. I've also got a headache"
    assert not chat.finished


async def test_checklist_a_reply_that_is_neither_is_asked_again() -> None:
    chat = TriageChat()
    await answer_until_checklist(chat, UTI)
    shown = chat.shown
    await chat.say("purple", "inform")
    assert chat.responses == ["utter_triage_not_understood", "utter_ask_triage_checklist"]
    assert chat.shown == shown and chat.slots.get("triage_red_flags") is None


# ---------------------------------------------------------------------------- SMS and WhatsApp
@pytest.mark.parametrize("reply", ["1 and 3", "1,3", "1, 3", "3 1", "numbers 1 & 3"])
async def test_checklist_sms_several_numbers_are_yes_to_those_and_no_to_the_rest(reply: str) -> None:
    chat = TriageChat(channel="twilio_sms")
    await answer_until_checklist(chat, UTI)
    assert chat.responses == ["utter_ask_triage_checklist_numbered"]
    shown = chat.shown
    await chat.say(reply, "inform")
    flags = chat.seen["triage_red_flags"]
    assert {qid for qid, value in flags.items() if value == "yes"} == {shown[0], shown[2]}
    assert all(flags[qid] == "no" for qid in shown if qid not in (shown[0], shown[2]))


async def test_checklist_sms_one_number_is_yes_to_it_and_no_to_the_rest() -> None:
    chat = TriageChat(channel="twilio_sms")
    await answer_until_checklist(chat, UTI)
    shown = chat.shown
    await chat.tap("5. ")  # the channel sends a typed "5" on as that button's payload
    assert chat.seen["triage_red_flags"] == {**dict.fromkeys(shown, "no"), shown[4]: "yes"}
    assert chat.requested == "triage_confirmed"


@pytest.mark.parametrize(("reply", "intent", "value"), [
    ("none", "deny", "no"), ("no", "deny", "no"), ("0", "inform", "no"), ("None of them", "deny", "no"),
    ("not sure", "inform", "not_sure"), ("dunno", "inform", "not_sure"),
])
async def test_checklist_whatsapp_none_and_not_sure_answer_every_question_shown(reply: str, intent: str,
                                                                                value: str) -> None:
    chat = TriageChat(channel="whatsapp")
    await answer_until_checklist(chat, UTI)
    shown = chat.shown
    await chat.say(reply, intent)
    assert chat.seen["triage_red_flags"] == dict.fromkeys(shown, value)


async def test_checklist_sms_a_plain_yes_answers_a_single_question() -> None:
    chat = TriageChat(channel="twilio_sms")
    await answer_until_checklist(chat, "I feel really low and depressed")
    await chat.say("1", "inform")  # thoughts of ending their life
    assert chat.shown == ["RF-SUICIDE-PLAN"]
    await chat.say("yes", "affirm")
    assert chat.finished and chat.responses == ["utter_emergency_crisis"]


@pytest.mark.parametrize("text", [
    "1 and 3", "1,3", "2 4", "numbers one and three", "3.", "none", "none of these", "no", "nope", "0",
    "not sure", "I'm not sure", "dunno",
])
def test_from_text_reads_sms_replies(text: str) -> None:
    assert from_text(text, ["A", "B", "C", "D"]) is not None


@pytest.mark.parametrize("text", ["yes", "9", "1 and 9", "0 and 2", "no chest pain but I can't breathe", "purple"])
def test_from_text_leaves_what_is_not_an_answer(text: str) -> None:
    assert from_text(text, ["A", "B", "C", "D"]) is None


def test_from_text_numbers_after_the_questions_are_none_and_not_sure() -> None:
    assert from_text("3", ["A", "B"]) == {"A": "no", "B": "no"}
    assert from_text("4", ["A", "B"]) == {"A": "not_sure", "B": "not_sure"}
    assert from_text("1 and 4", ["A", "B"]) == {"A": "yes", "B": "not_sure"}
    assert from_text("yes", ["A"]) == {"A": "yes"}


def test_next_group_asks_an_opened_follow_up_on_its_own() -> None:
    items = (ChecklistItem("RF-CHEST-PAIN", "q", "chest_pain", "s", "generic"),
             ChecklistItem("RF-SUICIDE-PLAN", "q", "suicide_plan", "s", "generic", "RF-SUICIDAL-THOUGHTS"),
             ChecklistItem("RF-X", "q", "x", "s", "other"))
    assert [item.id for item in next_group(items)] == ["RF-SUICIDE-PLAN"]
    assert [item.id for item in next_group(items[:1] + items[2:])] == ["RF-CHEST-PAIN"]


def test_summary_line_lists_yes_and_not_sure_briefly() -> None:
    assert summary_line({}) is None
    assert summary_line({"RF-CANNOT-PEE": "no"}) == "Red-flag questions: none of these"
    assert summary_line({"RF-CANNOT-PEE": "yes", "RF-UTI-FEVER": "not_sure", "RF-UTI-VOMITING": "no"}) == (
        'Red-flag questions: yes to "Are you unable to pee at all?", not sure about '
        '"Do you have a high temperature, or feel hot and shivery?"')


# ---------------------------------------------------------------------------- low mood
POINTLESS = "I don't see the point in anything anymore"


async def ask_about_ending_life(text: str) -> TriageChat:
    """Through the checklist until the question about thoughts of ending one's life is shown."""
    chat = TriageChat()
    await answer_until_checklist(chat, text)
    for _ in range(4):
        if "RF-SUICIDAL-THOUGHTS" in chat.shown:
            return chat
        await chat.tap("None of these")
    raise AssertionError(f"never asked about thoughts of ending their life: {chat.shown}")


@pytest.mark.parametrize("text", [POINTLESS, "I feel really low and depressed", "I feel really anxious all the time"])
@pytest.mark.parametrize(("thoughts", "plan", "outcome"), [
    ("yes", "yes", "emergency_999"), ("yes", "no", "urgent_111"), ("not_sure", None, "gp_urgent_same_day"),
])
async def test_low_mood_asks_about_ending_life_then_a_plan(text: str, thoughts: str, plan: str | None,
                                                           outcome: str) -> None:
    chat = await ask_about_ending_life(text)
    titles = [button["title"] for button in chat.replies[0]["buttons"]]
    assert any("thoughts of ending your life" in title for title in titles)
    if thoughts == "yes":
        await chat.answer_checklist("RF-SUICIDAL-THOUGHTS")
        assert chat.shown == ["RF-SUICIDE-PLAN"]  # the plan is asked next, on its own
        await chat.answer_checklist("RF-SUICIDE-PLAN" if plan == "yes" else "none")
    else:
        await chat.answer_checklist("not_sure")
    if not chat.finished:
        await finish(chat)
    assert chat.slots["triage_disposition"] == outcome
    if outcome == "emergency_999":
        assert chat.responses == ["utter_emergency_crisis"]
