/*
 * Agenda page: optional enhancement. The Up/Down forms post with htmx (hx-post) and the
 * server answers with the tree (#agenda-tree), which replaces the old one. Focus would be
 * lost with the button that was clicked, so it goes back to the same button of the moved
 * item (data-move-key), or to the item when that button no longer exists (now first/last).
 * Without JavaScript the forms post normally and the page reloads at the item's anchor.
 */
(function () {
  "use strict";

  var lastKey = null;

  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.target;
    var button = form && form.querySelector ? form.querySelector("[data-move-key]") : null;
    lastKey = button ? button.getAttribute("data-move-key") : null;
  });

  document.addEventListener("htmx:afterSettle", function () {
    if (!lastKey) {
      return;
    }
    var key = lastKey;
    lastKey = null;
    var button = document.querySelector('[data-move-key="' + key + '"]');
    if (button) {
      button.focus();
      return;
    }
    var item = document.getElementById("item-" + key.split("-")[1]);
    if (item) {
      item.setAttribute("tabindex", "-1");
      item.focus();
    }
  });
})();
