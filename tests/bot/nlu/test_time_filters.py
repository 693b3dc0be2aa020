"""Patient time phrases -> booking-backend slot filters, through the real parser and Duckling."""

from __future__ import annotations

from datetime import datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.time_filters import SlotFilters, choose_candidate, slot_filters
from bot.nlu.time_parser import TimeParser

LONDON = ZoneInfo("Europe/London")
WEDNESDAY = datetime(2024, 11, 20, 10, 30, tzinfo=LONDON)  # GMT
ALL_BUT = {day: tuple(d for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun") if d != day)
           for day in ("mon", "fri")}


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.fixture(scope="module")
def parser(tmp_path_factory: pytest.TempPathFactory) -> TimeParser:
    storage = LocalModelStorage(Path(tmp_path_factory.mktemp("model")))
    return TimeParser.create(TimeParser.get_default_config(), storage, Resource("time_parser"),
                             ExecutionContext(GraphSchema({})))


def filters_for(parser: TimeParser, text: str, now: datetime = WEDNESDAY) -> SlotFilters:
    message = Message(data={TEXT: text}, time=int(now.timestamp()))
    parser.process([message])
    return slot_filters(message.get(ENTITIES), now)


@pytest.mark.parametrize(("text", "expected"), [
    ("any Tuesday afternoon", SlotFilters(weekdays=("tue",), part_of_day="afternoon")),
    ("tomorrow morning", SlotFilters(start=at("2024-11-21T00:00+00:00"),
                                     end=at("2024-11-21T12:00+00:00"), part_of_day="morning")),
    ("next week after 4pm", SlotFilters(start=at("2024-11-25T00:00+00:00"),
                                        end=at("2024-12-02T00:00+00:00"),
                                        earliest_time_of_day=time(16))),
    ("not Mondays", SlotFilters(weekdays=ALL_BUT["mon"], excluded_weekdays=("mon",))),
    ("any day but Friday", SlotFilters(weekdays=ALL_BUT["fri"], excluded_weekdays=("fri",))),
    ("this friday", SlotFilters(start=at("2024-11-22T00:00+00:00"),
                                end=at("2024-11-23T00:00+00:00"))),
    ("in the next 2 weeks", SlotFilters(start=WEDNESDAY, end=at("2024-12-04T00:00+00:00"))),
    ("asap", SlotFilters(start=WEDNESDAY)),
    ("as soon as possible please", SlotFilters(start=WEDNESDAY)),
    ("weekend", SlotFilters(weekdays=("sat", "sun"))),
    ("this weekend", SlotFilters(start=at("2024-11-22T18:00+00:00"),
                                 end=at("2024-11-25T00:00+00:00"), weekdays=("sat", "sun"))),
    ("next Wednesday at 10", SlotFilters(start=at("2024-11-27T10:00+00:00"),
                                         end=at("2024-11-27T11:00+00:00"))),
    ("3rd December", SlotFilters(start=at("2024-12-03T00:00+00:00"),
                                 end=at("2024-12-04T00:00+00:00"))),
    ("3/12", SlotFilters(start=at("2024-12-03T00:00+00:00"), end=at("2024-12-04T00:00+00:00"))),
    ("12/3", SlotFilters(start=at("2025-03-12T00:00+00:00"), end=at("2025-03-13T00:00+00:00"))),
    ("the 10th at 3", SlotFilters(start=at("2024-12-10T15:00+00:00"),
                                  end=at("2024-12-10T16:00+00:00"))),
    ("tomorrow after 4pm", SlotFilters(start=at("2024-11-21T16:00+00:00"),
                                       end=at("2024-11-22T00:00+00:00"),
                                       earliest_time_of_day=time(16))),
    ("this morning", SlotFilters(start=WEDNESDAY, end=at("2024-11-20T12:00+00:00"),
                                 part_of_day="morning")),
    ("Monday or Tuesday", SlotFilters(start=at("2024-11-25T00:00+00:00"),
                                      end=at("2024-11-27T00:00+00:00"), weekdays=("mon", "tue"))),
    ("weekdays but not fridays", SlotFilters(weekdays=("mon", "tue", "wed", "thu"),
                                             excluded_weekdays=("fri",))),
    ("mornings or afternoons, not Mondays", SlotFilters(weekdays=ALL_BUT["mon"],
                                                        excluded_weekdays=("mon",))),
    ("it started a couple of days ago", SlotFilters()),
    ("I have a sore throat", SlotFilters()),
])
def test_slot_filters_phrase(parser: TimeParser, text: str, expected: SlotFilters) -> None:
    assert filters_for(parser, text) == expected


def test_slot_filters_query_params_for_the_backend(parser: TimeParser) -> None:
    assert filters_for(parser, "tomorrow afternoon, not Mondays").to_query_params() == {
        "start": "2024-11-21T12:00:00+00:00", "end": "2024-11-21T19:00:00+00:00",
        "weekday": ["tue", "wed", "thu", "fri", "sat", "sun"], "part_of_day": "afternoon"}


def test_slot_filters_empty_query_when_no_wishes() -> None:
    assert SlotFilters().to_query_params() == {}


# The UK clocks go forward on the last Sunday in March and back on the last Sunday in October.
@pytest.mark.parametrize(("now", "text", "expected"), [
    (datetime(2024, 3, 29, 12, 0, tzinfo=LONDON), "Sunday",
     SlotFilters(start=at("2024-03-31T00:00+00:00"), end=at("2024-04-01T00:00+01:00"))),
    (datetime(2024, 3, 29, 12, 0, tzinfo=LONDON), "Sunday after 4pm",
     SlotFilters(start=at("2024-03-31T16:00+01:00"), end=at("2024-04-01T00:00+01:00"),
                 earliest_time_of_day=time(16))),
    (datetime(2024, 3, 29, 12, 0, tzinfo=LONDON), "this weekend",
     SlotFilters(start=at("2024-03-29T18:00+00:00"), end=at("2024-04-01T00:00+01:00"),
                 weekdays=("sat", "sun"))),
    (datetime(2024, 3, 20, 9, 0, tzinfo=LONDON), "next week",
     SlotFilters(start=at("2024-03-25T00:00+00:00"), end=at("2024-04-01T00:00+01:00"))),
    (datetime(2024, 3, 30, 9, 0, tzinfo=LONDON), "tomorrow morning",
     SlotFilters(start=at("2024-03-31T00:00+00:00"), end=at("2024-03-31T12:00+01:00"),
                 part_of_day="morning")),
    (datetime(2024, 10, 26, 18, 0, tzinfo=LONDON), "tomorrow",
     SlotFilters(start=at("2024-10-27T00:00+01:00"), end=at("2024-10-28T00:00+00:00"))),
    (datetime(2024, 10, 26, 18, 0, tzinfo=LONDON), "tomorrow at 10",
     SlotFilters(start=at("2024-10-27T10:00+00:00"), end=at("2024-10-27T11:00+00:00"))),
    (datetime(2024, 10, 16, 9, 0, tzinfo=LONDON), "next week",
     SlotFilters(start=at("2024-10-21T00:00+01:00"), end=at("2024-10-28T00:00+00:00"))),
    (datetime(2024, 10, 23, 10, 30, tzinfo=LONDON), "in the next 2 weeks",
     SlotFilters(start=at("2024-10-23T10:30+01:00"), end=at("2024-11-06T00:00+00:00"))),
])
def test_slot_filters_across_clock_change(parser: TimeParser, now: datetime, text: str,
                                          expected: SlotFilters) -> None:
    assert filters_for(parser, text, now) == expected


def test_slot_filters_clock_change_offsets_in_query(parser: TimeParser) -> None:
    params = filters_for(parser, "tomorrow", datetime(2024, 10, 26, 18, 0, tzinfo=LONDON))
    assert params.to_query_params() == {"start": "2024-10-27T00:00:00+01:00",
                                        "end": "2024-10-28T00:00:00+00:00"}


@pytest.mark.parametrize(("slot_start", "allowed"), [
    ("2024-11-25T15:59:00+00:00", False),
    ("2024-11-25T16:00:00+00:00", True),
    ("2024-06-10T15:30:00+00:00", True),  # 16:30 BST
    ("2024-06-10T14:30:00+00:00", False),  # 15:30 BST
])
def test_slot_filters_matches_time_of_day_in_london(slot_start: str, allowed: bool) -> None:
    assert SlotFilters(earliest_time_of_day=time(16)).matches_time_of_day(at(slot_start)) is allowed


def test_slot_filters_latest_time_is_exclusive() -> None:
    before_ten = SlotFilters(latest_time_of_day=time(10))
    assert before_ten.matches_time_of_day(at("2024-11-25T09:50:00+00:00"))
    assert not before_ten.matches_time_of_day(at("2024-11-25T10:00:00+00:00"))


def _instant(value: str, grain: str) -> dict[str, Any]:
    return {"type": "value", "value": value, "grain": grain}


def test_choose_candidate_skips_past_and_night_candidates() -> None:
    candidates = [_instant("2024-11-20T03:00:00+00:00", "hour"),
                  _instant("2024-11-21T03:00:00+00:00", "hour"),
                  _instant("2024-11-21T15:00:00+00:00", "hour")]
    assert choose_candidate(candidates, WEDNESDAY) == candidates[2]


def test_choose_candidate_falls_back_to_first_future() -> None:
    candidates = [_instant("2024-11-19T00:00:00+00:00", "day"),
                  _instant("2024-11-21T02:00:00+00:00", "hour")]
    assert choose_candidate(candidates, WEDNESDAY) == candidates[1]


def test_slot_filters_ignores_other_entities_and_keeps_contradicting_wish() -> None:
    entities = [
        {"entity": "symptom", "start": 0, "end": 5, "value": "cough"},
        {"entity": "time", "start": 6, "end": 17, "text": "any Monday", "value": ["mon"],
         "additional_info": {"kind": "weekdays", "recurring": True}},
        {"entity": "time", "start": 18, "end": 29, "text": "not Mondays", "value": ["mon"],
         "additional_info": {"kind": "excluded_weekdays"}},
    ]
    assert slot_filters(entities, WEDNESDAY) == SlotFilters(weekdays=("mon",),
                                                            excluded_weekdays=("mon",))


def test_slot_filters_two_parts_of_day_send_none() -> None:
    entities = [{"entity": "time", "start": 0, "end": 7, "value": part,
                 "additional_info": {"kind": "part_of_day"}} for part in ("morning", "evening")]
    assert slot_filters(entities, WEDNESDAY).part_of_day is None
