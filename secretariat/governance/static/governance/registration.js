// Registration pages: a "select all" box above the list of participants (bulk accept).
// Without JavaScript the box stays hidden and each participant is selected on its own.
(function () {
  "use strict";
  function init() {
    document.querySelectorAll("input[data-select-all]").forEach(function (all) {
      var name = all.getAttribute("data-select-all");
      var form = all.form;
      if (!form) return;
      var boxes = function () {
        return form.querySelectorAll('input[type="checkbox"][name="' + name + '"]');
      };
      all.hidden = false;
      all.addEventListener("change", function () {
        boxes().forEach(function (box) { box.checked = all.checked; });
      });
      form.addEventListener("change", function (event) {
        if (event.target === all) return;
        var list = Array.prototype.slice.call(boxes());
        all.checked = list.length > 0 && list.every(function (box) { return box.checked; });
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
