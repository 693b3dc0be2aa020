"""action_stop: leave the form, nothing held, say how to come back."""

from __future__ import annotations

import pytest
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.action_stop import ActionStop
from actions.booking_reset import abandon_booking
from actions.triage_state import reset_form
from tests.actions.triage_trackers import domain, sent, tracker

pytestmark = pytest.mark.anyio


async def test_action_stop_mid_form_deactivates_it_and_empties_it() -> None:
    dispatcher = CollectingDispatcher()
    state = tracker("stop", "stop", slots={"age_band": "16_to_64"})
    events = await ActionStop().run(dispatcher, state, domain())
    ended = await abandon_booking(state, "action_stop")
    assert events == [ActiveLoop(None), SlotSet("requested_slot", None), *ended, *reset_form()]
    assert sent(dispatcher) == ["utter_stopped"]


async def test_action_stop_outside_a_form_only_clears() -> None:
    dispatcher = CollectingDispatcher()
    state = tracker("stop", "stop", active_loop=None)
    events = await ActionStop().run(dispatcher, state, domain())
    assert events == [*await abandon_booking(state, "action_stop"), *reset_form()]
    assert sent(dispatcher) == ["utter_stopped"]
