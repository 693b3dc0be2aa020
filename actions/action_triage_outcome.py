"""Triage is over: say where to go and why, and set the slots the booking flow starts from.

Sets `triage_disposition`, `triage_rules`, `routed_service` and the outcome code `triage_outcome`
(`emergency`, `urgent`, `bookable` or `self_care`; the rules offer a booking for the last two),
then empties the form for any later problem. The domain words each outcome; the engine gives the
advice and the rationale ("why"). A "today" outcome on a day with no urgent GP appointment left says
so and gives the alternatives, and offers nothing to book (outcome `urgent`).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import same_day
from actions import triage_state as ts
from actions.backend_client import BackendError
from bot.nlu.clinical_entities import CRISIS, red_flag_value
from bot.triage.dispositions import Disposition
from bot.triage.result import TriageResult

logger = logging.getLogger(__name__)

EMERGENCY_RESPONSES = {CRISIS: "utter_emergency_crisis", Disposition.A_AND_E.value: "utter_emergency_a_and_e",
                       Disposition.EMERGENCY_999.value: "utter_emergency_999"}
# Self-care needs no appointment, but a patient who still wants one is offered a routine GP.
SELF_CARE_SERVICE = "gp_routine"


def outcome_code(result: TriageResult) -> str:
    """The coded outcome the rules branch on."""
    if result.is_emergency:
        return "emergency"
    if result.disposition == Disposition.URGENT_111:
        return "urgent"
    return "self_care" if result.disposition == Disposition.SELF_CARE else "bookable"


async def none_left_today(service: str | None, now: datetime | None = None) -> bool:
    """True when the outcome says "today" and the same-day service has nothing left today.

    When the backend cannot tell, the booking offer goes ahead: its own search is kept to today too.
    """
    if service != same_day.SAME_DAY_SERVICE:
        return False
    try:
        return not await same_day.free_today(service, now or same_day.uk_now())
    except BackendError as error:
        logger.warning("Same-day availability unknown: %s", type(error).__name__)
        return False


def why(result: TriageResult) -> str:
    """The rationale of the rules that decided the disposition (at most two)."""
    reasons = [r.rationale for r in result.fired_rules if r.disposition == result.disposition]
    return " ".join(dict.fromkeys(reasons[:2]))


class ActionTriageOutcome(Action):  # type: ignore[misc]  # rasa_sdk is untyped
    def name(self) -> str:
        return "action_triage_outcome"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        result = ts.run_triage(tracker)
        code = outcome_code(result)
        if code == "emergency":
            flag = red_flag_value(result) or Disposition.EMERGENCY_999.value
            dispatcher.utter_message(response=EMERGENCY_RESPONSES[flag], advice=result.advice)
        else:
            dispatcher.utter_message(response=f"utter_triage_outcome_{result.disposition.value}",
                                     why=why(result), advice=result.advice)
        service = result.service or (SELF_CARE_SERVICE if code == "self_care" else None)
        if code == "bookable" and await none_left_today(service):
            dispatcher.utter_message(response=same_day.NO_SAME_DAY_SLOTS)
            code = "urgent"  # nothing to book today: the rules offer no booking
        logger.info("Triage outcome %s (%d rules, rules %s)", result.disposition.value,
                    len(result.fired_rules), result.rules_version)
        return [
            SlotSet(ts.DISPOSITION, result.disposition.value),
            SlotSet(ts.RULES, [rule.id for rule in result.fired_rules]),
            SlotSet(ts.RULES_VERSION, result.rules_version),
            SlotSet(ts.ROUTED_SERVICE, service),
            SlotSet(ts.OUTCOME, code),
            *ts.reset_form(),
        ]
