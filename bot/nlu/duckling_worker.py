"""Duckling in its own worker process, so the Rasa process never loads the Haskell runtime.

Duckling (pyduckling) runs a Haskell runtime inside the Python process; loaded beside TensorFlow
and spaCy in the Rasa server it corrupted the glibc heap after a few dozen parses and killed the
server (and the red-flag screen with it). Here it lives in one spawned worker process per
configuration: `DucklingTimes.parse` sends the text there over a pipe and gets plain dicts back.
If the worker dies or does not answer in time it is restarted once and the parse retried; if that
fails too, a warning is logged (never the text) and the message gets no Duckling times.

This module must stay light: the worker imports it, so it imports nothing from Rasa.
"""

from __future__ import annotations

import atexit
import importlib
import logging
import multiprocessing
import signal
import threading
from datetime import datetime
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

STARTUP_TIMEOUT = 60.0  # seconds for a fresh worker to load Duckling and its time-zone data
PARSE_TIMEOUT = 2.0  # seconds for one parse


class DucklingUnavailable(Exception):
    """The worker died, hung or failed to start."""


# --- inside the worker process ---------------------------------------------------------------

def _load(timezone: str, locale: str, zoneinfo_dir: str) -> tuple[Any, Any, Any, Any]:
    if not Path(zoneinfo_dir, timezone).is_file():
        raise FileNotFoundError(f"no time-zone data for {timezone} under {zoneinfo_dir}")
    duckling = importlib.import_module("duckling")  # starts the Haskell runtime, in this process
    language = duckling.default_locale_lang(duckling.parse_lang(locale[:2]))
    return (duckling, duckling.load_time_zones(zoneinfo_dir),
            duckling.parse_locale(locale, language), duckling.parse_dimensions(["time"]))


def _serve(conn: Connection, timezone: str, locale: str, zoneinfo_dir: str) -> None:
    """The worker's loop: load Duckling once, then answer (text, epoch seconds) requests."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    try:
        duckling, zones, loc, dimensions = _load(timezone, locale, zoneinfo_dir)
    except Exception as exc:  # reported to the parent, which logs it
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
        return
    conn.send(("ready", None))
    while True:
        try:
            text, timestamp = conn.recv()
        except (EOFError, OSError):  # the parent has gone
            return
        try:
            ref = duckling.parse_ref_time(zones, timezone, timestamp)
            matches = duckling.parse(text, duckling.Context(ref, loc), dimensions, False)
            conn.send(("ok", [dict(m) for m in matches if m.get("dim") == "time"]))
        except Exception as exc:
            conn.send(("error", type(exc).__name__))


# --- in the Rasa process ---------------------------------------------------------------------

class DucklingTimes:
    """Duckling's `time` dimension, parsed in a lazily started worker process."""

    def __init__(self, timezone: str, locale: str, zoneinfo_dir: str) -> None:
        self.timezone, self.locale_name, self.zoneinfo_dir = timezone, locale, zoneinfo_dir
        self._lock = threading.Lock()
        self._process: Any = None  # multiprocessing's SpawnProcess
        self._conn: Connection | None = None

    @property
    def pid(self) -> int | None:
        """The worker's process id, if one is running."""
        return self._process.pid if self._process is not None and self._process.is_alive() else None

    def _start(self) -> Connection:
        context = multiprocessing.get_context("spawn")  # no fork of TensorFlow's threads
        parent, child = context.Pipe()
        process = context.Process(target=_serve, name="duckling-worker", daemon=True,
                                  args=(child, self.timezone, self.locale_name, self.zoneinfo_dir))
        process.start()
        child.close()
        self._process, self._conn = process, parent
        status, detail = self._receive(parent, STARTUP_TIMEOUT)
        if status != "ready":
            self.stop()
            raise DucklingUnavailable(f"Duckling worker failed to start: {detail}")
        logger.debug("Duckling worker %s started for %s %s", process.pid, self.locale_name,
                     self.timezone)
        return parent

    @staticmethod
    def _receive(conn: Connection, timeout: float) -> tuple[str, Any]:
        try:
            if not conn.poll(timeout):
                raise DucklingUnavailable(f"no answer from the Duckling worker in {timeout:g}s")
            reply: tuple[str, Any] = conn.recv()
        except (EOFError, OSError) as exc:
            raise DucklingUnavailable(f"the Duckling worker died ({type(exc).__name__})") from exc
        return reply

    def stop(self) -> None:
        """Ends the worker, if any (a new one starts on the next parse)."""
        process, conn = self._process, self._conn
        self._process = self._conn = None
        if conn is not None:
            conn.close()
        if process is not None:
            process.kill()
            process.join(5)

    def _ask(self, text: str, timestamp: int) -> tuple[str, Any]:
        conn = self._conn if self._conn is not None else self._start()
        try:
            conn.send((text, timestamp))
        except (OSError, ValueError) as exc:  # broken pipe: the worker died
            raise DucklingUnavailable(f"the Duckling worker died ({type(exc).__name__})") from exc
        return self._receive(conn, PARSE_TIMEOUT)

    def parse(self, text: str, reference_time: datetime) -> list[dict[str, Any]]:
        """Duckling's raw `time` matches for `text`; [] (and a warning) if Duckling fails."""
        timestamp = int(reference_time.timestamp())
        with self._lock:
            for attempt in (1, 2):
                try:
                    status, result = self._ask(text, timestamp)
                except Exception as exc:  # never raise out of the component
                    self.stop()
                    logger.warning("Duckling attempt %d failed: %s", attempt, exc)
                    continue
                if status == "ok":
                    matches: list[dict[str, Any]] = result
                    return matches
                logger.warning("Duckling could not parse a message: %s", result)
                return []
        logger.warning("Duckling unavailable: this message gets no Duckling times")
        return []


_WORKERS: dict[tuple[str, str, str], DucklingTimes] = {}
_WORKERS_LOCK = threading.Lock()


def duckling_times(timezone: str, locale: str, zoneinfo_dir: str) -> DucklingTimes:
    """The process-wide Duckling client for this configuration (one worker, however many
    TimeParsers are created, e.g. by cross-validation)."""
    with _WORKERS_LOCK:
        key = (timezone, locale, zoneinfo_dir)
        if key not in _WORKERS:
            _WORKERS[key] = DucklingTimes(timezone, locale, zoneinfo_dir)
        return _WORKERS[key]


@atexit.register
def _stop_all() -> None:
    for client in list(_WORKERS.values()):
        client.stop()
