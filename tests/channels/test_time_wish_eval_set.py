"""The scripted time-wish patients (benchmarks/data/time_wish_conversations.yml) are well-formed: every
turn and expectation is one the runner (benchmarks/time_wish_eval.py) knows, without running the bot."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from benchmarks.time_wish_eval import (
    EXPECT_KEYS,
    SET_PATH,
    TURN_KINDS,
    MalformedSet,
    Run,
    load_conversations,
    offers_in,
    spoken_clock,
    unmet,
)

MIN_BOOKINGS, MIN_MOVES = 14, 8


def test_time_wish_set_loads_with_enough_bookings_and_moves() -> None:
    conversations = load_conversations()
    kinds = [conversation.kind for conversation in conversations]
    assert kinds.count("book") >= MIN_BOOKINGS
    assert kinds.count("move") >= MIN_MOVES


def test_time_wish_set_uses_only_known_turns_and_expectations() -> None:
    for conversation in load_conversations():
        for turn in (*conversation.setup, *conversation.turns):
            assert turn.kind == "say" or turn.kind in TURN_KINDS, conversation.id
        assert conversation.expect and set(conversation.expect) <= set(EXPECT_KEYS), conversation.id


def test_time_wish_set_moves_book_first_and_pick_their_appointment() -> None:
    for conversation in load_conversations():
        if conversation.kind == "move":
            assert [turn.kind for turn in conversation.setup][-1] == "confirm", conversation.id
            assert any(turn.kind == "pick_appointment" for turn in conversation.turns), conversation.id


def test_time_wish_set_has_a_header_saying_it_was_written_before_any_run() -> None:
    assert "Written on 2026-12-07 (a Monday), before any run" in SET_PATH.read_text(encoding="utf-8")


@pytest.mark.parametrize(("text", "problem"), [
    ('conversations:\n  - {id: a, kind: book, turns: [{swipe: "1."}], expect: {week: next}}\n', "one of"),
    ('conversations:\n  - {id: a, kind: book, turns: [hi], expect: {on_friday: true}}\n', "unknown expect keys"),
    ('conversations:\n  - {id: a, kind: book, turns: [hi], expect: {weekday_after_moved: mon}}\n', "only apply"),
    ('conversations:\n  - {id: a, kind: move, turns: [hi], expect: {week: next}}\n', "needs a setup"),
    ('conversations:\n  - {id: a, kind: book, turns: [hi], expect: {after_clock: "4pm"}}\n', "HH:MM"),
    ('conversations:\n  - {id: a, kind: book, turns: [hi, hi], expect: {relative_to_offer: {turn: 3, '
     'direction: earlier}}}\n', "later turn"),
    ('conversations:\n  - {id: a, kind: book, turns: [hi], expect: {week: next}}\n'
     '  - {id: a, kind: book, turns: [hi], expect: {week: next}}\n', "duplicate id"),
])
def test_time_wish_set_loader_refuses_a_malformed_entry(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "set.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MalformedSet, match=problem):
        load_conversations(path)


def test_time_wish_runner_reads_offered_times_and_says_a_shared_clock_with_its_day() -> None:
    replies = [{"text": "Here are appointments on Thursday. Which would you like?", "buttons": [
        {"title": "1. Thu 10 Dec, 9:10am – Amara Patel, Riverside Medical Practice (in person)", "payload": "/x"},
        {"title": "2. Thu 17 Dec, 9:10am – Amara Patel, Riverside Medical Practice (in person)", "payload": "/y"},
        {"title": "3. Thu 17 Dec, 2pm – Amara Patel, Riverside Medical Practice (in person)", "payload": "/z"},
    ]}]
    offers = offers_in(replies, date(2026, 12, 7))
    assert offers is not None
    assert [(o.start.day, o.start.hour, o.start.minute) for o in offers] == [(10, 9, 10), (17, 9, 10), (17, 14, 0)]
    assert spoken_clock(offers[0], offers, "bare") == "thursday 9:10"
    assert spoken_clock(offers[2], offers, "bare") == "2pm"
    assert offers_in([{"text": "Which appointment would you like to move?", "buttons": replies[0]["buttons"]}],
                     date(2026, 12, 7)) is None


def test_time_wish_runner_judges_the_monday_after_and_a_clock_bound() -> None:
    uk = ZoneInfo("Europe/London")
    now = datetime(2026, 12, 7, 15, 50, tzinfo=uk)
    moved = datetime(2026, 12, 8, 9, 0, tzinfo=uk)  # a Tuesday
    run = Run(patient=None, today=now.date())  # type: ignore[arg-type]  # judging reads no patient
    assert unmet({"weekday_after_moved": "mon"}, datetime(2026, 12, 14, 9, tzinfo=uk), run, now, moved) == []
    assert unmet({"weekday_after_moved": "mon"}, datetime(2026, 12, 21, 9, tzinfo=uk), run, now, moved)
    assert unmet({"after_clock": "16:00", "week": "next"}, datetime(2026, 12, 16, 17, 30, tzinfo=uk), run, now,
                 None) == []
    assert unmet({"after_clock": "16:00"}, datetime(2026, 12, 16, 15, 59, tzinfo=uk), run, now, None)
