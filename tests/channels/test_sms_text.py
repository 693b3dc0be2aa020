"""GSM-7 sanitising, SMS segment counting and splitting long replies between sentences."""

from __future__ import annotations

import pytest

from channels.sms_text import (
    WHATSAPP_MAX_CHARS,
    fits_sms,
    is_gsm7,
    pack_blocks,
    segment_count,
    sms_messages,
    split_text,
    to_gsm7,
    whatsapp_messages,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It\u2019s \u201cfine\u201d", "It's \"fine\""),
        ("09:00 \u2013 10:00 \u2014 or later\u2026", "09:00 - 10:00 - or later..."),
        ("A prescription costs \u00a39.90", "A prescription costs \u00a39.90"),
        ("Thanks \U0001F44D see you soon \U0001F600!", "Thanks see you soon!"),
        ("Caf\u00e9, na\u00efve, \u00e1gua", "Caf\u00e9, naive, agua"),
        ("\u00bd a tablet", "1/2 a tablet"),
        ("Costs \u20ac5 [approx]", "Costs \u20ac5 [approx]"),
        ("line one\u00a0 \n\n  line two", "line one\n\nline two"),
    ],
)
def test_to_gsm7_replaces_typography_and_strips_the_rest(text: str, expected: str) -> None:
    assert to_gsm7(text) == expected
    assert is_gsm7(to_gsm7(text))


@pytest.mark.parametrize(
    ("text", "segments"),
    [
        ("", 1),
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("a" * 459, 3),
        ("a" * 460, 4),
        ("\u20ac" * 80, 1),  # the euro sign is an escape: two septets each
        ("\u20ac" * 81, 2),
        ("a" * 152 + "\u20ac" + "a" * 8, 2),  # 162 septets; the escape is not split across segments
        ("\u00e9" * 160, 1),  # é is in the default alphabet
        ("\u00e1" * 70, 1),  # á is not: UCS-2
        ("\u00e1" * 71, 2),
        ("\U0001F600" * 35, 1),  # an emoji is two UTF-16 units
        ("\U0001F600" * 36, 2),
    ],
)
def test_segment_count_follows_gsm7_and_ucs2_limits(text: str, segments: int) -> None:
    assert segment_count(text) == segments


def test_segment_count_keeps_escape_pair_in_one_segment() -> None:
    # 152 plain + an escape (2) = 154 > 153: the euro sign starts segment two.
    assert segment_count("a" * 152 + "\u20ac" + "a" * 150) == 2
    assert segment_count("a" * 152 + "\u20ac" + "a" * 152) == 3


def test_sms_messages_short_text_is_one_message() -> None:
    assert sms_messages("Your appointment is booked.") == ["Your appointment is booked."]


def test_sms_messages_long_text_split_between_sentences_each_at_most_three_segments() -> None:
    sentences = [f"Sentence number {number} says something useful about your care." for number in range(1, 25)]
    text = " ".join(sentences)

    messages = sms_messages(text)

    assert len(messages) > 1
    assert all(segment_count(message) <= 3 for message in messages)
    assert all(message.endswith("care.") for message in messages)
    assert " ".join(messages) == text
    # As few messages as the three-segment limit allows.
    assert segment_count(messages[0] + " " + messages[1].split(". ")[0] + ".") > 3


def test_sms_messages_keep_numbered_list_lines() -> None:
    text = "Which would you like?\n1. Mon 09:00\n2. Tue 10:30\nReply with a number."

    assert sms_messages(text) == [text]


def test_sms_messages_split_a_list_between_lines() -> None:
    lines = [f"{number}. Monday {number} June at 09:{number:02d} with Dr Patel at the Riverside surgery"
             for number in range(1, 10)]
    text = "\n".join(["These are free:", *lines])

    messages = sms_messages(text)

    assert len(messages) == 2
    assert "\n".join(messages) == text
    assert all(message.startswith(("These", "1.", "2.", "3.", "4.", "5.", "6.", "7.", "8.")) for message in messages)


def test_sms_messages_split_after_a_sentence_not_after_a_list_number() -> None:
    text = "1. " + "Word " * 60 + "end. " + "More " * 80 + "done."

    messages = sms_messages(text)

    assert messages[0].startswith("1. Word")
    assert messages[0].endswith("end.")


def test_sms_messages_single_giant_sentence_split_between_words() -> None:
    text = " ".join(["word"] * 300)

    messages = sms_messages(text)

    assert all(segment_count(message) <= 3 for message in messages)
    assert " ".join(messages) == text


def test_sms_messages_never_exceed_three_segments_for_unbroken_text() -> None:
    messages = sms_messages("x" * 1000)

    assert [len(message) for message in messages] == [459, 459, 82]


def test_sms_messages_of_emoji_only_text_is_nothing() -> None:
    assert sms_messages("\U0001F44D\U0001F44D") == []


def test_whatsapp_messages_keep_unicode_and_split_at_1600() -> None:
    text = " ".join(f"Paragraph {number} \u2014 rest \U0001F964." for number in range(150))

    messages = whatsapp_messages(text)

    assert len(messages) == 3
    assert all(len(message.encode("utf-16-le")) // 2 <= WHATSAPP_MAX_CHARS for message in messages)
    assert "\U0001F964" in messages[0]
    assert " ".join(messages) == text


def test_split_text_keeps_paragraph_breaks() -> None:
    text = "First paragraph here.\n\nSecond paragraph here."

    assert split_text(text, lambda candidate: len(candidate) <= 60) == [text]
    assert split_text(text, lambda candidate: len(candidate) <= 30) == [
        "First paragraph here.", "Second paragraph here.",
    ]


def test_pack_blocks_keeps_a_block_that_fits_whole_rather_than_filling_up_the_first_message() -> None:
    lead = "First sentence of the outcome. " * 9  # about 280 characters
    listing = "Which would you like?\n" + "\n".join(f"{n}. Tue 24 Nov 2pm, Dr Patel, phone" for n in range(1, 6))

    messages = pack_blocks([lead, listing], fits_sms)

    assert messages == [lead.strip(), listing]


def test_pack_blocks_joins_blocks_that_fit_together_with_a_blank_line() -> None:
    assert pack_blocks(["Booked.", "", "To change it, just message me."], fits_sms) == [
        "Booked.\n\nTo change it, just message me."]


def test_pack_blocks_splits_only_a_block_too_long_on_its_own() -> None:
    long_block = " ".join(f"Sentence {n} is here to fill the message up a little." for n in range(30))
    messages = pack_blocks(["Short first.", long_block], fits_sms)

    assert all(segment_count(message) <= 3 for message in messages)
    assert messages[0].startswith("Short first.\n\nSentence 0")
    assert " ".join(messages).count("Sentence ") == 30


def test_sms_messages_of_several_blocks_are_gsm7() -> None:
    assert sms_messages("It\u2019s booked.", "Call 999 \u2013 now.") == ["It's booked.\n\nCall 999 - now."]


@pytest.mark.parametrize(("text", "segments"), [
    ("Don't worry, " + "a" * 140, 1),  # 153 characters with a straight apostrophe: GSM-7, one segment
    ("Don\u2019t worry, " + "a" * 140, 3),  # a curly one makes it UCS-2: 67 a segment
])
def test_a_curly_apostrophe_forces_ucs2_until_normalised(text: str, segments: int) -> None:
    assert segment_count(text) == segments
    assert segment_count(to_gsm7(text)) == 1
