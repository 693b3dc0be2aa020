"""Event classes by type name: Rasa's answers, the subclasses walked once per name."""

from __future__ import annotations

import pytest
import rasa.shared.utils.common
from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, Event, SlotSet, UserUttered

import bot.policies  # noqa: F401  (installs the lookup, as loading the model does)
from bot.policies import event_types


def test_importing_the_policies_installs_the_lookup() -> None:
    assert Event.resolve_by_type is event_types.resolve_by_type


@pytest.mark.parametrize("cls", [UserUttered, BotUttered, SlotSet, ActionExecuted, ActiveLoop])
def test_each_name_gives_rasas_class(cls: type[Event]) -> None:
    assert Event.resolve_by_type(cls.type_name) is event_types._rasa_resolve(cls.type_name) is cls


def test_unknown_names_behave_as_in_rasa() -> None:
    with pytest.raises(ValueError, match="Unknown event name"):
        Event.resolve_by_type("no_such_event")
    assert Event.resolve_by_type("no_such_event", SlotSet) is SlotSet
    assert Event.resolve_by_type("topic") is None


def test_the_subclasses_are_walked_once_per_name(monkeypatch: pytest.MonkeyPatch) -> None:
    walks: list[object] = []
    walk = rasa.shared.utils.common.all_subclasses
    monkeypatch.setattr(rasa.shared.utils.common, "all_subclasses", lambda cls: walks.append(cls) or walk(cls))
    monkeypatch.setattr(event_types, "_found", {})
    for _ in range(50):
        Event.resolve_by_type("slot")
    assert walks.count(Event) == 1
    assert Event.from_parameters({"event": "slot", "name": "age_band", "value": "16_to_64"}) == \
        SlotSet("age_band", "16_to_64")
