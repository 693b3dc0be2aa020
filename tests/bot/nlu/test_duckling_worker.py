"""The Duckling worker process against hostile and failing input, with the real Duckling."""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.nlu.duckling_worker import (
    PARSE_TIMEOUT,
    STARTUP_TIMEOUT,
    DucklingTimes,
    DucklingWorker,
    duckling_safe,
)

LONDON = ZoneInfo("Europe/London")
WEDNESDAY = datetime(2024, 11, 20, 10, 30, tzinfo=LONDON)
# Duckling's time grows exponentially with adjacent dates: this takes it minutes and gigabytes.
POISON = "tomorrow " * 14


@pytest.fixture(scope="module")
def duckling() -> Iterator[DucklingTimes]:
    client = DucklingTimes("Europe/London", "EN_GB", "/usr/share/zoneinfo")
    assert client.parse("tomorrow", WEDNESDAY)  # the first start blocks until the worker is ready
    yield client
    client.stop()


def bodies(duckling: DucklingTimes, text: str) -> list[str]:
    return [text[m["start"] : m["end"]] for m in duckling.parse(text, WEDNESDAY)]


def timed_parse(duckling: DucklingTimes, text: str) -> tuple[float, list[str]]:
    started = time.monotonic()
    found = bodies(duckling, text)
    return time.monotonic() - started, found


def new_worker_pid(duckling: DucklingTimes, old_pid: int | None) -> int:
    """Waits for the background restart to hand over a worker other than `old_pid`."""
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while (pid := duckling.pid) in (None, old_pid):
        assert time.monotonic() < deadline, "the Duckling worker was not restarted"
        duckling.parse("nothing", WEDNESDAY)  # restarts are started by parses
        time.sleep(0.02)
    assert pid is not None
    return pid


def test_duckling_safe_blanks_unreadable_characters_one_for_one() -> None:
    text = "a\x00b\ud800c\td\ne\x1bf\x7f😀 غدا"
    assert duckling_safe(text) == "a b c\td\ne f 😀 غدا"
    assert len(duckling_safe(text)) == len(text)


@pytest.mark.parametrize("text", [
    "tomorrow\x00 at 10am", "\x00", "\ud800 tomorrow", "tomorrow \udfff", "a" * 10_000,
    "I have had a sore throat for three days and it is getting worse. " * 160,
    "😀🤒 tomorrow at 10am 👍🏽", "أريد موعدا غدا tomorrow", "שלום, next Friday", "\u202etomorrow\u202c",
    "\x01\x02\x1b[31m\x7f\r\n\t", "",
])
def test_duckling_worker_survives_unusual_text(duckling: DucklingTimes, text: str) -> None:
    pid = duckling.pid
    assert isinstance(duckling.parse(text, WEDNESDAY), list)
    assert duckling.pid == pid is not None


@pytest.mark.parametrize(("text", "expected"), [
    ("see you\x00 tomorrow at 10am", ["tomorrow at 10am"]),
    ("\ud800\ud800 next Friday", ["next Friday"]),
    ("😀 tomorrow at 10am", ["tomorrow at 10am"]),
])
def test_duckling_worker_unreadable_characters_keep_times_and_offsets(
        duckling: DucklingTimes, text: str, expected: list[str]) -> None:
    assert bodies(duckling, text) == expected


def test_duckling_worker_answers_a_panic_instead_of_dying(capfd: pytest.CaptureFixture[str]) -> None:
    worker = DucklingWorker.start("Europe/London", "EN_GB", "/usr/share/zoneinfo")  # stderr: capfd
    try:
        timestamp = int(WEDNESDAY.timestamp())
        assert worker.ask("secret\x00", timestamp, PARSE_TIMEOUT) == ("error", "PanicException")
        assert worker.alive
        status, matches = worker.ask("tomorrow", timestamp, PARSE_TIMEOUT)
        assert status == "ok" and [m["body"] for m in matches] == ["tomorrow"]
    finally:
        worker.kill()
        worker.process.join(5)
    # Rust's panic message spells the text out as bytes; the worker's stderr must not carry it.
    assert "NulError" not in capfd.readouterr().err


def test_duckling_worker_killed_worker_answers_at_once_then_comes_back(
        duckling: DucklingTimes, caplog: pytest.LogCaptureFixture) -> None:
    old_pid = duckling.pid
    assert old_pid is not None
    os.kill(old_pid, signal.SIGKILL)
    with caplog.at_level(logging.DEBUG, logger="bot.nlu.duckling_worker"):
        elapsed, found = timed_parse(duckling, "tomorrow at 10am")
    assert found == [] and elapsed < 1.0
    new_worker_pid(duckling, old_pid)
    assert bodies(duckling, "tomorrow at 10am") == ["tomorrow at 10am"]
    assert "in the background" in caplog.text
    assert "10am" not in caplog.text


def test_duckling_worker_poison_text_is_not_retried(duckling: DucklingTimes,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    old_pid = duckling.pid
    with caplog.at_level(logging.DEBUG, logger="bot.nlu.duckling_worker"):
        elapsed, found = timed_parse(duckling, POISON)
        assert found == [] and elapsed < PARSE_TIMEOUT + 1.0  # one timeout: no second attempt
        elapsed, _ = timed_parse(duckling, "tomorrow")  # while the worker restarts
        assert elapsed < 0.5
    # The new worker is free at once: the poison was never sent to it.
    new_pid = new_worker_pid(duckling, old_pid)
    elapsed, found = timed_parse(duckling, "tomorrow at 10am")
    assert found == ["tomorrow at 10am"] and elapsed < 1.0
    assert duckling.pid == new_pid
    assert "not retried" in caplog.text and "tomorrow" not in caplog.text


def test_duckling_worker_failure_delays_another_conversation_at_most_the_parse_timeout(
        duckling: DucklingTimes) -> None:
    old_pid = duckling.pid
    poisoned = threading.Thread(target=duckling.parse, args=(POISON, WEDNESDAY))
    poisoned.start()
    time.sleep(0.1)  # the poison is in the worker
    elapsed, found = timed_parse(duckling, "tomorrow")
    poisoned.join()
    assert found == [] and elapsed < PARSE_TIMEOUT + 0.5
    new_worker_pid(duckling, old_pid)


def test_duckling_worker_that_cannot_start_is_not_retried_on_every_message(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    broken = DucklingTimes("Europe/London", "EN_GB", str(tmp_path))  # no time-zone data
    with caplog.at_level(logging.WARNING, logger="bot.nlu.duckling_worker"):
        assert broken.parse("tomorrow", WEDNESDAY) == []
    assert "FileNotFoundError" in caplog.text
    elapsed, found = timed_parse(broken, "tomorrow")
    assert found == [] and elapsed < 0.1 and broken.pid is None
