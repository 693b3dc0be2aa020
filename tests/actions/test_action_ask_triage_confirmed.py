"""action_ask_triage_confirmed: a plain-English summary to confirm, or the choice of what to change."""

from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.action_ask_triage_confirmed import ActionAskTriageConfirmed
from tests.actions.triage_trackers import domain, sent, tracker

pytestmark = pytest.mark.anyio
SLOTS = {"triage_complaint": "burning when i wee", "who_is_ill": "someone_else", "age_band": "5_to_15",
         "sex": "unsure"}


async def test_action_ask_triage_confirmed_reads_back_the_answers() -> None:
    dispatcher = CollectingDispatcher()
    assert await ActionAskTriageConfirmed().run(dispatcher, tracker("x", "inform", slots=SLOTS), domain()) == []
    [message] = dispatcher.messages
    assert message["response"] == "utter_triage_summary"
    assert message["summary"] == ('- The problem: "burning when i wee"\n- Who it\'s for: someone else\n'
                                  "- Age: 5 to 15 years\n- Sex: not sure")


async def test_action_ask_triage_confirmed_asks_what_to_change_after_a_no() -> None:
    dispatcher = CollectingDispatcher()
    await ActionAskTriageConfirmed().run(dispatcher, tracker("no", "deny", slots={**SLOTS, "triage_correcting": True}),
                                         domain())
    assert sent(dispatcher) == ["utter_triage_what_to_change"]
