"""Tell the patient about a practitioner (bio, languages): the one they name or number, or those on offer."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import booking_state as state
from actions.backend_client import BackendError, BackendUnavailable, NotFound, Practitioner, get_client
from actions.practitioner_match import DIRECTORY_PAGE, ROLE_BY_SERVICE, languages_asked, mentioned, role_asked, speaking

logger = logging.getLogger(__name__)

LANGUAGE_NAMES = {
    "en": "English", "pl": "Polish", "ur": "Urdu", "pa": "Punjabi", "bn": "Bengali", "ar": "Arabic",
    "so": "Somali", "ro": "Romanian", "cy": "Welsh", "gu": "Gujarati", "zh": "Chinese",
}
MAX_DESCRIBED = 3


def _named(tracker: Tracker) -> str | None:
    entities = (tracker.latest_message or {}).get("entities") or []
    names = [str(e.get("value")) for e in entities if e.get("entity") == "practitioner" and e.get("value")]
    return names[0] if names else None


def _languages(codes: list[str]) -> str:
    names = [LANGUAGE_NAMES.get(code, code) for code in codes]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


class ActionPractitionerInfo(Action):  # type: ignore[misc]  # rasa_sdk is untyped
    def name(self) -> str:
        return "action_practitioner_info"

    async def _candidates(self, tracker: Tracker) -> list[int]:
        """Ids of the practitioners the patient is asking about, most specific first: a number on offer,
        a name (on offer, then in the directory), a role or a language, else those on offer."""
        offered = state.stored_slots(tracker, state.OFFERED_SLOTS)
        held = state.stored_slot(tracker, state.HELD_SLOT)
        number, name = state.option_number(tracker), _named(tracker)
        text = f"{(tracker.latest_message or {}).get('text') or ''} {name or ''}"
        if number is not None and 1 <= number <= len(offered):
            return [offered[number - 1].practitioner.id]
        on_offer = [s.practitioner for s in ([held] if held else []) + offered]
        if found := mentioned(text, on_offer):
            return list(dict.fromkeys(p.id for p in found))[:MAX_DESCRIBED]
        service_role = ROLE_BY_SERVICE.get(tracker.get_slot(state.ROUTED_SERVICE) or "")
        asked_role, asked_languages = role_asked(text), languages_asked(text)
        directory = await get_client().practitioners(role=asked_role or service_role, limit=DIRECTORY_PAGE)
        everyone = (await get_client().practitioners(limit=DIRECTORY_PAGE)
                    if asked_role is None and service_role else [])
        if named := mentioned(text, directory) or mentioned(text, everyone):
            return [p.id for p in named][:MAX_DESCRIBED]
        if asked_languages:
            return [p.id for p in speaking(directory, asked_languages)][:MAX_DESCRIBED]
        if asked_role is not None:
            return [p.id for p in directory][:MAX_DESCRIBED]
        return list(dict.fromkeys(p.id for p in on_offer))[:MAX_DESCRIBED]

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        try:
            wanted = await self._candidates(tracker)
            found: list[Practitioner] = []
            for practitioner_id in wanted:
                try:
                    found.append(await get_client().practitioner(practitioner_id))
                except NotFound:
                    continue
        except BackendUnavailable:
            dispatcher.utter_message(response="utter_practitioner_info_unavailable")
            return []
        except BackendError as error:
            logger.info("Practitioner lookup refused: %s", type(error).__name__)
            found = []
        if not found:
            dispatcher.utter_message(response="utter_practitioner_not_found")
        for practitioner in found:
            dispatcher.utter_message(response="utter_practitioner_bio", name=practitioner.display_name,
                                     bio=practitioner.bio, languages=_languages(practitioner.languages),
                                     practice=practitioner.organisation_name)
        if tracker.get_slot(state.STEP) in {state.CHOOSING_SLOT, state.CONFIRMING_BOOKING,
                                            state.CONFIRMING_RESCHEDULE}:
            dispatcher.utter_message(response=f"utter_resume_{tracker.get_slot(state.STEP)}")
        return []
