"""The TimeParser component on real Rasa messages with the real Duckling (in its worker process)."""

from __future__ import annotations

import os
import signal
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.duckling_worker import STARTUP_TIMEOUT
from bot.nlu.time_parser import TimeParser, day_codes, find_time_rules

LONDON = ZoneInfo("Europe/London")
# A Wednesday morning in winter (GMT): "tomorrow" is Thursday 21 November 2024.
WEDNESDAY = datetime(2024, 11, 20, 10, 30, tzinfo=LONDON)


@pytest.fixture(scope="module")
def parser(tmp_path_factory: pytest.TempPathFactory) -> TimeParser:
    storage = LocalModelStorage(Path(tmp_path_factory.mktemp("model")))
    return TimeParser.create(TimeParser.get_default_config(), storage, Resource("time_parser"),
                             ExecutionContext(GraphSchema({})))


def entities(parser: TimeParser, text: str, when: datetime = WEDNESDAY) -> list[dict[str, Any]]:
    message = Message(data={TEXT: text}, time=int(when.timestamp()))
    parser.process([message])
    return list(message.get(ENTITIES))


def summary(found: list[dict[str, Any]]) -> list[tuple[str, str, Any]]:
    return [(e["text"], e["additional_info"]["kind"], e["value"]) for e in found]


def test_time_parser_registered_as_entity_extractor_by_module_path() -> None:
    registered = DefaultV1Recipe._from_registry("bot.nlu.time_parser.TimeParser")
    assert registered.clazz is TimeParser
    assert DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR in registered.types
    assert not registered.is_trainable


def test_time_parser_keeps_every_duckling_candidate_with_span(parser: TimeParser) -> None:
    found = entities(parser, "any Tuesday afternoon")
    duckling = next(e for e in found if e["additional_info"]["source"] == "duckling")
    assert (duckling["start"], duckling["end"], duckling["text"]) == (4, 21, "Tuesday afternoon")
    assert duckling["entity"] == "time" and duckling["extractor"] == "TimeParser"
    assert duckling["value"] == {"from": "2024-11-26T12:00:00.000+00:00",
                                 "to": "2024-11-26T19:00:00.000+00:00"}
    assert [(c["from"][:10], c["to"][11:16], c["grain"])
            for c in duckling["additional_info"]["values"]] == [
        ("2024-11-26", "19:00", "hour"), ("2024-12-03", "19:00", "hour"),
        ("2024-12-10", "19:00", "hour")]


def test_time_parser_any_tuesday_afternoon_is_recurring(parser: TimeParser) -> None:
    rules = [e for e in entities(parser, "any Tuesday afternoon")
             if e["additional_info"]["source"] == "rules"]
    assert summary(rules) == [("any Tuesday", "weekdays", ["tue"]),
                              ("afternoon", "part_of_day", "afternoon")]
    assert rules[0]["additional_info"]["recurring"] is True


def test_time_parser_ambiguous_hour_keeps_both_candidates(parser: TimeParser) -> None:
    (found,) = entities(parser, "next Wednesday at 10")
    assert found["value"] == "2024-11-27T10:00:00.000+00:00"
    assert [c["value"] for c in found["additional_info"]["values"]] == [
        "2024-11-27T10:00:00.000+00:00", "2024-11-27T22:00:00.000+00:00"]
    assert found["additional_info"]["kind"] == "instant"
    assert found["additional_info"]["grain"] == "hour"


@pytest.mark.parametrize("text", ["3/12", "3rd December", "on the 3rd of Dec"])
def test_time_parser_british_dates_are_day_first(parser: TimeParser, text: str) -> None:
    (found,) = entities(parser, text)
    assert found["value"] == "2024-12-03T00:00:00.000+00:00"
    assert found["additional_info"]["grain"] == "day"


def test_time_parser_negated_weekday_is_not_offered_as_a_date(parser: TimeParser) -> None:
    assert summary(entities(parser, "not Mondays")) == [
        ("not Mondays", "excluded_weekdays", ["mon"])]


def test_time_parser_any_day_but_friday(parser: TimeParser) -> None:
    assert summary(entities(parser, "any day but Friday")) == [
        ("any day but Friday", "excluded_weekdays", ["fri"])]


def test_time_parser_after_4pm_leaves_next_week_to_duckling(parser: TimeParser) -> None:
    assert summary(entities(parser, "next week after 4pm")) == [
        ("next week", "instant", "2024-11-25T00:00:00.000+00:00"),
        ("after 4pm", "time_of_day", {"earliest": "16:00", "latest": None})]


def test_time_parser_in_the_next_2_weeks_starts_now(parser: TimeParser) -> None:
    assert summary(entities(parser, "something in the next 2 weeks")) == [
        ("in the next 2 weeks", "interval",
         {"from": "2024-11-20T10:30:00+00:00", "to": "2024-12-04T00:00:00+00:00"})]


@pytest.mark.parametrize("text", ["asap", "as soon as possible", "the earliest available"])
def test_time_parser_soonest_is_an_interval_from_now(parser: TimeParser, text: str) -> None:
    (found,) = entities(parser, text)
    assert found["value"] == {"from": "2024-11-20T10:30:00+00:00", "to": None}
    assert found["additional_info"]["values"] == [
        {"type": "interval", "from": "2024-11-20T10:30:00+00:00", "to": None, "grain": "second"}]


def test_time_parser_summer_times_carry_bst_offset(parser: TimeParser) -> None:
    (found,) = entities(parser, "tomorrow at 9", datetime(2024, 6, 12, 18, 0, tzinfo=LONDON))
    assert [c["value"] for c in found["additional_info"]["values"]] == [
        "2024-06-13T09:00:00.000+01:00", "2024-06-13T21:00:00.000+01:00"]


def test_time_parser_morning_of_spring_clock_change(parser: TimeParser) -> None:
    # Sunday 31 March 2024: clocks go forward at 01:00 GMT, so the morning spans two offsets.
    found = entities(parser, "tomorrow morning", datetime(2024, 3, 30, 10, 0, tzinfo=LONDON))
    assert summary(found) == [
        ("tomorrow morning", "interval",
         {"from": "2024-03-31T00:00:00.000+00:00", "to": "2024-03-31T12:00:00.000+01:00"}),
        ("morning", "part_of_day", "morning")]


def test_time_parser_day_of_autumn_clock_change(parser: TimeParser) -> None:
    # Sunday 27 October 2024: clocks go back at 02:00 BST.
    (found,) = entities(parser, "tomorrow", datetime(2024, 10, 26, 18, 0, tzinfo=LONDON))
    assert found["value"] == "2024-10-27T00:00:00.000+01:00"


def test_time_parser_keeps_other_extractors_entities(parser: TimeParser) -> None:
    other = {"entity": "symptom", "start": 0, "end": 4, "value": "cough", "extractor": "X"}
    message = Message(data={TEXT: "cough, tomorrow please", ENTITIES: [other]},
                      time=int(WEDNESDAY.timestamp()))
    parser.process([message])
    assert [e["entity"] for e in message.get(ENTITIES)] == ["symptom", "time"]
    assert ENTITIES in message.output_properties


def test_time_parser_no_time_words_adds_nothing(parser: TimeParser) -> None:
    assert entities(parser, "I've had a sore throat and I sat down") == []


def test_time_parser_message_without_time_uses_now(parser: TimeParser) -> None:
    message = Message(data={TEXT: "tomorrow"})
    parser.process([message])
    (found,) = message.get(ENTITIES)
    assert datetime.fromisoformat(found["value"]) > datetime.now(LONDON)


def test_time_parser_caps_long_messages(parser: TimeParser) -> None:
    text = "my cough is bad " * 40 + "tomorrow"
    assert entities(parser, text) == []


@pytest.mark.parametrize(("text", "expected"), [
    ("not on a Monday or Friday", [("excluded_weekdays", ["mon", "fri"])]),
    ("Mondays are no good", [("excluded_weekdays", ["mon"])]),
    ("can't do weds", [("excluded_weekdays", ["wed"])]),
    ("can’t make Thursday", [("excluded_weekdays", ["thu"])]),
    ("Friday’s no good", [("excluded_weekdays", ["fri"])]),
    ("after 5 o’clock", [("time_of_day", {"earliest": "17:00", "latest": None})]),
    ("weekdays except fridays", [("weekdays", ["mon", "tue", "wed", "thu", "fri"]),
                                 ("excluded_weekdays", ["fri"])]),
    ("Tuesdays or Thursdays", [("weekdays", ["tue"]), ("weekdays", ["thu"])]),
    ("every Tue/Thu", [("weekdays", ["tue", "thu"])]),
    ("at the weekend", [("weekdays", ["sat", "sun"])]),
    ("this weekend", [("weekdays", ["sat", "sun"])]),
    ("not mornings", [("time_of_day", {"earliest": "12:00", "latest": None})]),
    ("before 10", [("time_of_day", {"earliest": None, "latest": "10:00"})]),
    ("after 4", [("time_of_day", {"earliest": "16:00", "latest": None})]),
    ("no later than 17:30", [("time_of_day", {"earliest": None, "latest": "17:30"})]),
    ("between 2 and 4pm", [("time_of_day", {"earliest": "14:00", "latest": "16:00"})]),
    ("between 9am and 1pm", [("time_of_day", {"earliest": "09:00", "latest": "13:00"})]),
    ("tonight", [("part_of_day", "evening")]),
    ("first thing", [("part_of_day", "morning")]),
    ("after 3 days", []),
    ("after 3rd December", []),
    ("before the 10th", []),
    ("in the next few days", [("interval", [{"type": "interval", "grain": "day",
                                             "from": "2024-11-20T10:30:00+00:00",
                                             "to": "2024-11-23T00:00:00+00:00"}])]),
])
def test_time_rules_phrase(text: str, expected: list[tuple[str, Any]]) -> None:
    assert [(m.kind, m.value) for m in find_time_rules(text, WEDNESDAY)] == expected


def test_time_rules_day_codes_in_week_order() -> None:
    assert day_codes("Sun, weds and Mondays") == ("mon", "wed", "sun")


def test_time_parser_clock_bound_stays_inside_one_date(parser: TimeParser) -> None:
    found = summary(entities(parser, "next week after 4pm on Friday"))
    assert found == [
        ("next week after 4pm on Friday", "instant", "2024-11-29T00:00:00.000+00:00"),
        ("after 4pm", "time_of_day", {"earliest": "16:00", "latest": None})]


def test_time_parser_negation_splits_the_date_around_it(parser: TimeParser) -> None:
    assert summary(entities(parser, "Monday not Tuesdays morning")) == [
        ("Monday", "instant", "2024-11-25T00:00:00.000+00:00"),
        ("not Tuesdays", "excluded_weekdays", ["tue"]),
        ("morning", "part_of_day", "morning")]


def test_time_parser_offsets_count_characters_not_bytes(parser: TimeParser) -> None:
    text = "café 😀 — tomorrow at 10"
    (found,) = entities(parser, text)
    assert text[found["start"] : found["end"]] == found["text"] == "tomorrow at 10"


def test_time_parser_keeps_duckling_out_of_the_rasa_process(parser: TimeParser) -> None:
    assert any(e["additional_info"]["source"] == "duckling"
               for e in entities(parser, "see you tomorrow at 3pm"))
    assert parser.duckling.pid not in (None, os.getpid())
    assert "duckling" not in sys.modules


def test_time_parser_replaces_a_killed_duckling_worker(parser: TimeParser) -> None:
    entities(parser, "tomorrow")
    old_pid = parser.duckling.pid
    assert old_pid is not None
    os.kill(old_pid, signal.SIGKILL)
    # The rules still answer while the worker restarts in the background.
    assert summary(entities(parser, "tomorrow afternoon")) == [
        ("afternoon", "part_of_day", "afternoon")]
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while parser.duckling.pid in (None, old_pid):
        assert time.monotonic() < deadline, "the Duckling worker was not restarted"
        time.sleep(0.02)
    found = entities(parser, "tomorrow")
    assert summary(found) == [("tomorrow", "instant", "2024-11-21T00:00:00.000+00:00")]


def test_time_parser_without_duckling_still_processes_the_message(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    broken = TimeParser({"zoneinfo_dir": str(tmp_path)})  # no time-zone data: worker cannot start
    found = entities(broken, "my cough since tomorrow morning")
    assert summary(found) == [("morning", "part_of_day", "morning")]
    assert "cough" not in caplog.text and "Duckling" in caplog.text
