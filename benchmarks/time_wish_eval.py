"""Do bookings and moves with a time wish end at a time that honours the wish? Measured as a new patient
meets the assistant: scripted web chat conversations against the real stack.

Run it after `make train` (it needs models/assistant.tar.gz), from the checkout:

    ENVIRONMENT=test .venv/bin/python benchmarks/time_wish_eval.py [--only ID ...] [--transcripts] [--logs DIR]

It starts a booking backend (a throwaway SQLite copy of the demo), the action server and the Rasa server
with every channel mounted, as the end-to-end tests do (tests/stack.py, tests/channels/conftest.py),
then plays every patient of benchmarks/data/time_wish_conversations.yml through the web chat's JSON API
(tests/channels/test_e2e_webchat.py's WebChatPatient), reads the patient's booking from the backend and
checks it against the patient's wish. It prints PASS, FAIL (booked, wish not honoured) or BROKE OFF (no
booking, or the appointment not moved, at the end) per patient, then the totals.

Exit status 0 whatever the figures (it is a measurement); 1 when the stack does not start or the set is
malformed.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # run as a script: the project's packages and tests/ import from the checkout
    sys.path.insert(0, str(REPO))

from tests.channels.conftest import channel_settings  # noqa: E402
from tests.channels.recording_api import RecordingApi  # noqa: E402
from tests.channels.test_e2e_webchat import WebChatPatient, upcoming_bookings  # noqa: E402
from tests.stack import prepare_backend_database, running_stack  # noqa: E402

SET_PATH = REPO / "benchmarks" / "data" / "time_wish_conversations.yml"
UK = ZoneInfo("Europe/London")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
KINDS = ("book", "move")
TURN_KINDS = ("tap", "confirm", "pick_appointment", "say_clock_of")
CLOCK_STYLES = ("shown", "bare")
DEFAULT_CLOCK_TEMPLATE = "the {clock} one"
CONFIRM_TITLES = ("Yes, book it", "Yes, move it")
# How the bot asks which of the patient's appointments to cancel or move (bot/domain/{cancel,reschedule}.yml).
APPOINTMENT_QUESTION = "Which appointment would you like to"
# An option's button title (actions/slot_presenter.py): "2. Tue 25 Nov, 9:15am – Dr Amara Patel, ...".
OPTION_TITLE = re.compile(r"^(\d+)\. (\w{3}) (\d{1,2}) (\w{3}), ((\d{1,2})(?::(\d{2}))?([ap]m))\b")
HH_MM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
EXPECT_KEYS = ("weekday_in", "not_weekdays", "after_clock", "before_clock", "week", "day_of_month",
               "relative_to_offer", "not_among_offers", "exact_clock_of_offer", "relative_to_moved",
               "weekday_after_moved", "same_day_as_moved")
MOVE_ONLY_KEYS = ("relative_to_moved", "weekday_after_moved", "same_day_as_moved")
WEEKS = {"this": 0, "next": 1, "after_next": 2}
TURN_SECONDS = 90.0


# --- the set ---------------------------------------------------------------------------------------

class MalformedSet(ValueError):
    """The conversation set does not follow the vocabulary in its header."""


@dataclass(frozen=True)
class Turn:
    """One patient turn: typed text (`kind` "say") or a symbolic action resolved against the bot's last reply."""

    kind: str
    text: str = ""
    prefix: str = ""
    option: int = 0
    style: str = "shown"
    template: str = DEFAULT_CLOCK_TEMPLATE


@dataclass(frozen=True)
class Conversation:
    id: str
    kind: str
    setup: tuple[Turn, ...]
    turns: tuple[Turn, ...]
    expect: Mapping[str, Any]


def _positive_int(value: object, where: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise MalformedSet(f"{where}: expected a whole number from 1, got {value!r}")
    return value


def _weekdays(value: object, where: str) -> list[str]:
    if not isinstance(value, list) or not value or any(day not in WEEKDAYS for day in value):
        raise MalformedSet(f"{where}: expected a list of {', '.join(WEEKDAYS)}, got {value!r}")
    return value


def parse_turn(raw: object, where: str) -> Turn:
    """A turn as the set writes it: a string, or a one-action mapping from TURN_KINDS."""
    if isinstance(raw, str) and raw.strip():
        return Turn("say", text=raw)
    if not isinstance(raw, dict):
        raise MalformedSet(f"{where}: a turn is text or one of {TURN_KINDS}, got {raw!r}")
    actions = [key for key in raw if key in TURN_KINDS]
    if len(actions) != 1:
        raise MalformedSet(f"{where}: a turn names exactly one of {TURN_KINDS}, got {raw!r}")
    kind = actions[0]
    extra = set(raw) - {kind} - ({"style", "template"} if kind == "say_clock_of" else set())
    if extra:
        raise MalformedSet(f"{where}: unknown keys {sorted(extra)} in {raw!r}")
    value = raw[kind]
    if kind == "tap":
        if not isinstance(value, str) or not value:
            raise MalformedSet(f"{where}: tap needs the start of a button title, got {value!r}")
        return Turn(kind, prefix=value)
    if kind == "confirm":
        if value is not True:
            raise MalformedSet(f"{where}: write {{confirm: true}}, got {value!r}")
        return Turn(kind)
    if kind == "pick_appointment":
        return Turn(kind, option=_positive_int(value, where))
    style, template = raw.get("style", "shown"), raw.get("template", DEFAULT_CLOCK_TEMPLATE)
    if style not in CLOCK_STYLES:
        raise MalformedSet(f"{where}: style is one of {CLOCK_STYLES}, got {style!r}")
    if not isinstance(template, str) or "{clock}" not in template:
        raise MalformedSet(f"{where}: template must contain {{clock}}, got {template!r}")
    return Turn(kind, option=_positive_int(value, where), style=style, template=template)


def _check_expect(expect: object, kind: str, turns: Sequence[Turn], where: str) -> Mapping[str, Any]:
    if not isinstance(expect, dict) or not expect:
        raise MalformedSet(f"{where}: expect must be a non-empty mapping")
    unknown = set(expect) - set(EXPECT_KEYS)
    if unknown:
        raise MalformedSet(f"{where}: unknown expect keys {sorted(unknown)}")
    if kind != "move" and set(expect) & set(MOVE_ONLY_KEYS):
        raise MalformedSet(f"{where}: {sorted(set(expect) & set(MOVE_ONLY_KEYS))} only apply to moves")
    for key, value in expect.items():
        at = f"{where}: expect.{key}"
        if key in ("weekday_in", "not_weekdays"):
            _weekdays(value, at)
        elif key in ("after_clock", "before_clock"):
            if not isinstance(value, str) or not HH_MM.match(value):
                raise MalformedSet(f"{at}: expected \"HH:MM\", got {value!r}")
        elif key == "week":
            if value not in WEEKS:
                raise MalformedSet(f"{at}: one of {sorted(WEEKS)}, got {value!r}")
        elif key == "day_of_month":
            if _positive_int(value, at) > 31:
                raise MalformedSet(f"{at}: a day of the month, got {value!r}")
        elif key in ("relative_to_offer", "not_among_offers"):
            allowed = {"turn", "option", "direction", "same_day"} if key == "relative_to_offer" else {"turn"}
            if not isinstance(value, dict) or set(value) - allowed or "turn" not in value:
                raise MalformedSet(f"{at}: a mapping with `turn` and only {sorted(allowed)}, got {value!r}")
            turn = _positive_int(value["turn"], at)
            if turn > len(turns) or turn == 1:
                raise MalformedSet(f"{at}: turn {turn} must be a later turn (2..{len(turns)})")
            if key == "relative_to_offer":
                _positive_int(value.get("option", 1), at)
                if value.get("direction") not in ("earlier", "later"):
                    raise MalformedSet(f"{at}: direction is earlier or later, got {value.get('direction')!r}")
                if value.get("same_day", False) not in (True, False):
                    raise MalformedSet(f"{at}: same_day is true or false")
        elif key == "exact_clock_of_offer":
            _positive_int(value, at)
            if not any(turn.kind == "say_clock_of" for turn in turns):
                raise MalformedSet(f"{at}: needs a say_clock_of turn")
        elif key == "relative_to_moved":
            if not isinstance(value, dict) or set(value) != {"days"} or not isinstance(value["days"], int):
                raise MalformedSet(f"{at}: expected {{days: N}}, got {value!r}")
        elif key == "weekday_after_moved":
            if value not in WEEKDAYS:
                raise MalformedSet(f"{at}: one of {', '.join(WEEKDAYS)}, got {value!r}")
        elif key == "same_day_as_moved" and value is not True:
            raise MalformedSet(f"{at}: write true, got {value!r}")
    return expect


def parse_conversation(raw: object, index: int) -> Conversation:
    if not isinstance(raw, dict):
        raise MalformedSet(f"conversation {index}: expected a mapping, got {raw!r}")
    where = f"conversation {raw.get('id', index)!r}"
    unknown = set(raw) - {"id", "kind", "setup", "turns", "expect"}
    if unknown:
        raise MalformedSet(f"{where}: unknown keys {sorted(unknown)}")
    ident, kind = raw.get("id"), raw.get("kind")
    if not isinstance(ident, str) or not ident:
        raise MalformedSet(f"{where}: needs an id")
    if kind not in KINDS:
        raise MalformedSet(f"{where}: kind is one of {KINDS}, got {kind!r}")
    raw_setup, raw_turns = raw.get("setup", []), raw.get("turns")
    if not isinstance(raw_turns, list) or not raw_turns or not isinstance(raw_setup, list):
        raise MalformedSet(f"{where}: turns (and setup, when given) must be lists; turns not empty")
    if (kind == "move") != bool(raw_setup):
        raise MalformedSet(f"{where}: a move needs a setup that books the appointment; a booking has none")
    setup = tuple(parse_turn(turn, f"{where} setup {n}") for n, turn in enumerate(raw_setup, start=1))
    turns = tuple(parse_turn(turn, f"{where} turn {n}") for n, turn in enumerate(raw_turns, start=1))
    expect = _check_expect(raw.get("expect"), kind, turns, where)
    return Conversation(id=ident, kind=kind, setup=setup, turns=turns, expect=expect)


def load_conversations(path: Path = SET_PATH) -> list[Conversation]:
    """Every scripted patient in the set, checked against the vocabulary; raises MalformedSet."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or set(data) != {"conversations"} or not isinstance(data["conversations"], list):
        raise MalformedSet(f"{path}: expected one key, `conversations`, holding a list")
    conversations = [parse_conversation(raw, n) for n, raw in enumerate(data["conversations"], start=1)]
    seen: set[str] = set()
    for conversation in conversations:
        if conversation.id in seen:
            raise MalformedSet(f"duplicate id {conversation.id!r}")
        seen.add(conversation.id)
    return conversations


# --- what the patient sees -------------------------------------------------------------------------

@dataclass(frozen=True)
class Offer:
    """One offered time, read off its button title as the patient sees it."""

    number: int
    start: datetime
    clock: str
    title: str


def _year_for(month: int, day: int, today: date) -> date:
    """The date ahead of (or just before) `today` with that month and day: offers never lie far behind."""
    candidate = date(today.year, month, day)
    return date(today.year + 1, month, day) if candidate < today - timedelta(days=31) else candidate


def offers_in(replies: Sequence[Mapping[str, Any]], today: date) -> list[Offer] | None:
    """The offered times in the bot's replies, or None when they hold no list of times (or list appointments)."""
    if any(APPOINTMENT_QUESTION in reply.get("text", "") for reply in replies):
        return None
    offers = []
    for reply in replies:
        for button in reply.get("buttons", []):
            match = OPTION_TITLE.match(button["title"])
            if match is None or match[4].lower() not in MONTHS:
                continue
            number, _weekday, day, month, shown, hour, minute, half = match.groups()
            hour_24 = int(hour) % 12 + (12 if half == "pm" else 0)
            on = _year_for(MONTHS.index(month.lower()) + 1, int(day), today)
            start = datetime(on.year, on.month, on.day, hour_24, int(minute or 0), tzinfo=UK)
            offers.append(Offer(int(number), start, shown, button["title"]))
    return offers or None


def button_titles(replies: Sequence[Mapping[str, Any]]) -> list[str]:
    return [button["title"] for reply in replies for button in reply.get("buttons", [])]


def spoken_clock(offer: Offer, offers: Sequence[Offer], style: str) -> str:
    """The clock as the patient types it; with the day too when another offer shows the same clock."""
    words = offer.clock
    if style == "bare" and ":" in words:
        words = words[:-2]
    if any(other.clock == offer.clock and other.number != offer.number for other in offers):
        words = f"{offer.start:%A} {words}".lower()
    return words


# --- one conversation ------------------------------------------------------------------------------

class BrokeOff(Exception):
    """A symbolic turn found nothing to act on: the conversation went somewhere the script cannot follow."""


@dataclass
class Run:
    """One patient's conversation so far: what they were shown and what they picked."""

    patient: WebChatPatient
    today: date
    offers: list[Offer] = field(default_factory=list)
    offers_at_turn: dict[int, list[Offer]] = field(default_factory=dict)
    clock_pick_list: list[Offer] = field(default_factory=list)
    last_reply: str = ""
    log: list[str] = field(default_factory=list)
    broke_off: str = ""  # why the script stopped before its last turn

    def _after(self, reply: str) -> None:
        self.last_reply = reply
        self.log.append(f"  bot: {reply}".replace("\n", "\n       "))
        titles = button_titles(self.patient.replies)
        if titles:
            self.log.append("       [" + " | ".join(titles) + "]")
        offers = offers_in(self.patient.replies, self.today)
        if offers is not None:
            self.offers = offers

    def _tap(self, prefix: str) -> None:
        titles = button_titles(self.patient.replies)
        if not any(title.startswith(prefix) for title in titles):
            raise BrokeOff(f"no button starting {prefix!r} (buttons: {titles})")
        self.log.append(f"  patient taps: {prefix}")
        self._after(self.patient.tap(prefix))

    def _say(self, text: str) -> None:
        self.log.append(f"  patient: {text}")
        self._after(self.patient.say(text))

    def play(self, turn: Turn) -> None:
        if turn.kind == "say":
            self._say(turn.text)
        elif turn.kind == "tap":
            self._tap(turn.prefix)
        elif turn.kind == "confirm":
            titles = button_titles(self.patient.replies)
            prefix = next((p for p in CONFIRM_TITLES if any(t.startswith(p) for t in titles)), None)
            if prefix is None:
                raise BrokeOff(f"no confirm button (buttons: {titles})")
            self._tap(prefix)
        elif turn.kind == "pick_appointment":
            if any(APPOINTMENT_QUESTION in reply.get("text", "") for reply in self.patient.replies):
                self._tap(f"{turn.option}.")
            else:
                self.log.append("  (not asked which appointment)")
        else:  # say_clock_of
            offer = next((offer for offer in self.offers if offer.number == turn.option), None)
            if offer is None:
                raise BrokeOff(f"no option {turn.option} among the offered times ({len(self.offers)} shown)")
            self.clock_pick_list = list(self.offers)
            self._say(turn.template.format(clock=spoken_clock(offer, self.offers, turn.style)))


@dataclass(frozen=True)
class Outcome:
    conversation: Conversation
    verdict: str  # PASS, FAIL, BROKE OFF
    detail: str
    last_reply: str
    log: tuple[str, ...]


def week_start(moment: datetime) -> date:
    return moment.date() - timedelta(days=moment.weekday())


def _clock(text: str) -> tuple[int, int]:
    hour, minute = text.split(":")
    return int(hour), int(minute)


def unmet(expect: Mapping[str, Any], start: datetime, run: Run, now: datetime, moved: datetime | None) -> list[str]:
    """Why `start` does not honour the wish; empty when it does."""
    reasons = []
    weekday = WEEKDAYS[start.weekday()]
    for key, value in expect.items():
        if key == "weekday_in" and weekday not in value:
            reasons.append(f"not on {'/'.join(value)}")
        elif key == "not_weekdays" and weekday in value:
            reasons.append(f"on a {weekday}, which was ruled out")
        elif key == "after_clock" and (start.hour, start.minute) < _clock(value):
            reasons.append(f"before {value}")
        elif key == "before_clock" and (start.hour, start.minute) >= _clock(value):
            reasons.append(f"not before {value}")
        elif key == "week":
            first = week_start(now) + timedelta(weeks=WEEKS[value])
            if not first <= start.date() < first + timedelta(days=7):
                reasons.append(f"not in the week of {first:%a %d %b} ({value.replace('_', ' ')})")
        elif key == "day_of_month" and start.day != value:
            reasons.append(f"not on the {value}th")
        elif key in ("relative_to_offer", "not_among_offers"):
            offers = run.offers_at_turn.get(value["turn"], [])
            if not offers:
                reasons.append(f"no offered times were showing at turn {value['turn']}")
            elif key == "not_among_offers":
                if start in {offer.start for offer in offers}:
                    reasons.append(f"one of the times already offered at turn {value['turn']}")
            else:
                offer = next((o for o in offers if o.number == value.get("option", 1)), None)
                if offer is None:
                    reasons.append(f"no option {value.get('option', 1)} at turn {value['turn']}")
                    continue
                if value["direction"] == "earlier" and not start < offer.start:
                    reasons.append(f"not earlier than {offer.start:%a %d %b %H:%M} (offered at turn {value['turn']})")
                if value["direction"] == "later" and not start > offer.start:
                    reasons.append(f"not later than {offer.start:%a %d %b %H:%M} (offered at turn {value['turn']})")
                if value.get("same_day") and start.date() != offer.start.date():
                    reasons.append(f"not on {offer.start:%a %d %b}, the day of the offer it was to follow")
        elif key == "exact_clock_of_offer":
            offer = next((o for o in run.clock_pick_list if o.number == value), None)
            if offer is None or start != offer.start:
                picked = f"{offer.start:%a %d %b %H:%M}" if offer else "nothing"
                reasons.append(f"not the time picked by its clock (option {value}: {picked})")
        elif moved is not None and key == "relative_to_moved":
            wanted = moved.date() + timedelta(days=value["days"])
            if start.date() != wanted:
                reasons.append(f"not on {wanted:%a %d %b} ({value['days']} days after {moved:%a %d %b})")
        elif moved is not None and key == "weekday_after_moved":
            wanted = moved.date() + timedelta(days=(WEEKDAYS.index(value) - moved.weekday() - 1) % 7 + 1)
            if start.date() != wanted:
                reasons.append(f"not on {wanted:%a %d %b}, the {value} after {moved:%a %d %b}")
        elif moved is not None and key == "same_day_as_moved" and start.date() != moved.date():
            reasons.append(f"not on {moved:%a %d %b}, the day of the moved appointment")
    return reasons


def booking_starts(backend_url: str, token: str) -> list[datetime]:
    return sorted(datetime.fromisoformat(booking["slot"]["start"]).astimezone(UK)
                  for booking in upcoming_bookings(backend_url, token))


def converse(conversation: Conversation, rasa_url: str, backend_url: str) -> Outcome:
    """Play one scripted patient and judge the booking they end with."""
    now = datetime.now(UK)
    log: list[str] = []
    with httpx.Client(base_url=f"{rasa_url}/webhooks/webchat/", timeout=TURN_SECONDS) as client:
        try:
            run = Run(patient=WebChatPatient(client), today=now.date(), log=log)
        except (AssertionError, httpx.HTTPError) as error:
            return Outcome(conversation, "BROKE OFF", f"no web chat session: {error}", "", ())

        def outcome(verdict: str, detail: str) -> Outcome:
            return Outcome(conversation, verdict, detail, run.last_reply, tuple(run.log))

        moved: datetime | None = None
        try:
            for number, turn in enumerate(conversation.setup, start=1):
                try:
                    run.play(turn)
                except BrokeOff as error:
                    return outcome("BROKE OFF", f"setup turn {number}: {error}")
            if conversation.setup:
                starts = booking_starts(backend_url, run.patient.token)
                if len(starts) != 1:
                    return outcome("BROKE OFF", f"the setup left {len(starts)} bookings, not 1")
                moved = starts[0]
                run.log.append(f"  (setup booked {moved:%a %d %b %H:%M})")
            for number, turn in enumerate(conversation.turns, start=1):
                run.offers_at_turn[number] = list(run.offers)
                try:
                    run.play(turn)
                except BrokeOff as error:
                    run.broke_off = f"script stopped at turn {number}: {error}"
                    run.log.append(f"  ({run.broke_off})")
                    break
            starts = booking_starts(backend_url, run.patient.token)
        except (AssertionError, httpx.HTTPError) as error:  # WebChatPatient asserts a 200 on every message
            return outcome("BROKE OFF", f"the web chat or backend failed: {error}")

    stopped = f" ({run.broke_off})" if run.broke_off else ""
    if not starts:
        return outcome("BROKE OFF", "no booking at the end" + stopped)
    if len(starts) > 1:
        return outcome("FAIL", f"{len(starts)} bookings at the end: {[f'{s:%a %d %b %H:%M}' for s in starts]}")
    start = starts[0]
    if moved is not None and start == moved:
        return outcome("BROKE OFF", f"the appointment was not moved ({start:%a %d %b %H:%M})" + stopped)
    reasons = unmet(conversation.expect, start, run, now, moved)
    when = f"{start:%a %d %b %H:%M}"
    if reasons:
        return outcome("FAIL", f"{when}: " + "; ".join(reasons) + stopped)
    return outcome("PASS", when + stopped)


# --- the run ---------------------------------------------------------------------------------------

def report(outcomes: Sequence[Outcome], transcripts: bool) -> None:
    for result in outcomes:
        print(f"{result.verdict:9}  {result.conversation.id}: {result.detail}")
        if result.verdict != "PASS":
            print("           last reply: " + result.last_reply.replace("\n", " / "))
        if transcripts or result.verdict != "PASS":
            print("\n".join(result.log))
    print()
    for kind, label in (("book", "bookings honoured"), ("move", "moves honoured")):
        mine = [result for result in outcomes if result.conversation.kind == kind]
        honoured = sum(result.verdict == "PASS" for result in mine)
        broke = sum(result.verdict == "BROKE OFF" for result in mine)
        print(f"{label}: {honoured}/{len(mine)}   (not honoured {len(mine) - honoured - broke}, broke off {broke})")
    print(f"broke off (no booking, or not moved, at the end): {sum(r.verdict == 'BROKE OFF' for r in outcomes)}"
          f"/{len(outcomes)}")


def evaluate(conversations: Sequence[Conversation], folder: Path, transcripts: bool) -> int:
    """Start the stack under `folder`, play every patient, print the figures; 1 when the stack does not start."""
    api = RecordingApi()  # stands in for Twilio and Telegram, which the mounted channels are pointed at
    settings = channel_settings(api.url)
    os.environ.update(settings)  # this process names patients to the backend with the servers' secrets
    for part in ("template", "stack"):
        (folder / part).mkdir(parents=True, exist_ok=True)
    outcomes: list[Outcome] = []
    started = time.monotonic()
    try:
        template = prepare_backend_database(folder / "template")
        with running_stack(folder / "stack", template, **settings) as stack:
            print(f"stack up in {time.monotonic() - started:.0f} s; {len(conversations)} patients", flush=True)
            for conversation in conversations:
                outcomes.append(converse(conversation, stack.rasa_url, stack.backend_url))
                print(f"  {outcomes[-1].verdict:9}  {conversation.id}", flush=True)
    except pytest.fail.Exception as error:  # tests/stack.py reports a server that does not start this way
        print(f"The stack did not start: {error}", file=sys.stderr)
        return 1
    finally:
        api.close()
    print()
    report(outcomes, transcripts)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", type=Path, default=SET_PATH, help="the conversation set (YAML)")
    parser.add_argument("--only", nargs="+", default=[], metavar="ID", help="run only these patients")
    parser.add_argument("--transcripts", action="store_true", help="print every conversation, not only failures")
    parser.add_argument("--logs", type=Path, help="keep the servers' logs and databases in this folder")
    args = parser.parse_args(argv)
    try:
        conversations = load_conversations(args.set)
    except MalformedSet as error:
        print(f"The set is malformed: {error}", file=sys.stderr)
        return 1
    if args.only:
        unknown = set(args.only) - {c.id for c in conversations}
        if unknown:
            print(f"No such patients: {sorted(unknown)}", file=sys.stderr)
            return 1
        conversations = [c for c in conversations if c.id in args.only]
    if args.logs:
        return evaluate(conversations, args.logs, args.transcripts)
    with tempfile.TemporaryDirectory(prefix="time-wish-eval-") as folder:
        return evaluate(conversations, Path(folder), args.transcripts)


if __name__ == "__main__":
    sys.exit(main())
