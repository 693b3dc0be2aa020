"""The triage form asks only what the rules still need, then confirms (or corrects) before the outcome.

Required slots are recomputed every turn from the engine: the complaint, who is ill, the answers
in `questions_needed` (in the engine's order, branching on what is already answered), the red-flag
checklist while the engine still has questions (one group a turn, see actions/checklist_answers.py),
then the confirm step. An emergency from the answers ends the form at once. Answers the engine read
from the complaint itself (an age, a duration) fill their slots, so they are not asked again; so does
who it is for when the complaint plainly says ("my son has a rash"), with the relation as the
booking's label, so neither question is asked again.
An answer that cannot be read is asked again; after two, the question is explained and the patient
is offered a way to stop.
"stop" and "help" are never taken as answers, so the form rejects them and the rules act.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions import checklist_answers as checklist
from actions import triage_state as ts
from actions.booking_state import DEPENDANT_LABEL
from actions.triage_answers import ANSWER_SLOTS, PARSERS, UNSURE, parse_corrections, who_from_complaint
from bot.nlu.clinical_matcher import get_clinical_matcher
from bot.triage.engine import triage

MAX_INVALID_BEFORE_HELP = 2
SYMPTOM_INTENTS = frozenset({"describe_symptoms"})
CORRECTABLE = (ts.WHO, *ANSWER_SLOTS, ts.COMPLAINT)
_FIELD_WORDS = {"age_band": ("age", "old"), "sex": ("sex", "gender", "male", "female"), "pregnant": ("pregnan",),
                "severity": ("bad", "severe", "severity", "pain level"), "onset": ("start", "sudden", "gradual"),
                "duration": ("long", "days", "weeks"), "who_is_ill": ("who", "for me", "someone"),
                "triage_complaint": ("problem", "symptom", "describe")}


def _answer(tracker: Tracker, slot: str) -> str | None:
    """The value a button payload carries, else what the typed text says."""
    tapped = ts.entity_value(tracker, slot)
    if tapped is not None:
        return str(tapped)
    return PARSERS[slot](ts.latest_text(tracker))


def _checklist_reply(tracker: Tracker) -> dict[str, str] | None:
    """The checklist answers in the latest message (a tapped button or typed text), or None."""
    shown = [str(qid) for qid in tracker.get_slot(ts.SHOWN) or []]
    tapped = ts.entity_value(tracker, checklist.ENTITY)
    if tapped is not None:
        open_ids = [item.id for item in ts.run_triage(tracker).checklist]
        numbered = tracker.get_latest_input_channel() in checklist.NUMBERED_LIST_CHANNELS
        return checklist.from_payload(tapped, shown, open_ids, others_no=numbered)
    return checklist.from_text(ts.latest_text(tracker), shown)


def _describes_symptoms(text: str) -> bool:
    """True when the text names a current problem the engine knows ("my lips have gone blue")."""
    return any(match.is_current for match in get_clinical_matcher().find(text))  # the matcher alone: no rules


def _prefilled(tracker: Tracker, complaint: str) -> dict[str, Any]:
    """Answers the engine read from the complaint (age, duration...) for questions not answered yet,
    and who it is for when the complaint says so plainly."""
    from_text = triage(complaint, ts.answers(tracker)).answers_from_text
    answers = {slot: str(value) for slot, value in from_text.items()
               if slot in ANSWER_SLOTS and tracker.get_slot(slot) is None and value is not None}
    who, _ = who_from_complaint(complaint)
    if who is not None and tracker.get_slot(ts.WHO) is None:
        answers[ts.WHO] = who  # validate_who_is_ill sets for_dependant and the label
    return answers


def _field_to_change(tracker: Tracker) -> str | None:
    tapped = ts.entity_value(tracker, "triage_field")
    if tapped in CORRECTABLE:
        return str(tapped)
    text = ts.latest_text(tracker).lower()
    return next((slot for slot, words in _FIELD_WORDS.items() if any(w in text for w in words)), None)


class ValidateTriageForm(FormValidationAction):  # type: ignore[misc]  # rasa_sdk is untyped
    def name(self) -> str:
        return "validate_triage_form"

    async def required_slots(self, domain_slots: list[str], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> list[str]:
        requested, reask = tracker.get_slot(ts.REQUESTED), tracker.get_slot(ts.REASK)
        answered = [s for s in ANSWER_SLOTS if tracker.get_slot(s) is not None or s in (requested, reask)]
        if not tracker.get_slot(ts.COMPLAINT):
            return [ts.COMPLAINT, ts.WHO, *answered]
        result = ts.run_triage(tracker)
        if result.is_emergency:  # nothing more to ask: the outcome says 999 / A&E now
            return [ts.COMPLAINT, *([ts.WHO] if tracker.get_slot(ts.WHO) or requested == ts.WHO else []), *answered]
        needed = [q for q in result.questions_needed if q not in answered]
        # An answer being validated keeps the step in, even if a detail typed with it closed the list.
        asking_checklist = bool(result.checklist) or tracker.get_slot(ts.CHECKLIST) is not None
        return [ts.COMPLAINT, ts.WHO, *answered, *needed, *([ts.CHECKLIST] if asking_checklist else []),
                ts.CONFIRMED]

    # ------------------------------------------------------------------ extraction
    async def extract_triage_complaint(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                       domain: DomainDict) -> dict[str, Any]:
        intent, text = ts.latest_intent(tracker), ts.latest_text(tracker).strip()
        asked = tracker.get_slot(ts.REQUESTED) == ts.COMPLAINT
        if not text or text.startswith("/") or intent in ts.NOT_ANSWERS:
            return {}
        at_checklist = tracker.get_slot(ts.REQUESTED) == ts.CHECKLIST
        if intent in SYMPTOM_INTENTS or asked or (at_checklist and _describes_symptoms(text)):
            previous = tracker.get_slot(ts.COMPLAINT)
            # Everything described in this triage counts, so later details can only raise acuity.
            complaint = f"{previous}. {text}" if previous and not asked else text
            return {ts.COMPLAINT: complaint, **_prefilled(tracker, complaint)}
        return {}

    async def _extract_answer(self, slot: str, tracker: Tracker) -> dict[str, Any]:
        intent = ts.latest_intent(tracker)
        if tracker.get_slot(ts.REQUESTED) != slot or intent in ts.NOT_ANSWERS:
            return {}
        value = _answer(tracker, slot)
        if value is None and intent in SYMPTOM_INTENTS:
            return {}  # more about the problem, not an answer: the complaint takes it, ask again
        return {slot: value}

    async def extract_who_is_ill(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                 domain: DomainDict) -> dict[str, Any]:
        return await self._extract_answer(ts.WHO, tracker)

    async def extract_age_band(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: DomainDict) -> dict[str, Any]:
        return await self._extract_answer("age_band", tracker)

    async def extract_sex(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                          domain: DomainDict) -> dict[str, Any]:
        return await self._extract_answer("sex", tracker)

    async def extract_pregnant(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: DomainDict) -> dict[str, Any]:
        if ts.latest_intent(tracker) in ("affirm", "deny") and tracker.get_slot(ts.REQUESTED) == "pregnant":
            return {"pregnant": "yes" if ts.latest_intent(tracker) == "affirm" else "no"}
        return await self._extract_answer("pregnant", tracker)

    async def extract_severity(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: DomainDict) -> dict[str, Any]:
        return await self._extract_answer("severity", tracker)

    async def extract_onset(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                            domain: DomainDict) -> dict[str, Any]:
        return await self._extract_answer("onset", tracker)

    async def extract_duration(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: DomainDict) -> dict[str, Any]:
        return await self._extract_answer("duration", tracker)

    async def extract_triage_checklist(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                       domain: DomainDict) -> dict[str, Any]:
        intent = ts.latest_intent(tracker)
        if tracker.get_slot(ts.REQUESTED) != ts.CHECKLIST or intent in ts.NOT_ANSWERS:
            return {}
        reply = _checklist_reply(tracker)
        if reply is not None:
            return {ts.CHECKLIST: reply}
        text = ts.latest_text(tracker).strip()
        if intent in SYMPTOM_INTENTS or (not text.startswith("/") and _describes_symptoms(text)):
            return {}  # more about the problem: the complaint takes it and the checklist is worked out again
        return {ts.CHECKLIST: checklist.NOT_UNDERSTOOD}

    async def extract_triage_confirmed(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                       domain: DomainDict) -> dict[str, Any]:
        intent = ts.latest_intent(tracker)
        if tracker.get_slot(ts.REQUESTED) != ts.CONFIRMED or intent in ts.NOT_ANSWERS:
            return {}
        if intent in SYMPTOM_INTENTS:
            return {ts.CONFIRMED: None}  # more detail: summarise again with it
        return {ts.CONFIRMED: intent == "affirm" and _field_to_change(tracker) is None}

    # ------------------------------------------------------------------ validation
    def _invalid(self, slot: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> dict[str, Any]:
        count = int(tracker.get_slot(ts.INVALID_COUNT) or 0) + 1
        if count >= MAX_INVALID_BEFORE_HELP:
            dispatcher.utter_message(response="utter_triage_help")
            dispatcher.utter_message(response="utter_triage_offer_stop")
        else:
            dispatcher.utter_message(response="utter_triage_not_understood")
        return {slot: None, ts.INVALID_COUNT: float(count)}

    def _valid(self, slot: str, value: Any, **more: Any) -> dict[str, Any]:
        return {slot: value, ts.INVALID_COUNT: 0.0, **more}

    def validate_triage_complaint(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                  domain: DomainDict) -> dict[str, Any]:
        if not value or not str(value).strip():
            return self._invalid(ts.COMPLAINT, dispatcher, tracker)
        return self._valid(ts.COMPLAINT, str(value).strip())

    def validate_who_is_ill(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                            domain: DomainDict) -> dict[str, Any]:
        if value not in ("self", "someone_else"):
            return self._invalid(ts.WHO, dispatcher, tracker)
        reask = {ts.REASK: None} if tracker.get_slot(ts.REASK) == ts.WHO else {}
        # "my son": the booking is for "son" and its name is not asked; a label from an earlier problem goes.
        relation = who_from_complaint(ts.latest_text(tracker))[1] if value == "someone_else" else None
        return self._valid(ts.WHO, value, **{ts.FOR_DEPENDANT: value == "someone_else", DEPENDANT_LABEL: relation},
                           **reask)

    def _validate_answer(self, slot: str, value: Any, dispatcher: CollectingDispatcher,
                         tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        allowed = domain.get("slots", {}).get(slot, {}).get("values") or []
        if value is None or (allowed and value not in allowed and value != UNSURE):
            return self._invalid(slot, dispatcher, tracker)
        return self._valid(slot, value, **({ts.REASK: None} if tracker.get_slot(ts.REASK) == slot else {}))

    def validate_age_band(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                          domain: DomainDict) -> dict[str, Any]:
        return self._validate_answer("age_band", value, dispatcher, tracker, domain)

    def validate_sex(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                     domain: DomainDict) -> dict[str, Any]:
        return self._validate_answer("sex", value, dispatcher, tracker, domain)

    def validate_pregnant(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                          domain: DomainDict) -> dict[str, Any]:
        return self._validate_answer("pregnant", value, dispatcher, tracker, domain)

    def validate_severity(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                          domain: DomainDict) -> dict[str, Any]:
        return self._validate_answer("severity", value, dispatcher, tracker, domain)

    def validate_onset(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                       domain: DomainDict) -> dict[str, Any]:
        return self._validate_answer("onset", value, dispatcher, tracker, domain)

    def validate_duration(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                          domain: DomainDict) -> dict[str, Any]:
        return self._validate_answer("duration", value, dispatcher, tracker, domain)

    def validate_triage_checklist(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                  domain: DomainDict) -> dict[str, Any]:
        if not isinstance(value, dict) or not value:
            return self._invalid(ts.CHECKLIST, dispatcher, tracker)
        # The step is asked again while questions remain; the answers are kept apart and only grow.
        return self._valid(ts.CHECKLIST, None, **{ts.RED_FLAGS: {**ts.red_flags(tracker), **value}})

    def validate_triage_confirmed(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                  domain: DomainDict) -> dict[str, Any]:
        if value is True:
            return self._valid(ts.CONFIRMED, True, **{ts.CORRECTING: False})
        if value is None:
            return {ts.CONFIRMED: None, ts.CORRECTING: False}
        field = _field_to_change(tracker)
        corrections = parse_corrections(ts.latest_text(tracker))
        if corrections:  # "no, I'm 70": take the new answer and summarise again
            return self._valid(ts.CONFIRMED, None, **corrections, **{ts.CORRECTING: False})
        if field is not None:  # "change my age": ask that question again, needed or not
            return self._valid(ts.CONFIRMED, None, **{field: None, ts.CORRECTING: False, ts.REASK: field})
        if ts.latest_intent(tracker) == "deny" or tracker.get_slot(ts.CORRECTING) is not True:
            return self._valid(ts.CONFIRMED, None, **{ts.CORRECTING: True})
        return {**self._invalid(ts.CONFIRMED, dispatcher, tracker), ts.CORRECTING: True}
