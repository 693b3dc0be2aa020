"""Buttons on a text channel: the numbered list, typed choices mapped back, the menu kept per sender."""

from __future__ import annotations

import pytest

from channels import text_menu
from channels.text_menu import MenuOption, choose, options_from_buttons, render

BUTTONS = [
    {"title": "1. Mon 3 June, 09:00", "payload": '/choose_option{"option": "1"}'},
    {"title": "2. Tue 4 June, 10:30", "payload": '/choose_option{"option": "2"}'},
    {"title": "3. Wed 5 June, 14:10", "payload": '/choose_option{"option": "3"}'},
]
OPTIONS = options_from_buttons(BUTTONS)


def test_options_from_buttons_drop_the_bots_own_numbers() -> None:
    assert [option.title for option in OPTIONS] == ["Mon 3 June, 09:00", "Tue 4 June, 10:30", "Wed 5 June, 14:10"]
    assert OPTIONS[1].payload == '/choose_option{"option": "2"}'


def test_options_from_buttons_prefer_the_short_title_text_lists_use() -> None:
    options = options_from_buttons([
        {"title": "1. Tue 24 Nov, 2pm – Dr Amara Patel, Riverside Medical Practice (video call)",
         "short_title": "1. Tue 24 Nov 2pm, Dr Patel, video", "payload": '/choose_option{"option": "1"}'},
        {"title": "2. Any other time", "payload": "/other"},
    ])

    assert [option.title for option in options] == ["Tue 24 Nov 2pm, Dr Patel, video", "Any other time"]
    assert choose("tue 24 nov 2pm, dr patel, video", options) == '/choose_option{"option": "1"}'


def test_render_appends_numbered_list_and_how_to_answer() -> None:
    buttons = [{"title": "Yes, book it", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]
    options = options_from_buttons(buttons)

    assert render("Shall I book it?", options) == "Shall I book it?\n1. Yes, book it\n2. No\nReply with a number."


def test_render_does_not_repeat_how_to_answer_when_the_text_says_it() -> None:
    options = options_from_buttons([{"title": "Mon 09:00", "payload": "/choose_option{\"option\": 1}"}])
    assert render("Which would you like? Tap one, or type its number.", options) == (
        "Which would you like? Tap one, or type its number.\n1. Mon 09:00"
    )


def test_render_without_buttons_is_the_text() -> None:
    assert render("Hello", []) == "Hello"


@pytest.mark.parametrize(
    ("reply", "position"),
    [
        ("1", 1), ("2", 2), ("3.", 3), (" 2 ", 2), ("#2", 2),
        ("one", 1), ("Two", 2), ("THREE", 3),
        ("the first", 1), ("first one", 1), ("the first one", 1), ("the second one please", 2), ("third", 3),
        ("option 2", 2), ("Option two", 2), ("number 3", 3), ("no. 2", 2), ("no 2", 2), ("the 2nd", 2),
        ("I'll take the second", 2), ("the last one", 3), ("second option", 2),
        ("Tue 4 June, 10:30", 2), ("tue 4 june, 10:30", 2), ("2. Tue 4 June, 10:30", None),
    ],
)
def test_choose_maps_typed_reply_to_payload(reply: str, position: int | None) -> None:
    expected = OPTIONS[position - 1].payload if position else None
    assert choose(reply, OPTIONS) == expected


@pytest.mark.parametrize(
    "reply",
    ["4", "0", "10", "fourth", "yes", "no one", "cancel", "I need 2 appointments", "", "what about Friday"],
)
def test_choose_leaves_anything_else_to_the_bot(reply: str) -> None:
    assert choose(reply, OPTIONS) is None


def test_choose_without_menu_is_none() -> None:
    assert choose("1", []) is None


def test_menu_saved_per_sender_and_forgotten(channel_state: str) -> None:
    text_menu.save("sms-a", OPTIONS)
    text_menu.save("sms-b", OPTIONS[:1])

    assert text_menu.load("sms-a") == OPTIONS
    assert text_menu.load("sms-b") == [MenuOption(title="Mon 3 June, 09:00", payload='/choose_option{"option": "1"}')]

    text_menu.save("sms-a", [])

    assert text_menu.load("sms-a") == []
    assert text_menu.load("sms-unknown") == []


# The red-flag checklist (actions/action_ask_triage_checklist.py): one number is sent on as its button's
# payload; several numbers, "none" and "dunno" go to the bot as typed, and the triage form reads both.
CHECKLIST = options_from_buttons([
    {"title": "1. Are you unable to pee at all?", "payload": '/inform{"triage_checklist": "RF-CANNOT-PEE"}'},
    {"title": "2. Is there blood in your wee?", "payload": '/inform{"triage_checklist": "RF-BLOOD-IN-URINE"}'},
    {"title": "None of these", "payload": '/inform{"triage_checklist": "none"}'},
    {"title": "Not sure", "payload": '/inform{"triage_checklist": "not_sure"}'},
])


def test_render_checklist_numbers_questions_then_none_and_not_sure() -> None:
    text = "Do you have any of these? Reply with the numbers of all that apply, for example \"1 and 3\"."
    assert render(text, CHECKLIST).splitlines()[1:] == [
        "1. Are you unable to pee at all?", "2. Is there blood in your wee?", "3. None of these", "4. Not sure"]


@pytest.mark.parametrize(("reply", "payload"), [
    ("2", '/inform{"triage_checklist": "RF-BLOOD-IN-URINE"}'), ("3", '/inform{"triage_checklist": "none"}'),
    ("not sure", '/inform{"triage_checklist": "not_sure"}'), ("None of these", '/inform{"triage_checklist": "none"}'),
])
def test_choose_checklist_single_choice_is_its_payload(reply: str, payload: str) -> None:
    assert choose(reply, CHECKLIST) == payload


@pytest.mark.parametrize("reply", ["1 and 2", "1,2", "1, 2", "2 1", "none", "no", "0", "dunno"])
def test_choose_checklist_several_numbers_and_words_go_to_the_bot_as_typed(reply: str) -> None:
    assert choose(reply, CHECKLIST) is None
