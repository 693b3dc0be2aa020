"""Message round-trip latency and throughput of the assistant, next to the starter bot from `rasa init`.

Run it with `make bench-bot`, or directly:

    .venv-backend/bin/python benchmarks/bot_bench.py [--duration 20] [--tracker-store both|memory|sqlite]

It trains models/assistant.tar.gz when its data changed (`make train`), makes the starter bot in a
temporary directory (`rasa init --no-prompt`, which trains it), and starts, all on loopback ports:
the booking backend on a throwaway SQLite database (seeded with the demo), the action server, and
one `rasa run` process per bot (no HTTP API: the REST channel is a webhook). Then it drives the REST channel
(POST /webhooks/rest/webhook) with aiohttp, one sender id per conversation:

- the assistant: greet, describe a routine problem, answer the triage questions with the buttons'
  payloads, accept the booking, choose one of the offered slots, confirm, say goodbye; so most
  messages go Rasa -> action server -> booking backend and back;
- the starter bot: its own greet / mood / yes-no / goodbye conversations.

Each bot is measured with 1 and with 20 concurrent conversations, for each tracker store asked for
(in memory; SQLite, as `make run` uses), in the order starter, assistant, assistant, starter so that
a change in the shared machine's load touches both. Targets: p95 < 150 ms with one conversation,
and at least 70% of the starter bot's messages per second with 20. Every process and the temporary
directory are removed at the end, also on failure, Ctrl-C or SIGTERM. Exit status 0 when all pass.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

import aiohttp
from bench_figures import host_lines, percentile, verdict  # beside this script on sys.path
from process_cpu import group_cpu_seconds  # beside this script on sys.path

REPO = Path(__file__).resolve().parent.parent
BOT_BIN = REPO / ".venv" / "bin"
BOT_PY = BOT_BIN / "python"
BACKEND_PY = REPO / ".venv-backend" / "bin" / "python"
MODEL = REPO / "models" / "assistant.tar.gz"
CREDENTIALS = REPO / "benchmarks" / "rest-credentials.yml"  # the REST channel only, for both bots

P95_TARGET_MS = 150.0
THROUGHPUT_TARGET = 0.70  # of the starter bot's messages per second, 20 conversations each
CONCURRENCY = (1, 20)
MAX_TURNS = 16  # per assistant conversation: greet, symptoms, ~5 triage answers, checklist, booking, slot, confirm, bye
REQUEST_TIMEOUT_S = 60.0
ASSISTANT, STARTER = "assistant", "starter (rasa init)"

# Scripted conversations: typed the way patients type. The symptom decides the route (physio,
# GP, pharmacist after a few more questions); the buttons' payloads answer the triage questions.
GREETINGS = ("hi", "hello", "hiya", "good morning")
SYMPTOMS = (
    "ive had back pain for a week",
    "dry cough for 3 weeks now",
    "burning when i wee",
    "my knee has been sore for a few weeks",
)
GOODBYES = ("thanks, bye", "thank you", "bye")
TRIAGE_ANSWERS = {"who_is_ill": "self", "age_band": "16_to_64", "sex": "female", "pregnant": "no",
                  "severity": "mild", "onset": "gradual", "duration": "1_to_3_weeks",
                  "triage_checklist": "none"}  # the red-flag checklist: "None of these"
STARTER_SCRIPTS = (
    ("hello", "i am great", "bye"),
    ("hi", "very sad", "yes", "goodbye"),
    ("hey there", "unhappy", "no"),
    ("good morning", "are you a bot?", "amazing", "bye"),
)


# --------------------------------------------------------------------------- processes


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def base_env() -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "TF_CPP_MIN_LOG_LEVEL": "3", "RASA_TELEMETRY_ENABLED": "false",
           "PYTHONDONTWRITEBYTECODE": "1", "SANIC_WORKERS": "1", "ENVIRONMENT": "development"}
    for proxy in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        env.pop(proxy, None)  # everything is on loopback
    return env


class Service:
    """One process in its own process group (so it and its children stop as a whole), logging to a file."""

    def __init__(self, name: str, command: list[str], *, env: dict[str, str], cwd: Path, log: Path,
                 health_url: str | None = None) -> None:
        self.name = name
        self.command = command
        self.env = env
        self.cwd = cwd
        self.log = log
        self.health_url = health_url
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("wb") as out:
            self._process = subprocess.Popen(self.command, cwd=self.cwd, env=self.env, stdout=out,
                                             stderr=subprocess.STDOUT, start_new_session=True)

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log.read_text(errors="replace")[-chars:]
        except OSError:
            return "(no log)"

    def failed(self) -> str | None:
        """Why the process is gone, or None while it runs."""
        if self._process is None or self._process.poll() is None:
            return None
        code = self._process.returncode
        how = f"was killed by {signal.Signals(-code).name}" if code < 0 else f"exited with status {code}"
        return f"{self.name} {how}; the end of its log:\n{self.log_tail()}"

    def wait(self, timeout: float) -> None:
        """For one-shot commands: wait for the exit, raise with the log on failure or timeout."""
        assert self._process is not None
        try:
            self._process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.stop()
            raise RuntimeError(f"{self.name} took longer than {timeout:.0f} s; its log:\n{self.log_tail()}") from None
        if self._process.returncode != 0:
            raise RuntimeError(self.failed())

    async def wait_ready(self, timeout: float) -> None:
        assert self.health_url is not None
        deadline = time.monotonic() + timeout
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=2)) as http:
            while time.monotonic() < deadline:
                if (why := self.failed()) is not None:
                    raise RuntimeError(why)
                try:
                    async with http.get(self.health_url) as response:
                        if response.status == 200:
                            return
                except (aiohttp.ClientError, asyncio.TimeoutError):
                    pass
                await asyncio.sleep(0.5)
        raise RuntimeError(f"{self.name} did not answer {self.health_url} in {timeout:.0f} s; its log:\n"
                           f"{self.log_tail()}")

    def cpu_seconds(self) -> float:
        """CPU time used so far by the process group (Linux /proc), to tell a busy machine from a slow bot."""
        if self._process is None:
            return 0.0
        return group_cpu_seconds(self._process.pid)

    def stop(self) -> None:
        if self._process is None or self._process.poll() is not None:
            return
        try:
            os.killpg(self._process.pid, signal.SIGTERM)
            self._process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self._process.pid, signal.SIGKILL)
            self._process.wait(timeout=5)
        except ProcessLookupError:
            pass


def run_to_end(name: str, command: list[str], *, cwd: Path, log: Path, timeout: float) -> None:
    """A one-shot command in its own process group, stopped with its children if we are interrupted."""
    service = Service(name, command, env=base_env(), cwd=cwd, log=log)
    service.start()
    try:
        service.wait(timeout)
    finally:
        service.stop()


def rasa_server(name: str, *, model: Path, endpoints: Path, tmp: Path) -> Service:
    port = free_port()
    command = [str(BOT_BIN / "rasa"), "run", "--model", str(model), "--endpoints", str(endpoints),
               "--credentials", str(CREDENTIALS), "--interface", "127.0.0.1", "--port", str(port)]
    return Service(name, command, env=base_env(), cwd=REPO,
                   log=tmp / f"rasa-{port}.log", health_url=f"http://127.0.0.1:{port}/")


def webhook(server: Service) -> str:
    assert server.health_url is not None
    return f"{server.health_url}webhooks/rest/webhook"


# --------------------------------------------------------------------------- conversations


class OffScript(Exception):
    """The bot answered something the scripted conversation does not expect."""


@dataclass
class PhaseStats:
    bot: str
    store: str
    concurrency: int
    latencies: list[float] = field(default_factory=list)
    by_step: dict[str, list[float]] = field(default_factory=dict)
    conversations: int = 0
    completed: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds per process group during the phase
    load: float = 0.0

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0


class Budget:
    """Bounds a phase by time and by messages; a conversation stops mid-way when either runs out."""

    def __init__(self, duration: float, max_messages: int) -> None:
        self.deadline = time.monotonic() + duration
        self.left = max_messages

    def take(self) -> bool:
        if self.left <= 0 or time.monotonic() >= self.deadline:
            return False
        self.left -= 1
        return True


class Stopped(Exception):
    """The phase's budget ran out in the middle of a conversation."""


Send = Callable[[str, str], Awaitable[list[dict[str, Any]]]]


def texts(reply: list[dict[str, Any]]) -> str:
    return " ".join(str(m.get("text", "")) for m in reply)


def payloads(reply: list[dict[str, Any]]) -> list[str]:
    return [str(b["payload"]) for m in reply for b in m.get("buttons") or []]


def triage_answer(choices: list[str]) -> str:
    """The button whose payload answers the question the way this scripted patient would."""
    for payload in choices:
        if payload.startswith("/inform{"):
            (key, value), = json.loads(payload.removeprefix("/inform")).items()
            if TRIAGE_ANSWERS.get(key) == value:
                return payload
    return choices[0]


async def assistant_conversation(send: Send, number: int) -> None:
    """Greet, symptoms, triage by buttons, accept a booking, pick a slot, confirm, goodbye."""
    await send("greet", GREETINGS[number % len(GREETINGS)])
    reply = await send("symptoms", SYMPTOMS[number % len(SYMPTOMS)])
    for _ in range(MAX_TURNS):
        said, choices = texts(reply), payloads(reply)
        if "you're booked" in said:
            await send("goodbye", GOODBYES[number % len(GOODBYES)])
            return
        options = [p for p in choices if p.startswith("/choose_option")]
        if options:  # spread the conversations over the offered slots
            reply = await send("choose slot -> hold", options[number % len(options)])
        elif any(p.startswith("/inform{") for p in choices) and "Is that right?" not in said:
            reply = await send("triage answer", triage_answer(choices))
        elif "/affirm" in choices:
            step = ("triage confirmed -> outcome" if "Is that right?" in said else
                    "confirm -> book" if "Shall I book it?" in said else
                    "accept booking -> slots" if "find an appointment" in said else "yes")
            reply = await send(step, "/affirm")
        else:
            raise OffScript(said[:120] or "(no reply)")
    raise OffScript(f"not booked after {MAX_TURNS} turns")


async def starter_conversation(send: Send, number: int) -> None:
    for text in STARTER_SCRIPTS[number % len(STARTER_SCRIPTS)]:
        await send("message", text)


async def run_phase(server: Service, stats: PhaseStats, conversation: Callable[[Send, int], Awaitable[None]], *,
                    duration: float, max_messages: int, sender_prefix: str) -> None:
    budget = Budget(duration, max_messages)
    url = webhook(server)

    async def worker(number: int, http: aiohttp.ClientSession) -> None:
        for k in range(max_messages):
            if budget.left <= 0 or time.monotonic() >= budget.deadline:
                return
            sender = f"{sender_prefix}-w{number:02d}-c{k:05d}"

            async def send(step: str, text: str, sender: str = sender) -> list[dict[str, Any]]:
                if not budget.take():
                    raise Stopped
                began = time.perf_counter()
                async with http.post(url, json={"sender": sender, "message": text}) as response:
                    reply = await response.json(content_type=None) if response.status == 200 else None
                elapsed = (time.perf_counter() - began) * 1000
                if not reply:
                    what = f"HTTP {response.status}" if reply is None else "no reply"
                    raise OffScript(f"{what} to {text!r}")
                stats.latencies.append(elapsed)
                stats.by_step.setdefault(step, []).append(elapsed)
                return list(reply)

            stats.conversations += 1
            try:
                await conversation(send, number + stats.concurrency * k)  # distinct across workers
                stats.completed += 1
            except Stopped:
                return
            except OffScript as e:
                stats.errors[str(e)] += 1
            except (aiohttp.ClientError, asyncio.TimeoutError) as e:
                for _ in range(20):  # a process that aborts takes a moment to be gone: stop the bench if it is
                    if (why := server.failed()) is not None:
                        raise RuntimeError(why) from e
                    await asyncio.sleep(0.25)
                stats.errors[f"{type(e).__name__}: {e}"[:120]] += 1

    began = time.perf_counter()
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=stats.concurrency), timeout=timeout) as http:
        await asyncio.gather(*(worker(n, http) for n in range(stats.concurrency)))
    stats.seconds = time.perf_counter() - began


def measure(server: Service, stats: PhaseStats, conversation: Callable[[Send, int], Awaitable[None]], *,
            watched: dict[str, Service], duration: float, max_messages: int, sender_prefix: str) -> PhaseStats:
    before = {name: s.cpu_seconds() for name, s in watched.items()}
    asyncio.run(run_phase(server, stats, conversation, duration=duration, max_messages=max_messages,
                          sender_prefix=sender_prefix))
    stats.cpu = {name: s.cpu_seconds() - before[name] for name, s in watched.items()}
    stats.load = os.getloadavg()[0]
    for service in watched.values():
        if (why := service.failed()) is not None:
            raise RuntimeError(why)
    return stats


# --------------------------------------------------------------------------- report


def rasa_version() -> str:
    found = sorted((REPO / ".venv" / "lib").glob("python*/site-packages/rasa-*.dist-info"))
    return found[-1].name.removeprefix("rasa-").removesuffix(".dist-info") if found else "unknown"


def machine_facts(load_at_start: tuple[float, float, float]) -> list[str]:
    return [
        *host_lines(load_at_start, width=10),
        f"Software  Rasa {rasa_version()} (one `rasa run` process per bot, SANIC_WORKERS=1), action server "
        f"`python -m actions.server`, booking backend (1 uvicorn worker, SQLite); load from aiohttp "
        f"{aiohttp.__version__} on Python {platform.python_version()} in this process, loopback",
    ]


STORE_NAMES = {"memory": "in memory", "sqlite": "SQLite"}


def report(phases: list[PhaseStats], *, facts: list[str], args: argparse.Namespace, total_seconds: float) -> bool:
    width = 104
    print("=" * width)
    print("Assistant benchmark: message round trip over the Rasa REST channel, next to the `rasa init` starter bot")
    print("=" * width)
    for line in facts:
        print(line)
    print(f"Phases    {args.duration:.0f} s each (at most {args.max_messages:,} messages), one sender id per "
          "conversation; latency as the client sees it, POST to reply")
    if args.without_time_parser:
        print("Model     the assistant WITHOUT bot.nlu.time_parser.TimeParser (Duckling), trained for this run: "
              "not the shipped pipeline")
    else:
        print(f"Model     {MODEL.relative_to(REPO)} (the shipped pipeline)")
    print("CPU/msg   CPU time of the bot's Rasa process, and of action server + backend, per message measured")
    print()
    print(f"  {'tracker store':<14}{'bot':<22}{'conc':>5}{'convs':>7}{'messages':>9}{'p50 ms':>8}{'p95 ms':>8}"
          f"{'msgs/s':>8}{'rasa CPU':>10}{'act+be CPU':>11}{'load':>6}")
    for p in phases:
        n = len(p.latencies) or 1
        rasa_cpu = 1000 * p.cpu.get("rasa", 0.0) / n
        rest_cpu = 1000 * (p.cpu.get("actions", 0.0) + p.cpu.get("backend", 0.0)) / n
        rest = f"{rest_cpu:>8.1f} ms" if p.bot == ASSISTANT else f"{'-':>11}"
        print(f"  {STORE_NAMES[p.store]:<14}{p.bot:<22}{p.concurrency:>5}{p.conversations:>7,}{len(p.latencies):>9,}"
              f"{percentile(p.latencies, 50):>8.0f}{percentile(p.latencies, 95):>8.0f}{p.rate:>8.1f}"
              f"{rasa_cpu:>7.1f} ms{rest}{p.load:>6.1f}")
    print()
    ok = True
    for store in dict.fromkeys(p.store for p in phases):
        found = {(p.bot, p.concurrency): p for p in phases if p.store == store}
        one, many, starter_many = found[ASSISTANT, 1], found[ASSISTANT, 20], found[STARTER, 20]
        ratio = many.rate / starter_many.rate if starter_many.rate else 0.0
        ratio_one = one.rate / found[STARTER, 1].rate if found[STARTER, 1].rate else 0.0
        latency_ok = percentile(one.latencies, 95) < P95_TARGET_MS
        rate_ok = ratio >= THROUGHPUT_TARGET
        errors = Counter[str]()
        for p in found.values():
            errors.update({f"{p.bot}, {p.concurrency}: {k}": v for k, v in p.errors.items()})
        clean = not errors and all(p.latencies for p in found.values())
        ok = ok and latency_ok and rate_ok and clean
        print(f"Tracker store {STORE_NAMES[store]}")
        print(f"  assistant p95 with 1 conversation   {percentile(one.latencies, 95):7.0f} ms   "
              f"target < {P95_TARGET_MS:.0f} ms: {verdict(latency_ok)}")
        print(f"  msgs/s assistant / starter, 20 conv {ratio:7.2f}      target >= {THROUGHPUT_TARGET:.2f}: "
              f"{verdict(rate_ok)}   ({many.rate:.1f} / {starter_many.rate:.1f}; with 1 conversation "
              f"{ratio_one:.2f})")
        print(f"  conversations that left the script  {sum(errors.values()):7,}           {verdict(clean)}"
              + "".join(f"\n    {v} x {k}" for k, v in errors.most_common(5)))
        print()
    steps = next((p.by_step for p in phases if p.bot == ASSISTANT and p.concurrency == 1), {})
    if steps:
        print(f"Where the time goes: the assistant with 1 conversation, {STORE_NAMES[phases[0].store]} store, by step")
        for step, values in sorted(steps.items(), key=lambda kv: -statistics.fmean(kv[1])):
            print(f"  {step:<32}{len(values):>6,} msgs   p50 {percentile(values, 50):6.0f} ms   "
                  f"p95 {percentile(values, 95):6.0f} ms")
        print()
    print(f"Result    {verdict(ok)}; whole bench {total_seconds:.0f} s "
          "(reference: one Rasa process answers ~24 starter-bot messages/s on this machine when it is idle)")
    print("=" * width)
    return ok


# --------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of each measured phase (default 20)")
    parser.add_argument("--max-messages", type=int, default=5000, help="upper bound on messages per phase")
    parser.add_argument("--tracker-store", choices=("both", "memory", "sqlite"), default="both",
                        help="Rasa tracker store for both bots: in memory, SQLite (as `make run`), or both (default)")
    parser.add_argument("--warm-up", type=int, default=3, help="conversations per bot before measuring (default 3)")
    parser.add_argument("--without-time-parser", action="store_true",
                        help="measure the assistant trained without bot.nlu.time_parser.TimeParser (Duckling), in the "
                             "temporary directory: a diagnosis aid, not the shipped pipeline")
    parser.add_argument("--keep-tmp", action="store_true", help="keep the temporary directory with the logs")
    return parser.parse_args(argv)


def _raise_interrupt(_signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def start_all(services: list[Service], timeout: float) -> None:
    for service in services:
        service.start()

    async def ready() -> None:
        await asyncio.gather(*(s.wait_ready(timeout) for s in services))

    asyncio.run(ready())


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # Clean up on Ctrl-C, also when started with SIGINT ignored (a background job), and on `kill`.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _raise_interrupt)
    started = time.perf_counter()
    load_at_start = os.getloadavg()
    tmp = Path(tempfile.mkdtemp(prefix="bot_bench_"))
    running: list[Service] = []
    try:
        print("Training the assistant if its data changed (make train) ...", flush=True)
        run_to_end("make train", ["make", "-s", "--no-print-directory", "train"], cwd=REPO, log=tmp / "train.log",
                   timeout=1800)
        model = MODEL
        if args.without_time_parser:
            print("Training the assistant without the TimeParser (Rasa's cache makes this quick) ...", flush=True)
            config = write(tmp / "config-without-time-parser.yml", "".join(
                line for line in (REPO / "config.yml").read_text().splitlines(keepends=True)
                if "bot.nlu.time_parser.TimeParser" not in line))
            run_to_end("rasa train", [str(BOT_BIN / "rasa"), "train", "--domain", "bot/domain", "--data", "nlu_data",
                                      "stories", "--config", str(config), "--out", str(tmp), "--fixed-model-name",
                                      "assistant-without-time-parser"], cwd=REPO, log=tmp / "train-variant.log",
                       timeout=1800)
            model = tmp / "assistant-without-time-parser.tar.gz"
        print("Creating and training the starter bot (rasa init --no-prompt), starting the backend and the action "
              "server ...", flush=True)
        starter_dir = tmp / "starter"
        starter_dir.mkdir()
        init = Service("rasa init", [str(BOT_BIN / "rasa"), "init", "--no-prompt", "--init-dir", str(starter_dir)],
                       env=base_env(), cwd=starter_dir, log=tmp / "init.log")
        running.append(init)
        init.start()

        backend_port, actions_port = free_port(), free_port()
        backend_url = f"http://127.0.0.1:{backend_port}"
        # The action server sends this to the backend (Authorization: Bearer), as in a deployment.
        backend_token = secrets.token_urlsafe(32)
        backend = Service("backend", [str(BACKEND_PY), "-m", "booking_backend", "serve"], cwd=REPO,
                          log=tmp / "backend.log", health_url=f"{backend_url}/health",
                          env={**base_env(), "ENVIRONMENT": "development", "DATABASE_URL": f"sqlite:///{tmp}/booking.db",
                               "BACKEND_HOST": "127.0.0.1", "BACKEND_PORT": str(backend_port),
                               "BACKEND_API_TOKEN": backend_token})
        action_token = secrets.token_urlsafe(32)
        actions = Service("actions", [str(BOT_PY), "-m", "actions.server"], cwd=REPO,
                          log=tmp / "actions.log", health_url=f"http://127.0.0.1:{actions_port}/health",
                          env={**base_env(), "BOOKING_BACKEND_URL": backend_url,
                               "ACTION_SERVER_PORT": str(actions_port), "ACTION_SERVER_TOKEN": action_token,
                               "BACKEND_API_TOKEN": backend_token, "ENVIRONMENT": "development",
                               "PATIENT_REF_SECRET": secrets.token_hex(32)})
        running += [backend, actions]
        start_all([backend, actions], timeout=600)
        init.wait(timeout=1800)
        starter_model = next(iter(sorted((starter_dir / "models").glob("*.tar.gz"))), None)
        if starter_model is None:
            raise RuntimeError(f"rasa init made no model; its log:\n{init.log_tail()}")

        action_url = f"http://127.0.0.1:{actions_port}/webhook"
        # Without a tracker_store section Rasa keeps trackers in memory. SQLite as `make run` means it, on a
        # throwaway file per bot; written here because Rasa 3.6 builds SQLTrackerStore(host=<url>, **rest),
        # so the database URL must be the endpoint's `url` (a `host` key is passed twice and fails).
        def endpoints_file(store: str, bot: str) -> Path:
            slug = "assistant" if bot == ASSISTANT else "starter"
            text = (f"action_endpoint:\n  url: {action_url}\n  headers:\n    Authorization: Bearer {action_token}\n"
                    if bot == ASSISTANT else "")
            if store == "sqlite":
                text += f"tracker_store:\n  type: SQL\n  url: sqlite:///{tmp}/tracker-{slug}.db\n"
            return write(tmp / f"endpoints-{store}-{slug}.yml", text + "lock_store:\n  type: in_memory\n")
        conversations = {ASSISTANT: assistant_conversation, STARTER: starter_conversation}
        stores = ("memory", "sqlite") if args.tracker_store == "both" else (args.tracker_store,)
        phases: list[PhaseStats] = []
        for store in stores:
            print(f"Starting both Rasa servers ({STORE_NAMES[store]} tracker store; loading takes a while) ...",
                  flush=True)
            servers = {bot: rasa_server(bot, model=model if bot == ASSISTANT else starter_model,
                                        endpoints=endpoints_file(store, bot), tmp=tmp)
                       for bot in (ASSISTANT, STARTER)}
            running += servers.values()
            start_all(list(servers.values()), timeout=900)
            for bot, server in servers.items():
                warm = PhaseStats(bot, store, 1)
                asyncio.run(run_phase(server, warm, conversations[bot], duration=120,
                                      max_messages=MAX_TURNS * args.warm_up, sender_prefix=f"warm-{store}"))
                if warm.errors:
                    why = server.failed() or f"the end of its log:\n{server.log_tail()}"
                    raise RuntimeError(f"{bot} did not follow the script while warming up: {dict(warm.errors)}\n{why}")
            for bot, concurrency in ((STARTER, 1), (ASSISTANT, 1), (ASSISTANT, 20), (STARTER, 20)):
                print(f"  {bot}, {concurrency} concurrent conversation(s), {args.duration:.0f} s ...", flush=True)
                watched = {"rasa": servers[bot]}
                if bot == ASSISTANT:
                    watched |= {"actions": actions, "backend": backend}
                phase = measure(servers[bot], PhaseStats(bot, store, concurrency), conversations[bot],
                                watched=watched, duration=args.duration, max_messages=args.max_messages,
                                sender_prefix=f"bench-{store}-{concurrency}")
                phases.append(phase)
                print(f"    {len(phase.latencies):,} messages, p50 {percentile(phase.latencies, 50):.0f} ms, "
                      f"p95 {percentile(phase.latencies, 95):.0f} ms, {phase.rate:.1f} msgs/s, "
                      f"{sum(phase.errors.values())} off script", flush=True)
            for server in servers.values():
                server.stop()
        ok = report(phases, facts=machine_facts(load_at_start), args=args, total_seconds=time.perf_counter() - started)
        return 0 if ok else 1
    except KeyboardInterrupt:
        print("\nInterrupted; cleaning up.", file=sys.stderr)
        return 130
    except RuntimeError as e:
        print(f"\nThe bench could not run: {e}", file=sys.stderr)
        return 1
    finally:
        for service in reversed(running):
            service.stop()
        if args.keep_tmp:
            print(f"Kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
