/*
 * Live panels of a session (console, delegate's view): conditional polling with htmx.
 *
 * Markup: an element with hx-get="<state url>" hx-trigger="every 1s, live-refresh"
 * and data-live-etag="<ETag of what it shows>". Each poll sends If-None-Match with that ETag;
 * the server answers 304 Not Modified (one query, no body) until the session's revision
 * changes, then 200 with the new panel and its ETag. htmx 2 would swap a 304's empty body
 * (its responseHandling swaps every 2xx/3xx), so a 304 is told not to swap here.
 * See docs/decisions/0007-live-console-updates.md.
 *
 * Also:
 *  - no poll while the tab is hidden (one at once when it is shown again);
 *  - no poll while the user is typing in a field inside the panel (the swap would lose it);
 *  - [data-live-status] says whether updates flow ("connection lost" after failures);
 *  - [data-announce] in the panel: a short summary read out (role=status) when it changes;
 *  - each poll says so (X-Live-Poll): it does not keep a staff session alive.
 *
 * Without JavaScript the pages work by reloading. No inline scripts (strict CSP).
 */
(function () {
  "use strict";

  var failures = 0;
  var lastAnnounce = null;

  function livePanel(elt) {
    return elt && elt.hasAttribute && elt.hasAttribute("data-live-etag") ? elt : null;
  }

  function setStatus(kind) {
    var box = document.querySelector("[data-live-status]");
    if (!box) return;
    var text = box.querySelector("[data-live-status-text]");
    var message = box.getAttribute("data-text-" + kind);
    if (text && message && text.textContent !== message) text.textContent = message;
    box.setAttribute("data-state", kind);
  }

  function typingIn(panel) {
    var active = document.activeElement;
    if (!active || !panel.contains(active)) return false;
    var tag = active.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT";
  }

  function announce(panel) {
    var source = panel.querySelector("[data-announce]");
    var target = document.querySelector("[data-live-announcer]");
    if (!source || !target) return;
    var text = source.textContent.replace(/\s+/g, " ").trim();
    if (lastAnnounce !== null && text !== lastAnnounce) target.textContent = text;
    lastAnnounce = text;
  }

  document.addEventListener("htmx:configRequest", function (event) {
    var panel = livePanel(event.detail.elt);
    if (!panel) return;
    var etag = panel.getAttribute("data-live-etag");
    if (etag) event.detail.headers["If-None-Match"] = etag;
    // An automatic poll is not the person at work: it does not keep a staff session from
    // its idle timeout (core.middleware.StaffSessionMiddleware).
    event.detail.headers["X-Live-Poll"] = "1";
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    var panel = livePanel(event.detail.elt);
    if (!panel) return;
    if (document.hidden) {
      event.preventDefault();
    } else if (typingIn(panel)) {
      setStatus("paused");
      event.preventDefault();
    }
  });

  document.addEventListener("htmx:beforeSwap", function (event) {
    if (!livePanel(event.detail.elt)) return;
    if (event.detail.xhr.status === 304) {
      event.detail.shouldSwap = false;
      event.detail.isError = false;
    }
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var panel = livePanel(event.detail.elt);
    if (!panel) return;
    var xhr = event.detail.xhr;
    if (xhr && (xhr.status === 200 || xhr.status === 304)) {
      failures = 0;
      var etag = xhr.getResponseHeader("ETag");
      if (etag) panel.setAttribute("data-live-etag", etag);
      setStatus("ok");
    } else {
      failures += 1;
      if (failures >= 3) setStatus("lost");
    }
  });

  document.addEventListener("htmx:sendError", function (event) {
    if (!livePanel(event.detail.elt)) return;
    failures += 1;
    if (failures >= 3) setStatus("lost");
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var panel = livePanel(event.detail.elt);
    if (panel) announce(panel);
  });

  document.addEventListener("visibilitychange", function () {
    if (document.hidden || !window.htmx) return;
    var panels = document.querySelectorAll("[data-live-etag]");
    for (var i = 0; i < panels.length; i++) window.htmx.trigger(panels[i], "live-refresh");
  });

  document.addEventListener("DOMContentLoaded", function () {
    var panels = document.querySelectorAll("[data-live-etag]");
    if (!panels.length || !window.htmx) return;
    setStatus("ok");
    for (var i = 0; i < panels.length; i++) announce(panels[i]);
  });
})();
