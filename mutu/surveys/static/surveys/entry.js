/* entry.js: typing a digit into an answer box moves on to the next box, and Ctrl+Enter in
 * the suggestion saves. The form is fully usable with Tab and Enter without it. */
(function () {
  "use strict";
  var form = document.querySelector(".entry-form");
  if (!form) { return; }
  var boxes = Array.prototype.slice.call(form.querySelectorAll("[data-entry-answer]"));
  boxes.forEach(function (box, index) {
    box.addEventListener("input", function () {
      var max = parseInt(box.getAttribute("maxlength"), 10) || 1;
      if (/^[0-9]+$/.test(box.value) && box.value.length >= max) {
        var next = boxes[index + 1];
        if (next) { next.focus(); next.select(); }
      }
    });
  });
  form.querySelectorAll("textarea").forEach(function (area) {
    area.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        form.requestSubmit ? form.requestSubmit() : form.submit();
      }
    });
  });
})();
