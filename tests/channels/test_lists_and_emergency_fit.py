"""One list is one text: five offered slots with their question, and the emergency advice, rendered by
each channel from the real slot lines (actions/slot_presenter.py) and the real domain responses.

SMS: one message of at most three GSM-7 segments; WhatsApp: one message; Telegram and the web chat
keep their buttons with the full titles.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from actions.backend_client import Slot
from actions.slot_presenter import option_buttons, slot_line
from bot.triage.dispositions import Disposition, load_catalogue
from bot.triage.engine import default_rules
from channels.sms_text import SMS_MAX_SEGMENTS, is_gsm7, segment_count, to_gsm7
from channels.telegram_output import TelegramOutput, make_bot
from channels.twilio_sms import TwilioSmsInput
from channels.webchat_messages import page_replies
from channels.whatsapp import WhatsAppInput
from tests.channels.conftest import TELEGRAM_BOT_TOKEN
from tests.channels.recording_api import RecordingApi
from tests.channels.telegram_api import CHAT_ID, calls
from tests.channels.test_twilio_webhook import Reply, ScriptedBot, running

DOMAIN = Path(__file__).parents[2] / "bot" / "domain"
# Long, real-looking names and places: the case that used to spill option 5 into a second text.
PEOPLE = [("Dr Oluwaseun Adeyemi-Williams", "gp"), ("Christabel Fotheringham-Jones", "nurse"),
          ("Dr Maximilian Hargreaves", "gp"), ("Bartholomew Okonkwo-Smith", "pharmacist"),
          ("Dr Anastasia Papadopoulou", "gp")]
PLACES = ["Riverside Medical Practice and Wellbeing Centre", "Chapel Allerton Health Centre",
          "Moortown and Meanwood Group Practice", "Headingley Community Pharmacy Clinic",
          "Kirkstall Lane Surgery and Minor Injuries"]
CHANNELS = ["in_person", "phone", "video", "in_person", "phone"]


def responses(feature: str) -> dict[str, Any]:
    return dict(yaml.safe_load((DOMAIN / f"{feature}.yml").read_text(encoding="utf-8"))["responses"])


def text_of(feature: str, response: str, **values: str) -> str:
    return str(responses(feature)[response][0]["text"]).format(**values)


def five_slots() -> list[Slot]:
    return [Slot.parse_obj({
        "id": index, "start": f"2026-12-0{index + 1}T{8 + index:02d}:15:00+00:00",
        "end": f"2026-12-0{index + 1}T{8 + index:02d}:30:00+00:00", "service": "gp_routine",
        "channel": CHANNELS[index],
        "practitioner": {"id": index, "display_name": PEOPLE[index][0], "role": PEOPLE[index][1]},
        "location": {"id": index, "name": PLACES[index], "postcode": "LS1 4AP", "organisation": "ZZ1001"},
    }) for index in range(5)]


def slot_list(response: str) -> Reply:
    """What action_offer_slots sends: the question and five numbered buttons."""
    buttons = option_buttons([slot_line(slot) for slot in five_slots()])
    return [{"text": text_of("booking", response), "buttons": buttons}]


def emergency_replies() -> list[tuple[str, str]]:
    """(response, advice) for every emergency rule's advice, as the engine words it, and the crisis lines."""
    catalogue = load_catalogue()
    found: set[tuple[str, str]] = set()
    for rule in default_rules().rules:
        if not rule.disposition.is_emergency:
            continue
        extras = [catalogue.advice_extras[key] for key in rule.advice]
        advice = "\n\n".join([*extras, catalogue[rule.disposition].advice])
        if "mental_health_crisis" in rule.advice:
            found.add(("utter_emergency_crisis", advice))
        elif rule.disposition is Disposition.A_AND_E:
            found.add(("utter_emergency_a_and_e", advice))
        else:
            found.add(("utter_emergency_999", advice))
    return sorted(found)


EMERGENCIES = emergency_replies()


def test_every_kind_of_emergency_advice_is_rendered() -> None:
    assert {response for response, _ in EMERGENCIES} == {
        "utter_emergency_999", "utter_emergency_a_and_e", "utter_emergency_crisis"}


def test_the_long_titles_alone_would_not_fit_one_sms() -> None:
    # Why the short form exists: the web chat's titles, numbered, run past three segments.
    [reply] = slot_list("utter_offer_slots")
    long_list = "\n".join([reply["text"], *(button["title"] for button in reply["buttons"])])
    assert segment_count(to_gsm7(long_list)) > SMS_MAX_SEGMENTS


@pytest.mark.anyio
@pytest.mark.parametrize("response", ["utter_offer_slots", "utter_offer_other_days"])
async def test_sms_five_slots_and_their_question_are_one_text(channel_state: str, response: str) -> None:
    async with running(TwilioSmsInput, bot=ScriptedBot(script=lambda text: slot_list(response))) as sms:
        [text] = await sms.say("book me in")

    assert is_gsm7(text) and segment_count(text) <= SMS_MAX_SEGMENTS
    assert text.startswith(to_gsm7(text_of("booking", response)))
    assert "5. Sat 5 Dec 12:15pm, Dr Papadopoulou, phone" in text
    assert "1. Tue 1 Dec 8:15am, Dr Adeyemi-Williams, in person" in text
    assert "2. Wed 2 Dec 9:15am, Nurse Fotheringham-Jones, phone" in text


@pytest.mark.anyio
async def test_sms_short_option_typed_back_picks_its_slot(channel_state: str) -> None:
    async with running(TwilioSmsInput, bot=ScriptedBot(script=lambda text: slot_list("utter_offer_slots"))) as sms:
        await sms.say("book me in")
        await sms.say("Thu 3 Dec 10:15am, Dr Hargreaves, video")
        await sms.say("the last one")

    assert sms.bot.texts[1:] == ['/choose_option{"option": "3"}', '/choose_option{"option": "5"}']


@pytest.mark.anyio
async def test_whatsapp_five_slots_and_their_question_are_one_message(channel_state: str) -> None:
    bot = ScriptedBot(script=lambda text: slot_list("utter_offer_other_days"))
    async with running(WhatsAppInput, bot=bot) as whatsapp:
        [text] = await whatsapp.say("book me in")

    assert text.count("\n") == 5  # the question, then one line per option
    assert "4. Fri 4 Dec 11:15am, Bartholomew Okonkwo-Smith, in person" in text


@pytest.mark.anyio
@pytest.mark.parametrize(("response", "advice"), EMERGENCIES)
async def test_sms_emergency_advice_is_one_text(channel_state: str, response: str, advice: str) -> None:
    # The webhook's bot reply, as action_emergency sends it, followed by nothing else.
    reply = [{"text": text_of("safety", response, advice=advice)}]
    async with running(TwilioSmsInput, bot=ScriptedBot(script=lambda text: reply)) as sms:
        [text] = await sms.say("he's collapsed")

    assert is_gsm7(text) and segment_count(text) <= SMS_MAX_SEGMENTS
    assert text.count("999") >= 1
    assert text.count("Call 999 now") <= 1


@pytest.mark.anyio
@pytest.mark.parametrize(("response", "advice"), EMERGENCIES[:3])
async def test_whatsapp_emergency_advice_is_one_message(channel_state: str, response: str, advice: str) -> None:
    reply = [{"text": text_of("safety", response, advice=advice)}]
    async with running(WhatsAppInput, bot=ScriptedBot(script=lambda text: reply)) as whatsapp:
        [text] = await whatsapp.say("she can't breathe")

    assert text == reply[0]["text"]


@pytest.mark.anyio
async def test_sms_list_after_a_long_message_still_arrives_whole(channel_state: str) -> None:
    # A turn's earlier message is packed apart rather than splitting the list between texts.
    lead = {"text": " ".join(["The practice nurse can help with this, and I can book you in."] * 6)}
    async with running(TwilioSmsInput, bot=ScriptedBot(script=lambda text: [lead, *slot_list(
            "utter_offer_slots")])) as sms:
        texts = await sms.say("book me in")

    assert all(segment_count(text) <= SMS_MAX_SEGMENTS for text in texts)
    [with_list] = [text for text in texts if "1. " in text]
    assert all(f"{number}. " in with_list for number in range(1, 6))
    assert with_list.startswith(to_gsm7(text_of("booking", "utter_offer_slots")))


@pytest.mark.anyio
async def test_telegram_keeps_the_full_titles_on_its_buttons(channel_state: str, bot_api: RecordingApi) -> None:
    [reply] = slot_list("utter_offer_slots")
    output = TelegramOutput(make_bot(TELEGRAM_BOT_TOKEN, f"{bot_api.url}/bot"), CHAT_ID, wait_multiplier=0)

    await output.send_text_with_buttons("telegram-sender", reply["text"], reply["buttons"])

    [(_, params)] = calls(bot_api, TELEGRAM_BOT_TOKEN, "sendMessage")
    titles = [row[0]["text"] for row in params["reply_markup"]["inline_keyboard"]]
    assert titles == [button["title"] for button in reply["buttons"]]
    assert "Riverside Medical Practice and Wellbeing Centre" in titles[0]


def test_web_chat_keeps_the_full_titles_on_its_buttons() -> None:
    [reply] = slot_list("utter_offer_slots")

    [shown] = page_replies([{**reply, "utter_action": "utter_offer_slots"}])

    assert [button["title"] for button in shown["buttons"]] == [button["title"] for button in reply["buttons"]]
    assert all("short_title" not in button for button in shown["buttons"])
