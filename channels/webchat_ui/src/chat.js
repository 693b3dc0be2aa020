// The web chat page: talks to /webhooks/webchat/{session,message} (channels/webchat.py).
//
// The session token and the transcript are kept in sessionStorage: they survive a reload and a
// dropped connection (same token -> same conversation), and are gone when the tab or the NHS App
// webview is closed, so a shared phone does not keep a conversation about someone's health.
// A message waiting for its reply is kept too ("outbox") and resent under the same id, which the
// server answers once.
(function () {
  "use strict";

  var root = document.documentElement;
  root.classList.add("js-enabled", "nhsuk-frontend-supported");
  // The NHS App webview has its own header: ours would be a second one.
  if (/nhsapp-(ios|android)/i.test(navigator.userAgent)) {
    root.classList.add("chat--nhsapp");
  }

  var STORAGE_KEY = "nhs-webchat-v1";
  var MAX_ATTEMPTS = 6;
  var MAX_DELAY_MS = 15000;
  var MAX_LENGTH = 1000;

  var state = load();
  var els = {};
  var working = false;
  // Bumped by "Start a new conversation": replies to the old one are then dropped.
  var generation = 0;

  function load() {
    try {
      var saved = JSON.parse(window.sessionStorage.getItem(STORAGE_KEY) || "null");
      if (saved && Array.isArray(saved.transcript) && Array.isArray(saved.outbox)) {
        return saved;
      }
    } catch (error) {
      // Storage unavailable or unreadable: start afresh.
    }
    return { token: null, transcript: [], outbox: [] };
  }

  function save() {
    try {
      window.sessionStorage.setItem(STORAGE_KEY, JSON.stringify(state));
    } catch (error) {
      // Private mode or full: the chat still works, it just will not survive a reload.
    }
  }

  function newId() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") {
      return window.crypto.randomUUID();
    }
    var bytes = window.crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  function seconds(ms) {
    var count = Math.round(ms / 1000);
    return count === 1 ? "1 second" : count + " seconds";
  }

  function sleep(ms) {
    return new Promise(function (resolve) { window.setTimeout(resolve, ms); });
  }

  // --- rendering -------------------------------------------------------------------------------

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  // Paragraphs on blank lines, "- " lines as a bulleted list, other line breaks kept.
  function appendText(container, text) {
    text.split(/\n{2,}/).forEach(function (block) {
      var lines = block.split("\n");
      var list = null;
      var paragraph = null;
      lines.forEach(function (line) {
        var bullet = /^\s*[-•]\s+(.*)$/.exec(line);
        if (bullet) {
          if (!list) { list = element("ul", "chat-message__list"); container.appendChild(list); }
          list.appendChild(element("li", "", bullet[1]));
          paragraph = null;
          return;
        }
        list = null;
        if (!line.trim()) { return; }
        if (paragraph) {
          paragraph.appendChild(document.createElement("br"));
          paragraph.appendChild(document.createTextNode(line));
        } else {
          paragraph = element("p", "chat-message__text", line);
          container.appendChild(paragraph);
        }
      });
    });
  }

  function renderEntry(entry) {
    var item = element("li", "chat-message chat-message--" + entry.from);
    if (entry.from === "patient") {
      item.appendChild(element("span", "nhsuk-u-visually-hidden", "You said: "));
      var bubble = element("div", "chat-message__bubble");
      bubble.appendChild(element("p", "chat-message__text", entry.text));
      item.appendChild(bubble);
    } else if (entry.emergency) {
      item.appendChild(renderEmergency(entry.text));
    } else {
      item.appendChild(element("span", "nhsuk-u-visually-hidden", "The assistant said: "));
      var reply = element("div", "chat-message__bubble");
      appendText(reply, entry.text);
      item.appendChild(reply);
    }
    if (entry.buttons && entry.buttons.length && !entry.answered) {
      item.appendChild(renderOptions(entry));
    }
    return item;
  }

  // NHS.UK "emergency" care card: the first paragraph is its heading, the rest its content.
  function renderEmergency(text) {
    var parts = text.split(/\n{2,}/);
    var card = element("div", "nhsuk-card nhsuk-card--care nhsuk-card--care--emergency chat-emergency");
    var headingContainer = element("div", "nhsuk-card__heading-container");
    var heading = element("h3", "nhsuk-card__heading");
    var wrapper = element("span");
    wrapper.setAttribute("role", "text");
    wrapper.appendChild(element("span", "nhsuk-u-visually-hidden", "Immediate action required: "));
    wrapper.appendChild(document.createTextNode(parts[0]));
    heading.appendChild(wrapper);
    headingContainer.appendChild(heading);
    var arrow = element("span", "nhsuk-card--care__arrow");
    arrow.setAttribute("aria-hidden", "true");
    headingContainer.appendChild(arrow);
    card.appendChild(headingContainer);
    var content = element("div", "nhsuk-card__content");
    appendText(content, parts.slice(1).join("\n\n"));
    card.appendChild(content);
    return card;
  }

  function renderOptions(entry) {
    var group = element("div", "chat-options");
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", "Answers you can choose");
    entry.buttons.forEach(function (button) {
      var choice = element("button", "nhsuk-button nhsuk-button--secondary chat-options__button", button.title);
      choice.type = "button";
      choice.addEventListener("click", function (event) {
        if (entry.answered) { return; }
        entry.answered = true;
        group.remove();
        // A keyboard user continues from the message box; on a touch screen that would pop up
        // the keyboard over the next question, so only pointer-precise devices move focus there.
        if (event.detail === 0 || !window.matchMedia("(pointer: coarse)").matches) {
          els.input.focus();
        }
        submit({ payload: button.payload }, button.title);
      });
      group.appendChild(choice);
    });
    return group;
  }

  function append(entry) {
    state.transcript.push(entry);
    var item = renderEntry(entry);
    els.log.appendChild(item);
    return item;
  }

  // Show the message box with the newest messages above it, or, when the reply is taller than
  // the screen, the start of the reply.
  function reveal(first) {
    var top = first.getBoundingClientRect().top;
    var bottom = els.form.getBoundingClientRect().bottom;
    if (bottom - top <= window.innerHeight) {
      els.form.scrollIntoView({ block: "end" });
    } else {
      first.scrollIntoView({ block: "start" });
    }
  }

  // Options of earlier replies are spent once a newer reply arrives.
  function retireOptions() {
    state.transcript.forEach(function (entry) {
      if (entry.buttons && entry.buttons.length) { entry.answered = true; }
    });
    Array.prototype.forEach.call(els.log.querySelectorAll(".chat-options"), function (group) { group.remove(); });
  }

  function setStatus(text) {
    els.status.textContent = text;
  }

  function setTyping(on) {
    els.typing.hidden = !on;
  }

  function showError(text) {
    els.error.hidden = !text;
    els.error.textContent = text ? "Error: " + text : "";
    els.group.classList.toggle("nhsuk-form-group--error", Boolean(text));
    els.input.classList.toggle("nhsuk-input--error", Boolean(text));
    if (text) {
      els.input.setAttribute("aria-describedby", "message-error");
    } else {
      els.input.removeAttribute("aria-describedby");
    }
  }

  // --- talking to the server -------------------------------------------------------------------

  function startSession() {
    return fetch("session", { method: "POST", cache: "no-store", credentials: "omit" }).then(function (response) {
      if (response.status === 429) { throw { limited: response }; }
      if (response.status !== 201) { throw new Error("session " + response.status); }
      return response.json();
    }).then(function (body) {
      state.token = body.token;
      save();
      return body.token;
    });
  }

  function post(body) {
    var ready = state.token ? Promise.resolve(state.token) : startSession();
    return ready.then(function (token) {
      return fetch("message", {
        method: "POST",
        cache: "no-store",
        credentials: "omit",
        headers: { "Authorization": "Bearer " + token, "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
    });
  }

  function waitForRetryClick() {
    return new Promise(function (resolve) {
      var retry = element("button", "nhsuk-button nhsuk-button--secondary chat-status__retry", "Try again");
      retry.type = "button";
      retry.addEventListener("click", function () {
        retry.remove();
        resolve();
      });
      els.status.after(retry);
      retry.focus();
    });
  }

  // Sends one outbox message until it is answered: retries with backoff on a lost connection or a
  // server error, under the same id, and says so to the patient. Resolves to the replies, or null
  // when the server refused the message (shown as an error under the message box).
  async function deliver(message) {
    var attempt = 0;
    var renewed = false;
    var mine = generation;
    for (;;) {
      if (mine !== generation) { return null; }
      var response = null;
      try {
        response = await post(message.body);
      } catch (error) {
        response = error && error.limited ? error.limited : null;
      }
      if (response && response.status === 200) {
        setStatus("");
        return (await response.json()).messages || [];
      }
      if (response && response.status === 403) {
        // The conversation expired: the message goes into a new one (at once the first time).
        state.token = null;
        save();
        setStatus("Your earlier conversation had ended, so a new one has started.");
        if (!renewed) {
          renewed = true;
          continue;
        }
      }
      if (response && response.status === 500) {
        // The assistant failed on this message and will not answer its id again: a fresh try.
        message.body.id = newId();
        save();
      }
      if (response && response.status === 429) {
        // Over a rate limit: the message stays in the outbox and goes again, same id, after the wait.
        var wait = Math.min(Math.max(parseInt(response.headers.get("Retry-After"), 10) || 60, 1), 300) * 1000;
        setStatus("You're sending messages quickly, so your message will be sent in " + seconds(wait) +
          ". If it's an emergency, call 999 now.");
        await sleep(wait);
        continue;
      }
      if (response && [400, 413, 422].indexOf(response.status) !== -1) {
        var refusal = await response.json().catch(function () { return {}; });
        setStatus("");
        showError(refusal.error || "Your message could not be sent.");
        return null;
      }
      attempt += 1;
      if (attempt >= MAX_ATTEMPTS) {
        setStatus("We could not reach the practice assistant. Check your connection, then try again.");
        await waitForRetryClick();
        attempt = 0;
        setStatus("Sending your message again.");
        continue;
      }
      var delay = Math.min(1000 * Math.pow(2, attempt - 1), MAX_DELAY_MS);
      // 202: the first try is still being answered; anything else: the connection or server failed.
      setStatus(response && response.status === 202
        ? "Still waiting for a reply."
        : "Connection problem. Trying again in " + seconds(delay) + ".");
      await sleep(delay);
    }
  }

  async function drain() {
    if (working) { return; }
    working = true;
    setTyping(true);
    var mine = generation;
    try {
      while (state.outbox.length) {
        var replies = await deliver(state.outbox[0]);
        if (mine !== generation) { break; }
        state.outbox.shift();
        if (replies && replies.length) {
          retireOptions();
          var first = null;
          replies.forEach(function (reply) {
            var item = append({
              from: "bot", text: reply.text || "", buttons: reply.buttons || [], emergency: Boolean(reply.emergency),
            });
            first = first || item;
          });
          reveal(first);
        }
        save();
      }
    } finally {
      if (mine === generation) {
        working = false;
        setTyping(false);
      }
    }
  }

  function submit(body, shownText) {
    showError("");
    var message = { id: newId() };
    if (body.payload) { message.payload = body.payload; } else { message.text = body.text; }
    reveal(append({ from: "patient", text: shownText }));
    state.outbox.push({ body: message });
    save();
    drain();
  }

  // --- wiring ----------------------------------------------------------------------------------

  function restart() {
    if (state.transcript.length && !window.confirm("Start a new conversation? This one will be cleared from the screen.")) {
      return;
    }
    generation += 1;
    working = false;
    setTyping(false);
    state = { token: null, transcript: [], outbox: [] };
    save();
    els.log.textContent = "";
    setStatus("A new conversation has started.");
    showError("");
    els.input.value = "";
    els.input.focus();
  }

  function init() {
    els.log = document.getElementById("chat-log");
    els.typing = document.getElementById("chat-typing");
    els.status = document.getElementById("chat-status");
    els.form = document.getElementById("chat-composer");
    els.input = document.getElementById("message-input");
    els.error = document.getElementById("message-error");
    els.group = document.getElementById("message-group");

    state.transcript.forEach(function (entry) {
      els.log.appendChild(renderEntry(entry));
    });
    if (els.log.lastElementChild) {
      els.form.scrollIntoView({ block: "end" });
    }

    els.form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = els.input.value.trim();
      if (!text) {
        showError("Type a message before sending.");
        els.input.focus();
        return;
      }
      if (text.length > MAX_LENGTH) {
        showError("Your message is too long: keep it under " + MAX_LENGTH + " characters.");
        return;
      }
      els.input.value = "";
      els.input.focus();
      submit({ text: text }, text);
    });
    document.getElementById("restart-button").addEventListener("click", restart);

    if (state.outbox.length) {
      // A reload while a message was on its way: resend it under the same id.
      setStatus("Sending your message again.");
      drain();
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
}());
