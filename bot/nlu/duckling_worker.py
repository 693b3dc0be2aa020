"""Duckling in its own worker process, so the Rasa process never loads the Haskell runtime.

Duckling (pyduckling) runs a Haskell runtime inside the Python process; loaded beside TensorFlow
and spaCy in the Rasa server it corrupted the glibc heap after a few dozen parses and killed the
server (and the red-flag screen with it). Here it lives in one spawned worker process per
configuration: `DucklingTimes.parse` sends the text there over a pipe and gets plain dicts back.

`parse` is called synchronously on the Rasa server's event loop, so a failure must cost other
conversations nothing: a text that kills or hangs the worker (Duckling's time grows exponentially
with dense dates, e.g. "tomorrow" twelve times) is never sent again, its message gets no Duckling
times, and a new worker starts in a background thread; until it is ready, parses return [] at
once (TimeParser's rules still run). Only the very first start blocks. No text is ever logged.

This module must stay light: the worker imports it, so it imports nothing from Rasa.
"""

from __future__ import annotations

import atexit
import importlib
import logging
import multiprocessing
import os
import re
import signal
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

STARTUP_TIMEOUT = 60.0  # seconds for a fresh worker to load Duckling and its time-zone data
PARSE_TIMEOUT = 2.0  # seconds for one parse, and the longest a parse waits for another's
RESTART_BACKOFF = 10.0  # seconds before trying again after a worker failed to start
MAX_CHARS = 1000  # Duckling's time grows faster than the text; TimeParser sends 500 by default

# Duckling's Rust side copies the text into a NUL-terminated UTF-8 string: a NUL panics it and a
# lone surrogate cannot be encoded. Other control characters are no words either.
_UNREADABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")


class DucklingUnavailable(Exception):
    """The worker died, hung or failed to start."""


def duckling_safe(text: str) -> str:
    """`text` with control characters (but tab and newline) and lone surrogates made spaces,
    one for one, so Duckling's offsets still index the original text."""
    return _UNREADABLE.sub(" ", text)


# --- inside the worker process ---------------------------------------------------------------

def _load(timezone: str, locale: str, zoneinfo_dir: str) -> tuple[Any, Any, Any, Any]:
    if not Path(zoneinfo_dir, timezone).is_file():
        raise FileNotFoundError(f"no time-zone data for {timezone} under {zoneinfo_dir}")
    duckling = importlib.import_module("duckling")  # starts the Haskell runtime, in this process
    language = duckling.default_locale_lang(duckling.parse_lang(locale[:2]))
    return (duckling, duckling.load_time_zones(zoneinfo_dir),
            duckling.parse_locale(locale, language), duckling.parse_dimensions(["time"]))


def _silence_stderr() -> None:
    # Rust's panic hook writes the panic message to stderr before PyO3 raises it, and that message
    # can quote the text byte by byte ("NulError(8, [116, 111, ...])"). Failures reach the parent
    # over the pipe, by type name only, instead.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)


def _serve(conn: Connection, timezone: str, locale: str, zoneinfo_dir: str) -> None:
    """The worker's loop: load Duckling once, then answer (text, epoch seconds) requests."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    try:
        duckling, zones, loc, dimensions = _load(timezone, locale, zoneinfo_dir)
    except Exception as exc:  # reported to the parent, which logs it
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
        return
    _silence_stderr()
    conn.send(("ready", None))
    while True:
        try:
            text, timestamp = conn.recv()
        except (EOFError, OSError):  # the parent has gone
            return
        try:
            ref = duckling.parse_ref_time(zones, timezone, timestamp)
            matches = duckling.parse(text, duckling.Context(ref, loc), dimensions, False)
            reply: tuple[str, Any] = ("ok", [dict(m) for m in matches if m.get("dim") == "time"])
        except (SystemExit, KeyboardInterrupt):
            raise
        except BaseException as exc:  # PyO3's PanicException is no Exception; one text, not the worker
            reply = ("error", type(exc).__name__)
        try:
            conn.send(reply)
        except OSError:  # the parent has gone
            return


# --- in the Rasa process ---------------------------------------------------------------------

@dataclass(frozen=True)
class DucklingWorker:
    """One running worker process and the parent's end of its pipe; no retries, no restarts."""

    process: Any  # multiprocessing's SpawnProcess
    conn: Connection

    @classmethod
    def start(cls, timezone: str, locale: str, zoneinfo_dir: str) -> DucklingWorker:
        """Spawns a worker and waits until Duckling is loaded; DucklingUnavailable if it is not."""
        context = multiprocessing.get_context("spawn")  # no fork of TensorFlow's threads
        parent, child = context.Pipe()
        process = context.Process(target=_serve, name="duckling-worker", daemon=True,
                                  args=(child, timezone, locale, zoneinfo_dir))
        process.start()
        child.close()
        worker = cls(process, parent)
        try:
            status, detail = worker.receive(STARTUP_TIMEOUT)
        except DucklingUnavailable:
            worker.kill()
            raise
        if status != "ready":
            worker.kill()
            raise DucklingUnavailable(f"Duckling worker failed to start: {detail}")
        logger.debug("Duckling worker %s started for %s %s", process.pid, locale, timezone)
        return worker

    @property
    def alive(self) -> bool:
        """Whether the process is still running."""
        return bool(self.process.is_alive())

    def ask(self, text: str, timestamp: int, timeout: float) -> tuple[str, Any]:
        """Sends `text` as it is and returns ("ok", matches) or ("error", exception type name)."""
        try:
            self.conn.send((text, timestamp))
        except (OSError, ValueError) as exc:  # broken pipe: the worker died
            raise DucklingUnavailable(f"the Duckling worker died ({type(exc).__name__})") from exc
        return self.receive(timeout)

    def receive(self, timeout: float) -> tuple[str, Any]:
        """The worker's next reply; DucklingUnavailable if it dies or is silent for `timeout`."""
        try:
            if not self.conn.poll(timeout):
                raise DucklingUnavailable(f"no answer from the Duckling worker in {timeout:g}s")
            reply: tuple[str, Any] = self.conn.recv()
        except (EOFError, OSError) as exc:
            raise DucklingUnavailable(f"the Duckling worker died ({type(exc).__name__})") from exc
        return reply

    def kill(self) -> None:
        """Kills the process without waiting: the next spawn (or `stop`) reaps it."""
        self.conn.close()
        self.process.kill()


class DucklingTimes:
    """Duckling's `time` dimension, parsed in a lazily started worker that is replaced in the
    background when it dies or hangs."""

    def __init__(self, timezone: str, locale: str, zoneinfo_dir: str) -> None:
        self.timezone, self.locale_name, self.zoneinfo_dir = timezone, locale, zoneinfo_dir
        # Guards the pipe and the fields below. A parse holds it at most PARSE_TIMEOUT (or for the
        # very first start); everyone else gives up after PARSE_TIMEOUT rather than queue.
        self._lock = threading.Lock()
        self._worker: DucklingWorker | None = None
        self._starter: threading.Thread | None = None
        self._started_once = False
        self._next_start = 0.0  # time.monotonic() before which no start is tried
        self._generation = 0  # bumped by stop(), so a start under way then is thrown away

    @property
    def pid(self) -> int | None:
        """The worker's process id, if one is ready and running."""
        worker = self._worker
        return worker.process.pid if worker is not None and worker.alive else None

    def parse(self, text: str, reference_time: datetime) -> list[dict[str, Any]]:
        """Duckling's raw `time` matches for `text`; [] if Duckling fails or is restarting."""
        timestamp = int(reference_time.timestamp())
        if not self._lock.acquire(timeout=PARSE_TIMEOUT):
            logger.warning("Duckling busy for %gs: this message gets no Duckling times", PARSE_TIMEOUT)
            return []
        try:
            worker = self._ready_worker()
            if worker is None:
                return []
            try:
                status, result = worker.ask(duckling_safe(text[:MAX_CHARS]), timestamp, PARSE_TIMEOUT)
            except DucklingUnavailable as exc:
                # The text may be what killed or hung the worker, so it is not sent again.
                logger.warning("Duckling failed on a message, which gets no Duckling times and is "
                               "not retried (%s); restarting the worker in the background", exc)
                self._replace(worker)
                return []
        finally:
            self._lock.release()
        if status != "ok":
            logger.warning("Duckling could not parse a message (%s)", result)
            return []
        matches: list[dict[str, Any]] = result
        return matches

    def _ready_worker(self) -> DucklingWorker | None:
        """The running worker, else None once a (re)start is under way; call with the lock held."""
        worker = self._worker
        if worker is not None and worker.alive:
            return worker
        if worker is not None:
            logger.warning("The Duckling worker died between messages (exit code %s); restarting it "
                           "in the background", worker.process.exitcode)
            self._replace(worker)
            return None
        if not self._started_once:  # nothing to fall back on yet: wait for the first worker
            self._started_once = True
            try:
                self._worker = DucklingWorker.start(self.timezone, self.locale_name, self.zoneinfo_dir)
            except Exception as exc:  # never raise out of the component
                self._next_start = time.monotonic() + RESTART_BACKOFF
                logger.warning("Duckling unavailable, messages get no Duckling times: %s", exc)
            return self._worker
        self._start_in_background()
        logger.debug("Duckling is restarting: this message gets no Duckling times")
        return None

    def _replace(self, worker: DucklingWorker) -> None:
        worker.kill()
        self._worker = None
        self._start_in_background()

    def _start_in_background(self) -> None:
        if self._starter is not None and self._starter.is_alive():
            return
        if time.monotonic() < self._next_start:
            return
        self._starter = threading.Thread(target=self._start_worker, args=(self._generation,),
                                         name="duckling-restart", daemon=True)
        self._starter.start()

    def _start_worker(self, generation: int) -> None:
        """Runs in the restart thread: starts a worker and hands it to the next parse."""
        try:
            worker = DucklingWorker.start(self.timezone, self.locale_name, self.zoneinfo_dir)
        except Exception as exc:  # a thread has nobody to raise to
            logger.warning("Duckling worker failed to restart, next try in %gs: %s",
                           RESTART_BACKOFF, exc)
            with self._lock:
                self._next_start = time.monotonic() + RESTART_BACKOFF
            return
        with self._lock:
            if generation == self._generation:
                self._worker = worker
                return
        worker.kill()

    def stop(self) -> None:
        """Ends the worker, if any (a new one starts in the background on the next parse)."""
        with self._lock:
            self._generation += 1
            worker, self._worker = self._worker, None
        if worker is not None:
            worker.kill()
            worker.process.join(5)


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
