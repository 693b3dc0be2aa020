"""Rasa policy: a time phrase where a booking flow waits is a time wish, never "out of scope".

Use it in config.yml after RedFlagPolicy: `- name: bot.policies.time_wish_policy.TimeWishPolicy`.
Right after a user message (no form active) that carries a `time` entity (bot.nlu.time_parser) and
states a wish (not history such as "since Tuesday"):

- at the list of offered times (or the confirm step), a time that names exactly one offered slot
  ("the 11:20 one", "book me the 9:15") holds it: `action_hold_slot`;
- at the list of the patient's appointments, a day or time that names exactly one ("the tuesday
  one") chooses it: `action_choose_appointment`;
- at the list, the confirm step or the waitlist offer, any other wish searches again with it
  folded in: `action_offer_slots`, whatever the classifier made of the words ("I can't do that,
  anything later?" read as deny or out of scope);
- outside any flow, a wish the classifier could not place ("is there a slot at half 4 on friday"),
  or any wish answering the offer to book after triage ("yes but only on a Friday", even if read as
  a reschedule), starts a booking with it: `action_offer_slots` (which asks what the appointment is
  for when no service is known yet, keeping the wish).

At those steps, declining the practitioner offered ("anyone is fine", "someone else") searches
everyone's times again, with or without a time phrase.

It abstains for stop, cancel, reschedule, symptoms and waitlist requests, for a yes at the confirm
step when the time held already keeps to the wish, and whenever a form is active (triage asks its
own questions). Priority: above RulePolicy, below RedFlagPolicy. It learns nothing.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from bot.nlu.practitioner_words import declines_practitioner
from bot.nlu.time_wishes import Wish, picked_by_time, to_filters, wish_from

logger = logging.getLogger(__name__)

OFFER, HOLD, CHOOSE_APPOINTMENT = "action_offer_slots", "action_hold_slot", "action_choose_appointment"
LONDON = ZoneInfo("Europe/London")
# Between RedFlagPolicy (10) and RulePolicy (6).
TIME_WISH_POLICY_PRIORITY = 8
CHOOSING_STEPS = frozenset({"choosing_slot", "confirming_booking", "confirming_reschedule"})
CONFIRMING_STEPS = frozenset({"confirming_booking", "confirming_reschedule"})
WISH_STEPS = CHOOSING_STEPS | {"offering_waitlist"}
# What a patient stating a time may have been read as, inside a flow and outside one.
IN_FLOW_INTENTS = frozenset({"inform", "out_of_scope", "nlu_fallback", "deny", "affirm", "book_appointment",
                             "reschedule_appointment", "choose_option", "greet", "thank"})
NO_FLOW_INTENTS = frozenset({"inform", "out_of_scope", "nlu_fallback"})
CHANGE_INTENTS = frozenset({"cancel_appointment"})
# "Would you like me to find an appointment?" answered "yes but only on a Friday": a booking with a wish,
# never a change to an appointment the patient does not have.
OFFER_BOOKING = "utter_offer_booking"
OFFER_ANSWER_INTENTS = frozenset({"affirm", "book_appointment", "reschedule_appointment"})


def _time_entities(tracker: DialogueStateTracker) -> list[dict[str, Any]]:
    entities = (tracker.latest_message.entities if tracker.latest_message else None) or []
    return [e for e in entities if e.get("entity") == "time"]


def _moment(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value)).astimezone(LONDON)
    except ValueError:
        return None


def _starts(value: Any) -> list[datetime]:
    slots = value if isinstance(value, list) else [value] if isinstance(value, dict) else []
    return [m for s in slots if isinstance(s, dict) and (m := _moment(s.get("start")))]


def _states_a_wish(entities: list[dict[str, Any]], wish: Wish) -> bool:
    """A wish stated (annotated test entities carry no parse details and count as stated)."""
    return not wish.is_empty() or any("additional_info" not in e for e in entities)


def _not_a_pick(entities: list[dict[str, Any]]) -> bool:
    """A wish no option number can be read from ("after 4?", "not fridays", "anything later"), unlike a
    date ("the 2nd one"), which may be the second option."""
    kinds = {(e.get("additional_info") or {}).get("kind") for e in entities}
    return bool(kinds & {"time_of_day", "part_of_day", "weekdays", "excluded_weekdays", "relative"})


def _held_keeps_to(tracker: DialogueStateTracker, wish: Wish) -> bool:
    held = _starts(tracker.get_slot("held_slot"))
    if not held or wish.relative:
        return False
    filters = to_filters(wish)
    start = held[0]
    return ((filters.start is None or filters.start <= start) and (filters.end is None or start < filters.end)
            and filters.matches_time_of_day(start)
            and (not filters.weekdays or ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[start.weekday()]
                 in filters.weekdays))


def next_action(tracker: DialogueStateTracker, now: datetime) -> str | None:
    """The action a time wish on the latest message calls for, or None to leave it to the rules."""
    if tracker.latest_action_name != ACTION_LISTEN_NAME or tracker.active_loop_name:
        return None
    intent = (tracker.latest_message.intent or {}).get("name") if tracker.latest_message else None
    step = tracker.get_slot("booking_step")
    if (step in WISH_STEPS and intent in IN_FLOW_INTENTS - {"choose_option"}
            and isinstance(tracker.get_slot("preferred_practitioner"), dict)
            and declines_practitioner(tracker.latest_message.text if tracker.latest_message else "")):
        return OFFER  # "anyone is fine": everyone's times, not only the person offered
    entities = _time_entities(tracker)
    if not entities:
        return None
    wish = wish_from(entities, now)
    if not _states_a_wish(entities, wish):
        return None
    if step == "choosing_appointment" and intent in IN_FLOW_INTENTS | CHANGE_INTENTS:
        booked = [b.get("slot") for b in tracker.get_slot("upcoming_appointments") or [] if isinstance(b, dict)]
        picked = picked_by_time(entities, _starts(booked), now, clock_needed=False)
        return CHOOSE_APPOINTMENT if picked is not None else None
    offered = _starts(tracker.get_slot("offered_slots"))
    if step in CHOOSING_STEPS and intent in IN_FLOW_INTENTS and picked_by_time(entities, offered, now) is not None:
        return HOLD
    if step in WISH_STEPS and (intent in IN_FLOW_INTENTS - {"choose_option"}
                               or (intent == "choose_option" and _not_a_pick(entities))):
        if step in CONFIRMING_STEPS and intent == "affirm" and _held_keeps_to(tracker, wish):
            return None
        return OFFER
    if step is None and (intent in NO_FLOW_INTENTS
                         or (intent in OFFER_ANSWER_INTENTS and _last_action(tracker) == OFFER_BOOKING)):
        return OFFER
    return None


def _last_action(tracker: DialogueStateTracker) -> str | None:
    """The bot's last action before it listened for the latest message."""
    actions = [e.action_name for e in tracker.events if isinstance(e, ActionExecuted)]
    before = [name for name in actions[:-1] if name != ACTION_LISTEN_NAME] if actions else []
    return before[-1] if before else None


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True
)
class TimeWishPolicy(Policy):  # type: ignore[misc]  # rasa is untyped
    """Predicts a search (or a hold) for a time wish wherever a booking flow waits."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Priority between RedFlagPolicy and RulePolicy."""
        return {"priority": TIME_WISH_POLICY_PRIORITY}

    def train(self, training_trackers: list[TrackerWithCachedStates], domain: Domain,
              **kwargs: Any) -> Resource:
        """Nothing to learn; checks the domain knows the actions it predicts."""
        missing = {OFFER, HOLD, CHOOSE_APPOINTMENT} - set(domain.action_names_or_texts)
        if missing:
            raise ValueError(f"TimeWishPolicy: the domain has no action(s) {sorted(missing)}")
        with self._model_storage.write_to(self._resource):
            pass
        return self._resource

    def predict_action_probabilities(self, tracker: DialogueStateTracker, domain: Domain,
                                     rule_only_data: dict[str, Any] | None = None,
                                     **kwargs: Any) -> PolicyPrediction:
        """The search or the hold for a time wish, else abstain."""
        action = next_action(tracker, datetime.now(LONDON))
        probabilities = self._default_predictions(domain)
        if action is None:
            return self._prediction(probabilities)
        logger.info("Time wish on the latest message: predicting %s", action)
        probabilities[domain.index_for_action(action)] = 1.0
        return self._prediction(probabilities)
