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
  document.querySelectorAll("[data-show-when]").forEach(showWhen);
  document.querySelectorAll("form[data-envelope-preview]").forEach(previewEnvelopes);
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
      if (response.ok) {
        version.value = result.version;
        show(say("saved", { time: new Date(result.saved_at).toLocaleTimeString(pageLocale(), { hour: "2-digit", minute: "2-digit" }) }));
      } else {
        stale = response.status === 409;
        show(say("notSaved", { reasons: Object.values(result.errors).flat().join(" ") }), true);
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
  // A tab being closed, hidden or left: hand the last changes to the browser to send.
  const flush = () => {
    if (dirty && !stale) {
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
