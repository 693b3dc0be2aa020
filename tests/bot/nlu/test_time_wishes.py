"""Time wishes combined over a conversation, as a receptionist would: through the real parser and
Duckling, against a fixed clock (Wednesday 20 November 2024, 10:30 GMT)."""

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

from actions.wish_words import describe
from bot.nlu.time_parser import TimeParser
from bot.nlu.time_wishes import Wish, combine, picked_by_time, relaxations, resolve, to_filters, wish_from

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2024, 11, 20, 10, 30, tzinfo=LONDON)
THU_9 = datetime(2024, 11, 21, 9, 0, tzinfo=LONDON)
THU_1120 = datetime(2024, 11, 21, 11, 20, tzinfo=LONDON)
FRI_14 = datetime(2024, 11, 22, 14, 0, tzinfo=LONDON)


def day(d: int, month: int = 11) -> datetime:
    return datetime(2024, month, d, tzinfo=LONDON)


@pytest.fixture(scope="module")
def parser(tmp_path_factory: pytest.TempPathFactory) -> TimeParser:
    storage = LocalModelStorage(Path(tmp_path_factory.mktemp("model")))
    return TimeParser.create(TimeParser.get_default_config(), storage, Resource("time_parser"),
                             ExecutionContext(GraphSchema({})))


def said(parser: TimeParser, *texts: str) -> Wish:
    """The wish after the patient said each text in turn (no anchor: relative wishes stay pending)."""
    wish = Wish()
    for text in texts:
        message = Message(data={TEXT: text}, time=int(NOW.timestamp()))
        parser.process([message])
        wish = combine(wish, wish_from(message.get(ENTITIES) or [], NOW))
    return wish


def entities(parser: TimeParser, text: str) -> list[dict[str, Any]]:
    message = Message(data={TEXT: text}, time=int(NOW.timestamp()))
    parser.process([message])
    return message.get(ENTITIES) or []


def test_a_clock_bound_keeps_the_day_asked_for(parser: TimeParser) -> None:
    wish = said(parser, "any tuesday afternoon", "after 4 if poss")
    assert wish.weekdays == ("tue",)
    assert wish.earliest_time_of_day == time(16)
    assert wish.part_of_day is None


def test_a_new_day_keeps_the_time_of_day(parser: TimeParser) -> None:
    wish = said(parser, "mornings are best", "have you got thursday")
    assert (wish.start, wish.end, wish.part_of_day) == (day(21), day(22), "morning")


def test_exclusions_add_up(parser: TimeParser) -> None:
    wish = said(parser, "next week please", "not fridays", "cant do monday either")
    assert wish.excluded_weekdays == ("mon", "fri")
    assert (wish.start, wish.end) == (day(25), day(2, 12))
    assert to_filters(wish).weekdays == ("tue", "wed", "thu", "sat", "sun")


def test_asking_for_an_excluded_day_again_lifts_the_exclusion(parser: TimeParser) -> None:
    wish = said(parser, "not fridays", "actually friday is fine")
    assert wish.excluded_weekdays == ()
    assert (wish.start, wish.end) == (day(22), day(23))


def test_a_day_and_a_clock_together_are_an_exact_time_on_that_day(parser: TimeParser) -> None:
    wish = said(parser, "can you book me in for thursday at 11")
    assert (wish.start, wish.end, wish.exact_time) == (day(21), day(22), time(11))
    filters = to_filters(wish)
    assert (filters.start, filters.end) == (datetime(2024, 11, 21, 11, 0, tzinfo=LONDON),
                                            datetime(2024, 11, 21, 11, 1, tzinfo=LONDON))


def test_a_clock_alone_is_an_exact_time_on_the_day_already_asked_for(parser: TimeParser) -> None:
    wish = said(parser, "friday please", "11:20?")
    assert (wish.start, wish.end, wish.exact_time) == (day(22), day(23), time(11, 20))


def test_the_offered_time_named_by_its_clock_is_picked(parser: TimeParser) -> None:
    offered = [THU_9, THU_1120, FRI_14]
    assert picked_by_time(entities(parser, "the 11:20 one"), offered, NOW) == 2
    assert picked_by_time(entities(parser, "book me the 2pm"), offered, NOW) == 3
    assert picked_by_time(entities(parser, "the 10:40 one"), offered, NOW) is None
    assert picked_by_time(entities(parser, "anything later"), offered, NOW) is None


def test_a_clock_offered_on_two_days_is_not_guessed(parser: TimeParser) -> None:
    offered = [THU_9, datetime(2024, 11, 22, 9, 0, tzinfo=LONDON)]
    assert picked_by_time(entities(parser, "the 9am one"), offered, NOW) is None
    assert picked_by_time(entities(parser, "friday at 9"), offered, NOW) == 2


def test_sooner_searches_before_the_first_time_offered(parser: TimeParser) -> None:
    wish = resolve(said(parser, "mornings", "anything sooner?"), THU_9, FRI_14, NOW)
    assert (wish.start, wish.end, wish.part_of_day) == (None, THU_9, "morning")


def test_later_searches_after_the_last_time_offered(parser: TimeParser) -> None:
    wish = resolve(said(parser, "i cant do those, a bit later?"), THU_9, FRI_14, NOW)
    assert wish.start is not None and wish.start > FRI_14
    assert wish.end is None


def test_the_week_after_is_the_week_after_what_was_offered(parser: TimeParser) -> None:
    wish = resolve(said(parser, "what about the week after"), THU_9, FRI_14, NOW)
    assert (wish.start, wish.end) == (day(25), day(2, 12))


def test_the_week_after_a_week_asked_for_moves_that_week_on(parser: TimeParser) -> None:
    wish = resolve(said(parser, "next week after 4", "the week after"), day(25), day(29), NOW)
    assert (wish.start, wish.end, wish.earliest_time_of_day) == (day(2, 12), day(9, 12), time(16))


def test_a_move_to_the_monday_after(parser: TimeParser) -> None:
    wish = resolve(said(parser, "can i move it to the monday after"), THU_9, THU_9, NOW)
    assert (wish.start, wish.end) == (day(25), day(26))


def test_a_move_a_week_later(parser: TimeParser) -> None:
    wish = resolve(said(parser, "make it a week later"), THU_9, THU_9, NOW)
    assert (wish.start, wish.end) == (day(28), day(29))


def test_a_relative_wish_without_an_anchor_is_dropped_not_guessed(parser: TimeParser) -> None:
    assert resolve(said(parser, "anything sooner"), None, None, NOW) == Wish()


def test_history_is_not_a_wish(parser: TimeParser) -> None:
    assert said(parser, "it started last tuesday") == Wish()


def test_nothing_fitting_relaxes_to_near_the_time_then_the_days_then_anything(parser: TimeParser) -> None:
    wish = said(parser, "thursday at 11:20", "not mondays")
    near, days, anything = relaxations(wish)
    assert (near.earliest_time_of_day, near.latest_time_of_day, near.exact_time) == (time(10, 20), time(12, 20), None)
    assert (days.start, days.exact_time, days.earliest_time_of_day) == (day(21), None, None)
    assert anything == Wish(excluded_weekdays=("mon",))


def test_a_wish_survives_the_tracker_store(parser: TimeParser) -> None:
    wish = said(parser, "thursday morning or friday", "not mondays", "the week after")
    assert Wish.from_json(wish.to_json()) == wish
    assert Wish.from_json({"start": "not a date"}) == Wish()
    assert Wish.from_json(None) == Wish()


@pytest.mark.parametrize(("texts", "words"), [
    (("thursday mornings",), "on Thursday 21 November, in the morning"),
    (("any tuesday", "after 4"), "on Tuesdays, after 4pm"),
    (("next week", "not fridays"), "between Monday 25 November and Sunday 1 December, not on Fridays"),
    (("friday at 11:20",), "on Friday 22 November, at 11:20am"),
    ((), ""),
])
def test_the_bot_says_what_it_understood(parser: TimeParser, texts: tuple[str, ...], words: str) -> None:
    assert describe(said(parser, *texts)) == words


@pytest.mark.parametrize("text", ["show me more", "any other times?", "have you got different days", "any more?"])
def test_asking_for_more_is_later_than_what_was_offered(parser: TimeParser, text: str) -> None:
    wish = resolve(said(parser, text), THU_9, FRI_14, NOW)
    assert wish.start is not None and wish.start > FRI_14


def test_the_week_after_next_is_that_week(parser: TimeParser) -> None:
    assert (said(parser, "the week after next").start, said(parser, "the week after next").end) == (day(2, 12),
                                                                                                   day(9, 12))


@pytest.mark.parametrize("text", ["the one on the 22nd", "that one on friday please"])
def test_one_as_a_pronoun_is_not_one_oclock(parser: TimeParser, text: str) -> None:
    wish = said(parser, text)
    assert wish.exact_time is None and (wish.start, wish.end) == (day(22), day(23))


def test_at_one_is_still_one_oclock(parser: TimeParser) -> None:
    assert said(parser, "friday at one").exact_time == time(13)


def test_an_appointment_is_named_by_its_day(parser: TimeParser) -> None:
    booked = [THU_9, FRI_14]
    assert picked_by_time(entities(parser, "the friday one"), booked, NOW, clock_needed=False) == 2
    assert picked_by_time(entities(parser, "the friday one"), booked, NOW) is None
    assert picked_by_time(entities(parser, "the one next week"), booked, NOW, clock_needed=False) is None


@pytest.mark.parametrize(("text", "start", "end"), [
    ("cn i get a smear nxt week", day(25), day(2, 12)),
    ("next wk pls", day(25), day(2, 12)),
    ("tmrw if poss", day(21), day(22)),
])
def test_text_speak_days(parser: TimeParser, text: str, start: datetime, end: datetime) -> None:
    wish = said(parser, text)
    assert (wish.start, wish.end) == (start, end)
