"""The web chat page in a real headless Chromium (Debian's `chromium`, driven by Playwright), against
the running Rasa server of `assistant_stack`: a patient's whole conversation, a reload mid-way, a
dropped connection, accessibility (axe-core), screenshots, and the NHS App webview.

Never `playwright install`: the browser is the system's. Without it these tests fail on CI and skip
elsewhere. Each turn goes through the real NLU, actions and backend, so waits are generous.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Route, sync_playwright

from tests.channels.conftest import AssistantStack
from tests.stack import ROOT

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
UI = ROOT / "channels" / "webchat_ui"
AXE = UI / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "results" / "screenshots"
# The bot can take several seconds a turn on a loaded 2-core machine.
TURN_MS = 90_000
NARROW = {"width": 320, "height": 640}
DESKTOP = {"width": 1280, "height": 900}
NHS_APP_USER_AGENT = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Mobile Safari/537.36 nhsapp-android/2.40.0"
)

# What a patient with a urine infection answers to each triage question, by the question's words.
TRIAGE_ANSWERS = [
    ("for you, or for someone else", "For me"),
    ("How old are you", "16 to 64"),
    ("female or male", "Female"),
    ("pregnant", "No"),
    ("How bad is it", "Mild"),
    ("suddenly", "Gradually"),
    ("How long has this been going on", "1 to 3 days"),
    ("Do you have any of these?", "None of these"),
    ("Is that right?", "Yes, that's right"),
    ("find an appointment", "Yes please"),
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    chromium = shutil.which("chromium")
    if chromium is None:
        reason = "Debian's chromium is not installed (apt-get install chromium): the web chat browser tests need it"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def chat_url(assistant_stack: AssistantStack) -> str:
    if not (UI / "dist" / "index.html").is_file():
        pytest.fail("channels/webchat_ui/dist is not built: run `npm ci && npm run build` in channels/webchat_ui")
    return f"{assistant_stack.rasa_url}/webhooks/webchat/"


class Chat:
    """One patient's page, with the few moves a patient makes and waits for the bot's replies."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.console_errors: list[str] = []
        page.on("console", self._on_console)
        page.set_default_timeout(TURN_MS)

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.console_errors.append(message.text)

    def open(self, url: str) -> Chat:
        self.page.goto(url)
        self.page.get_by_label("Your message").wait_for()
        return self

    def bot_messages(self) -> list[str]:
        return [text.strip() for text in self.page.locator(".chat-message--bot").all_inner_texts()]

    def last_bot_message(self) -> str:
        return self.bot_messages()[-1]

    def _wait_for_reply(self, before: int) -> str:
        self.page.wait_for_function(
            "n => document.querySelectorAll('.chat-message--bot').length > n"
            " && document.getElementById('chat-typing').hidden",
            arg=before,
            timeout=TURN_MS,
        )
        return self.last_bot_message()

    def say(self, text: str) -> str:
        before = len(self.bot_messages())
        box = self.page.get_by_label("Your message")
        box.fill(text)
        box.press("Enter")
        return self._wait_for_reply(before)

    def tap(self, title: str) -> str:
        before = len(self.bot_messages())
        self.page.locator(".chat-options").get_by_role("button", name=title, exact=True).click()
        return self._wait_for_reply(before)

    def answer_triage_until(self, pattern: str, *, max_turns: int = 12) -> str:
        """Answer each triage question with TRIAGE_ANSWERS until the bot says `pattern`."""
        reply = self.last_bot_message()
        for _ in range(max_turns):
            if re.search(pattern, reply):
                return reply
            answer = next((button for question, button in TRIAGE_ANSWERS if question in reply), None)
            assert answer is not None, f"no scripted answer for the bot's question: {reply!r}"
            reply = self.tap(answer)
        raise AssertionError(f"the bot never said {pattern!r}; last: {reply!r}")

    def option_titles(self) -> list[str]:
        return self.page.locator(".chat-options button").all_inner_texts()


def open_chat(browser: Browser, url: str, viewport: dict[str, int], **context: Any) -> Chat:
    page = browser.new_context(viewport=viewport, **context).new_page()  # type: ignore[arg-type]
    return Chat(page).open(url)


def serious_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's serious and critical findings for the page as it is now."""
    if not AXE.is_file():
        pytest.fail(f"axe-core is missing ({AXE}): run `npm ci` in channels/webchat_ui")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    results = page.evaluate("async () => (await axe.run(document)).violations")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in results
        if v["impact"] in ("serious", "critical")
    ]


def save_screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / name
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000
    return path


def test_webchat_conversation_from_greeting_through_triage_to_a_confirmed_booking(
    browser: Browser, chat_url: str
) -> None:
    chat = open_chat(browser, chat_url, DESKTOP)
    assert "Hello" in chat.say("hello")
    chat.say("it burns when I wee")
    chat.answer_triage_until("soonest appointments")
    slots = chat.option_titles()
    assert slots and slots[0].startswith("1.")
    assert "Shall I book it?" in chat.tap(slots[0])
    booked = chat.tap("Yes, book it")
    assert "you're booked" in booked
    assert chat.option_titles() == []
    # Every asset came from our own origin and the strict CSP let the page run: nothing was refused.
    assert not [error for error in chat.console_errors if "Content Security Policy" in error]
    assert chat.page.get_by_label("Your message").evaluate("el => el === document.activeElement")


def test_webchat_reload_mid_conversation_continues_the_same_conversation(browser: Browser, chat_url: str) -> None:
    chat = open_chat(browser, chat_url, NARROW)
    chat.say("I've had a cough")
    question = chat.answer_triage_until("How old are you")
    transcript = chat.bot_messages()

    chat.page.reload()
    chat.page.get_by_label("Your message").wait_for()
    assert chat.bot_messages() == transcript
    assert question in chat.bot_messages()[-1]
    assert "16 to 64" in chat.option_titles()
    # The next answer is understood in context: the tracker still knows which question was asked.
    after = chat.tap("16 to 64")
    assert "How old are you" not in after
    assert any(question in after for question, _ in TRIAGE_ANSWERS), after


def test_webchat_dropped_response_is_retried_and_answered_once(browser: Browser, chat_url: str) -> None:
    chat = open_chat(browser, chat_url, DESKTOP)
    dropped: list[str] = []

    def lose_first_response(route: Route) -> None:
        if dropped:
            route.continue_()
            return
        dropped.append(route.request.post_data or "")
        route.fetch(timeout=TURN_MS)  # Rasa answers, but the page never hears it.
        route.abort("connectionfailed")

    chat.page.route("**/webhooks/webchat/message", lose_first_response)
    box = chat.page.get_by_label("Your message")
    box.fill("hello")
    box.press("Enter")
    chat.page.get_by_text("Connection problem. Trying again").wait_for()
    chat.page.wait_for_function("() => document.querySelectorAll('.chat-message--bot').length === 1")
    chat.page.wait_for_function("() => document.getElementById('chat-typing').hidden")
    assert len(dropped) == 1
    assert "Hello" in chat.last_bot_message()
    assert len(chat.bot_messages()) == 1
    assert [" ".join(text.split()) for text in chat.page.locator(".chat-message--patient").all_inner_texts()] == [
        "You said: hello"
    ]


def test_webchat_rate_limited_message_waits_and_is_sent_again(browser: Browser, chat_url: str) -> None:
    chat = open_chat(browser, chat_url, DESKTOP)
    limited: list[str] = []

    def over_the_limit_once(route: Route) -> None:
        if limited:
            route.continue_()
            return
        limited.append(route.request.post_data or "")
        route.fulfill(status=429, headers={"Retry-After": "2", "Content-Type": "application/json"},
                      body='{"error": "You are sending messages faster than I can read them."}')

    chat.page.route("**/webhooks/webchat/message", over_the_limit_once)
    box = chat.page.get_by_label("Your message")
    box.fill("hello")
    box.press("Enter")
    chat.page.get_by_text("You're sending messages quickly, so your message will be sent in 2 seconds").wait_for()
    assert "call 999" in chat.page.locator("#chat-status").inner_text()
    chat.page.wait_for_function("() => document.querySelectorAll('.chat-message--bot').length === 1",
                                timeout=TURN_MS)
    assert len(limited) == 1
    assert "Hello" in chat.last_bot_message()
    assert len(chat.page.locator(".chat-message--patient").all_inner_texts()) == 1


@pytest.mark.parametrize("viewport", [NARROW, DESKTOP], ids=["320px", "desktop"])
def test_webchat_has_no_serious_accessibility_violations(
    browser: Browser, chat_url: str, viewport: dict[str, int]
) -> None:
    # axe-core is injected as an inline script, which the page's own CSP rightly refuses.
    chat = open_chat(browser, chat_url, viewport, bypass_csp=True)
    assert serious_violations(chat.page) == []
    chat.say("I've had a cough")
    chat.answer_triage_until("How old are you")
    assert chat.option_titles()
    assert serious_violations(chat.page) == []


@pytest.mark.parametrize(("viewport", "name"), [(NARROW, "320px"), (DESKTOP, "desktop")])
def test_webchat_screenshots_mid_conversation_and_in_an_emergency(
    browser: Browser, chat_url: str, viewport: dict[str, int], name: str
) -> None:
    chat = open_chat(browser, chat_url, viewport)
    chat.say("hi")
    assert "soonest appointments" in chat.say("I need a smear test")
    save_screenshot(chat.page, f"webchat-{name}.png")
    emergency = chat.say("I have crushing chest pain and I can't breathe")
    assert "999" in emergency
    card = chat.page.locator(".nhsuk-card--care--emergency").last
    assert card.is_visible()
    assert "Immediate action required" in card.inner_text()
    save_screenshot(chat.page, f"webchat-{name}-emergency.png")


def test_webchat_hides_its_header_in_the_nhs_app_only(browser: Browser, chat_url: str) -> None:
    in_app = open_chat(browser, chat_url, NARROW, user_agent=NHS_APP_USER_AGENT)
    in_browser = open_chat(browser, chat_url, NARROW)
    assert not in_app.page.get_by_role("banner").is_visible()
    assert in_browser.page.get_by_role("banner").is_visible()
    assert in_app.page.get_by_role("heading", name="Get help or book an appointment").is_visible()
