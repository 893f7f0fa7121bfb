// Progressive enhancement only: every page works without this file.
"use strict";

// The page's words for what this script writes, in the reader's language (see grants/i18n.py).
let messages = {};
const say = (key, slots = {}) => (messages[key] || key).replace(/\{(\w+)\}/g, (_, name) => slots[name]);
const pageLocale = () => (document.documentElement.lang === "zh-Hans" ? "zh-Hans-CN" : "en-GB");

document.addEventListener("DOMContentLoaded", () => {
  messages = JSON.parse(document.body.dataset.messages || "{}");
  // Move focus to the error summary so screen-reader and keyboard users hear what went wrong.
  const summary = document.querySelector(".error-summary");
  if (summary) {
    summary.focus();
  }
  document.querySelectorAll("[data-word-limit]").forEach(countWords);
  document.querySelectorAll("[data-countdown]").forEach(startCountdown);
  document.querySelectorAll("time[data-local-time]").forEach(addBrowserTime);
  document.querySelectorAll("form[data-autosave]").forEach(autosave);
  watchSession([...document.querySelectorAll("form[data-autosave], form[data-keep-unsaved]")]);
  document.querySelectorAll("[data-show-when]").forEach(showWhen);
  document.querySelectorAll("form[data-envelope-preview]").forEach(previewEnvelopes);
  document.querySelectorAll("form[data-sign-out]").forEach(forgetCopiesOnSignOut);
});

// Show a field only when another has a given value: data-show-when="kind=cv".
function showWhen(wrapper) {
  const [name, value] = wrapper.dataset.showWhen.split("=");
  const control = wrapper.closest("form").elements[name];
  const update = () => {
    wrapper.hidden = control.value !== value;
  };
  control.addEventListener("change", update);
  update();
}

// Words as the server counts them: CJK characters one each, other runs of non-space characters.
const WORD = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af]|[^\s\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af]+/g;

function countWords(field) {
  const limit = Number(field.dataset.wordLimit);
  const output = document.getElementById(field.getAttribute("aria-describedby").split(" ").pop());
  const update = () => {
    const words = (field.value.match(WORD) || []).length;
    output.textContent = say("words", { words, limit }) + (words > limit ? " " + say("over", { over: words - limit }) : "");
    output.classList.toggle("over-limit", words > limit);
  };
  field.addEventListener("input", update);
  update();
}

function startCountdown(element) {
  const until = new Date(element.dataset.countdown).getTime();
  const tick = () => {
    let seconds = Math.max(0, Math.floor((until - Date.now()) / 1000));
    if (seconds === 0) {
      // The whole phrase ("3 days left"), not just the number, becomes "Closed".
      element.parentElement.textContent = say("closed");
      return;
    }
    const days = Math.floor(seconds / 86400);
    seconds %= 86400;
    const hours = Math.floor(seconds / 3600);
    seconds %= 3600;
    const minutes = Math.floor(seconds / 60);
    seconds %= 60;
    // The largest unit and the next one or two, stopping at a zero ("4 days", not "4 days 59 minutes").
    const units = [[days, "day"], [hours, "hour"], [minutes, "minute"], [seconds, "second"]];
    const first = units.findIndex(([count]) => count > 0);
    const shown = units.slice(first, first + (days > 0 ? 2 : 3));
    const gap = shown.findIndex(([count]) => count === 0);
    const parts = (gap === -1 ? shown : shown.slice(0, gap))
      .map(([count, unit]) => say(count === 1 ? unit : unit + "s", { n: count }));
    element.textContent = parts.join(" ");
    window.setTimeout(tick, 1000);
  };
  tick();
}

// Zones whose everyday name is not their city, as on the server (grants/calls/deadlines.py).
const ZONE_NAMES = { "Asia/Shanghai": "beijing", "Asia/Chongqing": "beijing", "Etc/UTC": "UTC", UTC: "UTC" };

// For visitors whose zone the server does not know: add the time in the browser's own zone.
function addBrowserTime(element) {
  const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!browserZone || element.parentElement.querySelector(".browser-time")) {
    return;
  }
  const when = new Date(element.getAttribute("datetime"));
  const format = (zone) => new Intl.DateTimeFormat(pageLocale(), { timeZone: zone, hour: "2-digit", minute: "2-digit", weekday: "short", day: "numeric", month: "short" }).format(when);
  if (format(browserZone) === format(element.dataset.zone) || element.nextElementSibling?.classList.contains("muted")) {
    return;
  }
  const place = say(ZONE_NAMES[browserZone] || "") || browserZone.split("/").pop().replaceAll("_", " ");
  const hour = new Intl.DateTimeFormat(pageLocale(), { timeZone: browserZone, hour: "2-digit", minute: "2-digit" }).format(when);
  const day = new Intl.DateTimeFormat(pageLocale(), { timeZone: browserZone, weekday: "short", day: "numeric", month: "short" }).format(when);
  const note = document.createElement("span");
  note.className = "muted browser-time";
  note.textContent = " " + say("browserTime", { time: hour, place, day });
  element.after(note);
}

// Save a draft while people type, and when they leave the page, so a closed tab loses nothing.
function autosave(form) {
  const status = form.querySelector("[data-autosave-status]");
  const version = form.querySelector("[data-version], input[name=version]");
  let timer = null;
  let dirty = false;
  let stale = false;
  let signedOut = false;

  const body = () => {
    const data = new FormData(form);
    data.set("section", form.dataset.section);
    return data;
  };
  const show = (text, problem) => {
    status.textContent = text;
    status.classList.toggle("error-message", Boolean(problem));
  };
  const save = async () => {
    if (!dirty || stale) {
      return;
    }
    dirty = false;
    show(say("saving"));
    try {
      const response = await fetch(form.dataset.autosave, { method: "POST", body: body(), credentials: "same-origin", headers: { Accept: "application/json" } });
      const result = await response.json();
      signedOut = response.status === 401;
      if (response.ok) {
        version.value = result.version;
        show(say("saved", { time: new Date(result.saved_at).toLocaleTimeString(pageLocale(), { hour: "2-digit", minute: "2-digit" }) }));
        form.dispatchEvent(new CustomEvent("grants:saved"));
      } else if (signedOut) {
        // The session ended (time-out, signed out elsewhere): keepUnsaved holds the text for later.
        dirty = true;
        show(say("signedOut"), true);
        form.dispatchEvent(new CustomEvent("grants:signed-out", { bubbles: true }));
      } else {
        stale = response.status === 409;
        // Field errors come as {errors: {field: [...]}}; a request refused whole as {error: {message}}.
        const reasons = result.errors ? Object.values(result.errors).flat().join(" ") : result.error.message;
        show(say("notSaved", { reasons }), true);
      }
    } catch (error) {
      dirty = true;
      show(say("offline"), true);
    }
  };
  form.addEventListener("input", () => {
    dirty = true;
    window.clearTimeout(timer);
    timer = window.setTimeout(save, 2000);
  });
  form.addEventListener("submit", () => {
    window.clearTimeout(timer);
    dirty = false;
  });
  // The session watcher asks for a save now (before a time-out, or once signed in again).
  form.addEventListener("grants:save-now", (event) => {
    window.clearTimeout(timer);
    event.detail.push(save());
  });
  // A tab being closed, hidden or left: hand the last changes to the browser to send, or, signed
  // out, to this browser's storage.
  const flush = () => {
    if (dirty && signedOut) {
      form.dispatchEvent(new CustomEvent("grants:signed-out", { bubbles: true }));
    } else if (dirty && !stale) {
      dirty = false;
      window.clearTimeout(timer);
      navigator.sendBeacon(form.dataset.autosave, body());
    }
  };
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") {
      flush();
    }
  });
  window.addEventListener("pagehide", flush);
}

// Unsaved changes survive a sign-out: a copy waits in this browser (for a day, under the account,
// the page and the form) until its owner is signed in on that page again. A form sent by a full
// POST leaves a "sent" copy: the next page shows whether the server took it (signed in) or not.
const UNSAVED = "grants:unsaved:";
const UNSAVED_FOR = 24 * 3600 * 1000;

function unsavedKey(form) {
  return `${UNSAVED}${document.body.dataset.sessionAccount}:${location.pathname}:${new URL(form.action, location.href).pathname}`;
}

function formValues(form) {
  return [...new FormData(form)].filter(([name, value]) => name !== "csrf_token" && typeof value === "string");
}

function keepCopy(form, state) {
  try {
    localStorage.setItem(unsavedKey(form), JSON.stringify({ state, at: Date.now(), values: formValues(form) }));
  } catch (error) {
    // Storage full or turned off: the text stays on the page, which is all that can be done.
  }
}

function settleCopies() {
  const signedIn = Boolean(document.body.dataset.sessionLeft);
  Object.keys(localStorage).filter((key) => key.startsWith(UNSAVED)).forEach((key) => {
    const copy = JSON.parse(localStorage.getItem(key));
    if (Date.now() - copy.at > UNSAVED_FOR || (signedIn && copy.state === "sent")) {
      localStorage.removeItem(key);
    } else if (!signedIn && copy.state === "sent") {
      localStorage.setItem(key, JSON.stringify({ ...copy, state: "lost" }));
    }
  });
}

// Copies are kept for a time-out, not for a sign-out someone chose: on a shared computer the next
// person must not find this one's text. Only this account's copies go.
function forgetCopiesOnSignOut(form) {
  form.addEventListener("submit", () => {
    const mine = `${UNSAVED}${document.body.dataset.sessionAccount}:`;
    Object.keys(localStorage).filter((key) => key.startsWith(mine)).forEach((key) => localStorage.removeItem(key));
  });
}

function putBack(form, values) {
  const given = new Map();
  values.forEach(([name, value]) => given.set(name, [...(given.get(name) || []), value]));
  for (const field of form.elements) {
    const wanted = given.get(field.name);
    if (!field.name || field.name === "csrf_token" || field.type === "file") {
      continue;
    }
    if (field.type === "checkbox" || field.type === "radio") {
      field.checked = Boolean(wanted && wanted.includes(field.value));
    } else if (field.multiple) {
      [...field.options].forEach((option) => { option.selected = Boolean(wanted && wanted.includes(option.value)); });
    } else if (wanted && wanted.length) {
      field.value = wanted.shift();
    }
  }
}

function keepUnsaved(form, showNotice) {
  const key = unsavedKey(form);
  form.addEventListener("submit", () => keepCopy(form, "sent"));
  form.addEventListener("grants:signed-out", () => keepCopy(form, "lost"));
  form.addEventListener("grants:saved", () => localStorage.removeItem(key));
  const copy = JSON.parse(localStorage.getItem(key) || "null");
  if (!copy || copy.state !== "lost") {
    return;
  }
  localStorage.removeItem(key);
  if (JSON.stringify(copy.values) === JSON.stringify(formValues(form))) {
    return;
  }
  putBack(form, copy.values);
  showNotice("restored");
  form.dispatchEvent(new Event("input", { bubbles: true })); // an autosaving form saves it now
}

// Pages with a draft: shortly before the idle time-out, save what was typed and offer "Stay
// signed in"; after a sign-out, say how to get the text back, and save it once signed in again
// (in another tab, say). The server's answer decides; the page's countdown only says when to ask.
function watchSession(forms) {
  const notice = document.querySelector("[data-session-notice]");
  const clock = document.body.dataset;
  settleCopies();
  if (!forms.length || !notice) {
    return;
  }
  const warnBefore = Number(clock.sessionWarn);
  let timer = null;
  let signedOut = false;
  const showNotice = (which) => {
    notice.hidden = !which;
    notice.querySelectorAll("[data-session-when]").forEach((part) => { part.hidden = part.dataset.sessionWhen !== which; });
  };
  const askIn = (seconds) => {
    window.clearTimeout(timer);
    timer = window.setTimeout(check, Math.max(seconds, 1) * 1000);
  };
  const ended = () => {
    signedOut = true;
    window.clearTimeout(timer);
    showNotice("ended");
  };
  const saveAll = () => Promise.all(forms.map((form) => {
    const pending = [];
    form.dispatchEvent(new CustomEvent("grants:save-now", { detail: pending }));
    return Promise.all(pending);
  }));
  const status = async () => {
    const response = await fetch(clock.sessionStatus, { credentials: "same-origin", headers: { Accept: "application/json" } });
    return response.ok ? response.json() : null;
  };
  const follow = (state) => {
    if (state.left > warnBefore) {
      showNotice(null);
      askIn(state.left - warnBefore);
    } else {
      showNotice("warning");
      askIn(state.left + 1);
    }
  };
  async function check() {
    await saveAll();
    if (signedOut) {
      return;
    }
    const state = await status().catch(() => undefined);
    if (state === undefined) {
      askIn(30); // no connection: ask again shortly
    } else if (state === null) {
      ended();
    } else {
      follow(state);
    }
  }
  const comeBack = async () => {
    const state = signedOut ? await status().catch(() => null) : null;
    if (!state) {
      return;
    }
    signedOut = false;
    // Signing in again replaced the session, and with it the CSRF token the page was served with.
    document.querySelectorAll("input[name=csrf_token]").forEach((input) => { input.value = state.csrf_token; });
    showNotice(null);
    await saveAll();
    follow(state);
  };
  forms.forEach((form) => keepUnsaved(form, showNotice));
  document.addEventListener("grants:signed-out", ended);
  window.addEventListener("focus", comeBack);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") {
      comeBack();
    }
  });
  notice.querySelector("[data-keep-alive]").addEventListener("submit", async (event) => {
    event.preventDefault();
    const response = await fetch(event.target.action, { method: "POST", body: new FormData(event.target), credentials: "same-origin", headers: { Accept: "application/json" } }).catch(() => null);
    if (response && response.ok) {
      follow(await response.json());
    } else if (response) {
      ended();
    }
  });
  askIn(Number(clock.sessionLeft) - warnBefore);
}

// On a decision form, show each envelope as it would stand after this decision, as the officer
// types. The server recomputes every figure on save; this only previews it.
function previewEnvelopes(form) {
  const update = () => {
    const awarding = form.elements.outcome.value === "award";
    // The amounts matter only for an award; with no choice made yet they stay in view.
    form.querySelectorAll("[data-award-only]").forEach((part) => {
      part.hidden = form.elements.outcome.value !== "" && !awarding;
    });
    document.querySelectorAll("[data-envelope]").forEach((box) => {
      const currency = box.dataset.currency;
      const digits = new Intl.NumberFormat("en-GB", { style: "currency", currency }).resolvedOptions().maximumFractionDigits;
      const field = form.elements["amount_" + box.dataset.envelope];
      const typed = field ? Number(field.value.replace(/[^0-9.]/g, "")) : 0;
      const amount = awarding && Number.isFinite(typed) ? Math.round(typed * 10 ** digits) : 0;
      const committed = Number(box.dataset.committed) + amount;
      const total = Number(box.dataset.total);
      const money = (minor) => new Intl.NumberFormat(pageLocale(), { style: "currency", currency }).format(minor / 10 ** digits);
      box.querySelector("[data-show=committed]").textContent = money(committed);
      box.querySelector("[data-show=remaining]").textContent = money(Math.max(total - committed, 0));
      box.querySelector("[data-show=over]").textContent = committed > total ? money(committed - total) : "—";
      box.classList.toggle("envelope-over", committed > total);
      const meter = box.querySelector("meter");
      if (meter) {
        meter.value = committed;
      }
    });
  };
  form.addEventListener("input", update);
  form.addEventListener("change", update);
  update();
}
