/*
 * Secretariat — optional progressive enhancement. Every page works without this file.
 *
 *   data-confirm="Question?"  on a <form> (or on its submit <button>): ask before submitting.
 *                             Without JavaScript the form simply submits; the server still
 *                             validates and asks for a reason where the action needs one.
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
})();
