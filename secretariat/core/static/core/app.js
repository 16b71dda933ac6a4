/*
 * Secretariat — optional progressive enhancement. Every page works without this file.
 *
 *   data-confirm="Question?"  on a <form> (or on its submit <button>): ask before submitting.
 *                             Without JavaScript the form simply submits; the server still
 *                             validates and asks for a reason where the action needs one.
 *   Language switcher links ([hreflang] inside .language-switcher, or any a[hreflang]) keep
 *   the current query string after htmx replaced the page's filters in place
 *   (hx-push-url): the server built them for the URL the page was first loaded with.
 *
 * No inline scripts anywhere (Content-Security-Policy: script-src 'self').
 */
(function () {
  "use strict";

  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      var submitter = event.submitter;
      var message =
        (submitter && submitter.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
      if (message && !window.confirm(message)) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    },
    true
  );

  document.addEventListener("htmx:pushedIntoHistory", function () {
    var links = document.querySelectorAll("a[hreflang]");
    for (var i = 0; i < links.length; i++) {
      var url = new URL(links[i].href, window.location.href);
      url.search = window.location.search;
      links[i].href = url.toString();
    }
  });
})();
