/*
 * Live pages of a session (console, delegate's view, public session page, vote, attendance):
 * server push (docs/decisions/0011-server-push.md), with the conditional requests of
 * docs/decisions/0007-live-console-updates.md to fetch what changed.
 *
 * Markup:
 *  - [data-live-stream="<events url>"] with data-live-id="<version the page shows>": the
 *    page opens one EventSource there. Each event says only that the session moved to a new
 *    version; the page then asks for what it shows again:
 *  - a panel: hx-get="<state url>" hx-trigger="live-refresh" data-live-etag="<ETag>":
 *    fetched with If-None-Match (304 when nothing it shows changed: not swapped);
 *  - a region: [data-live-region] with an id: the page's own URL is fetched and each region
 *    replaced by the element with the same id in the answer.
 *  Changes are merged: one request at a time; a change during a request asks again after.
 *
 * Also:
 *  - no request while the user is typing in a field inside a panel or region (the swap
 *    would lose it): it is made when the field loses focus;
 *  - no request while the tab is hidden (one when it is shown again, if something changed);
 *  - [data-live-status] says whether updates flow ("connection lost" when the stream fails;
 *    the browser reconnects by itself and the server sends what was missed at once);
 *  - [data-announce] in a panel or region: a short summary read out (role=status) when it
 *    changes;
 *  - a browser without EventSource asks every 2 seconds instead (the 304 path);
 *  - each request says so (X-Live-Poll): it does not keep a staff session alive.
 *
 * Without JavaScript the pages work by reloading. No inline scripts (strict CSP).
 */
(function () {
  "use strict";

  var lastAnnounce = null;
  var busy = false;
  var pending = false;
  var failures = 0;

  function panels() {
    return document.querySelectorAll("[data-live-etag]");
  }

  function regions() {
    return document.querySelectorAll("[data-live-region]");
  }

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

  function typingIn(container) {
    var active = document.activeElement;
    if (!active || !container.contains(active)) return false;
    var tag = active.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT";
  }

  function typing() {
    var all = Array.prototype.slice.call(panels()).concat(Array.prototype.slice.call(regions()));
    for (var i = 0; i < all.length; i++) if (typingIn(all[i])) return true;
    return false;
  }

  function announce(container) {
    var source = container.querySelector("[data-announce]");
    var target = document.querySelector("[data-live-announcer]");
    if (!source || !target) return;
    var text = source.textContent.replace(/\s+/g, " ").trim();
    if (lastAnnounce !== null && text !== lastAnnounce) target.textContent = text;
    lastAnnounce = text;
  }

  // A request that failed (the server busy, the network gone) is made again a little later,
  // at a moment of its own (not with every other page at once), so the page does not stay
  // one change behind until the next event.
  var retryTimer = null;
  function retrySoon() {
    if (retryTimer) return;
    retryTimer = window.setTimeout(function () {
      retryTimer = null;
      refresh();
    }, 1500 + Math.random() * 1500);
  }

  function done() {
    busy = false;
    if (pending) refresh();
  }

  function refreshRegions(list) {
    return fetch(window.location.href, {
      credentials: "same-origin",
      headers: { "X-Live-Poll": "1" },
    })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html");
        for (var i = 0; i < list.length; i++) {
          var replacement = fresh.getElementById(list[i].id);
          if (replacement && list[i].innerHTML !== replacement.innerHTML) {
            list[i].innerHTML = replacement.innerHTML;
            if (window.htmx) window.htmx.process(list[i]);
            announce(list[i]);
          }
        }
        setStatus("ok");
      });
  }

  // Ask for what the page shows, once at a time; a change meanwhile asks again after.
  function refresh() {
    if (document.hidden || typing()) {
      pending = true;
      if (typing()) setStatus("paused");
      return;
    }
    if (busy) {
      pending = true;
      return;
    }
    pending = false;
    // A page has a panel (the console, the delegate's view) or regions (the other pages).
    var list = panels();
    if (list.length && window.htmx) {
      busy = "panels";
      for (var i = 0; i < list.length; i++) window.htmx.trigger(list[i], "live-refresh");
      return;
    }
    var rs = regions();
    if (!rs.length) return;
    busy = true;
    refreshRegions(rs)
      .catch(function () {
        setStatus("lost");
        retrySoon();
      })
      .then(done);
  }

  document.addEventListener("htmx:configRequest", function (event) {
    var panel = livePanel(event.detail.elt);
    if (!panel) return;
    var etag = panel.getAttribute("data-live-etag");
    if (etag) event.detail.headers["If-None-Match"] = etag;
    // An automatic request is not the person at work: it does not keep a staff session
    // from its idle timeout (core.middleware.StaffSessionMiddleware).
    event.detail.headers["X-Live-Poll"] = "1";
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
      var etag = xhr.getResponseHeader("ETag");
      if (etag) panel.setAttribute("data-live-etag", etag);
      setStatus("ok");
    } else {
      setStatus("lost");
      retrySoon();
    }
    if (busy === "panels") done();
  });

  document.addEventListener("htmx:sendError", function (event) {
    if (!livePanel(event.detail.elt)) return;
    setStatus("lost");
    retrySoon();
    if (busy === "panels") done();
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var panel = livePanel(event.detail.elt);
    if (panel) announce(panel);
  });

  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && pending) refresh();
  });

  document.addEventListener("focusout", function () {
    // The field is left: make the request that typing held back.
    window.setTimeout(function () {
      if (pending && !typing()) refresh();
    }, 0);
  });

  function connect(source) {
    var url = source.getAttribute("data-live-stream");
    var shown = source.getAttribute("data-live-id") || "";
    if (!window.EventSource) {
      // No server push in this browser: ask every 2 seconds (304 while nothing changed).
      window.setInterval(refresh, 2000);
      return;
    }
    var sep = url.indexOf("?") === -1 ? "?" : "&";
    var stream = new EventSource(url + sep + "last=" + encodeURIComponent(shown));
    stream.addEventListener("open", function () {
      failures = 0;
      setStatus("ok");
    });
    stream.addEventListener("change", function () {
      failures = 0;
      setStatus("ok");
      refresh();
    });
    stream.addEventListener("error", function () {
      failures += 1;
      // The browser reconnects by itself (with the last event id); closed for good means
      // the server refused (the login session ended): say so, and keep asking slowly.
      if (stream.readyState === EventSource.CLOSED || failures >= 3) setStatus("lost");
      if (stream.readyState === EventSource.CLOSED) {
        // Ask for the panel once: if the login session ended, its answer says so (the
        // server sends the page to the login page).
        refresh();
        window.setTimeout(function () {
          connect(source);
        }, 5000);
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var sources = document.querySelectorAll("[data-live-stream]");
    if (!sources.length) return;
    setStatus("ok");
    var list = panels();
    for (var i = 0; i < list.length; i++) announce(list[i]);
    var rs = regions();
    for (var j = 0; j < rs.length; j++) announce(rs[j]);
    for (var k = 0; k < sources.length; k++) connect(sources[k]);
  });
})();
