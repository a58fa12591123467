// The board's script (`/board/app.js`), the page's only script: the page works without it, and
// with it keeps itself current. It listens to the live stream, and on a change fetches the live
// section again (`?fragment=1`) and swaps it in without a reload, keeping what the responder was
// doing: open or closed `<details>`, text typed into a form, the focused field. Every second it
// ticks the countdowns (`<time data-countdown>`) and ages (`<time data-since>`), on the server's
// clock (the page's `data-now`), with the words the server renders them in: core's
// `Duration.formatSeconds` itself, its source put into the script.
//
// It is served from the board's own origin: the page's Content-Security-Policy allows no inline
// script and no inline event handler.

import { Duration } from "@ir/core"

/** The script's text. */
export const boardScript = `"use strict";
(() => {
  const live = document.getElementById("live");
  if (live === null) return;
  const fragmentUrl = live.dataset.fragment;
  const eventsUrl = live.dataset.events;
  let offset = 0;
  const syncClock = () => {
    const serverNow = Date.parse(live.dataset.now || "");
    if (!Number.isNaN(serverNow)) offset = serverNow - Date.now();
  };
  syncClock();

  const formatSeconds = ${Duration.formatSeconds.toString()};

  const tick = () => {
    const now = Date.now() + offset;
    for (const element of document.querySelectorAll("time[data-countdown]")) {
      const at = Date.parse(element.getAttribute("datetime") || "");
      if (Number.isNaN(at)) continue;
      const left = (at - now) / 1000;
      const text = left >= 0 ? "in " + formatSeconds(left) : formatSeconds(-left) + " overdue";
      if (element.textContent !== text) element.textContent = text;
      element.classList.toggle("overdue", left < 0);
    }
    for (const element of document.querySelectorAll("time[data-since]")) {
      const at = Date.parse(element.getAttribute("datetime") || "");
      if (Number.isNaN(at)) continue;
      const text = formatSeconds((now - at) / 1000) + " ago";
      if (element.textContent !== text) element.textContent = text;
    }
  };
  setInterval(tick, 1000);

  const edited = (field) => {
    if (field.tagName === "SELECT")
      return Array.from(field.options).some((option) => option.selected !== option.defaultSelected);
    if (field.type === "checkbox" || field.type === "radio") return field.checked !== field.defaultChecked;
    return field.value !== field.defaultValue;
  };

  const swap = (html) => {
    const template = document.createElement("template");
    template.innerHTML = html;
    const next = template.content.getElementById("live");
    if (next === null) return;
    const openState = new Map();
    for (const details of live.querySelectorAll("details[id]")) openState.set(details.id, details.open);
    const typed = new Map();
    for (const field of live.querySelectorAll("input[id], textarea[id], select[id]"))
      if (field.type !== "hidden" && edited(field)) typed.set(field.id, field);
    const active = document.activeElement;
    const focusedId = active !== null && live.contains(active) ? active.id : "";
    live.dataset.now = next.dataset.now || "";
    live.replaceChildren(...Array.from(next.childNodes));
    for (const [id, open] of openState) {
      const details = document.getElementById(id);
      if (details !== null && details.tagName === "DETAILS") details.open = open;
    }
    for (const [id, old] of typed) {
      const field = document.getElementById(id);
      if (field === null || field.tagName !== old.tagName) continue;
      if (old.type === "checkbox" || old.type === "radio") field.checked = old.checked;
      else field.value = old.value;
    }
    if (focusedId !== "") document.getElementById(focusedId)?.focus();
    syncClock();
    tick();
  };

  let loading = false;
  let again = false;
  const refresh = async () => {
    if (loading) {
      again = true;
      return;
    }
    loading = true;
    try {
      const response = await fetch(fragmentUrl, { credentials: "same-origin", cache: "no-store" });
      // The session ended (logout elsewhere, expiry): the page shows the login form.
      if (response.status === 401) {
        location.reload();
        return;
      }
      if (response.ok) swap(await response.text());
    } catch {
      // offline for a moment: the next change, or the reconnecting stream, brings it back
    } finally {
      loading = false;
      if (again) {
        again = false;
        void refresh();
      }
    }
  };

  if (typeof EventSource === "function" && eventsUrl) {
    const events = new EventSource(eventsUrl);
    events.addEventListener("change", () => void refresh());
    events.addEventListener("error", () => {
      // Closed for good (the session ended, the server refused): reload to show why.
      if (events.readyState === EventSource.CLOSED) setTimeout(() => location.reload(), 5000);
    });
  }
})();
`
