// Counter console: after htmx swaps the console region, move focus to the message that
// says what happened (or to the "at the counter now" heading), so keyboard and screen-reader
// users are not left on a button that no longer exists. Polling swaps leave focus alone.
(function () {
  "use strict";
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail && event.detail.target;
    if (!target || target.id !== "console") {
      return;
    }
    var console_ = document.getElementById("console");
    if (!console_ || console_.contains(document.activeElement)) {
      return;
    }
    var focus = document.getElementById("console-messages") || document.getElementById("current-heading");
    if (focus) {
      focus.focus();
    }
  });
})();
