/* kiosk.js: small enhancements of the kiosk pages; everything works without it.
 *
 * - [data-print]: shows the (hidden) print button; a click prints the ticket.
 * - [data-return-url][data-return-seconds]: after a ticket, the kiosk goes back to the
 *   start; the notice says so and [data-stay] cancels it.
 * - The ticket status page polls every 15 s; a poll that brings no change is not swapped,
 *   so the live region speaks only when the place in line, the wait or the call changes.
 * - After htmx swaps a boosted page, focus moves to the first field in error, an alert or
 *   the heading, so that screen readers announce the new step or the problem.
 */
(function () {
  "use strict";

  var returnTimer = null;
  function startReturn(el) {
    var url = el.getAttribute("data-return-url");
    var seconds = parseInt(el.getAttribute("data-return-seconds"), 10) || 60;
    el.hidden = false;
    if (returnTimer) { clearTimeout(returnTimer); }
    returnTimer = setTimeout(function () {
      if (document.body.contains(el)) { window.location.assign(url); }
    }, seconds * 1000);
  }

  function setup(root) {
    if (!root || !root.querySelectorAll) { return; }
    root.querySelectorAll("[data-print]").forEach(function (button) { button.hidden = false; });
    root.querySelectorAll("[data-return-url]").forEach(startReturn);
  }

  document.addEventListener("click", function (event) {
    var print = event.target.closest("[data-print]");
    if (print) {
      event.preventDefault();
      window.print();
      return;
    }
    var stay = event.target.closest("[data-stay]");
    if (stay) {
      event.preventDefault();
      if (returnTimer) { clearTimeout(returnTimer); returnTimer = null; }
      var notice = stay.closest("[data-return-url]");
      if (notice) { notice.hidden = true; }
      var heading = document.querySelector("main h1");
      if (heading) { heading.focus(); }
    }
  });

  document.addEventListener("DOMContentLoaded", function () { setup(document); });

  document.addEventListener("htmx:afterSettle", function (event) {
    var detail = event.detail || {};
    if (!detail.boosted) { return; }
    setup(document.body);
    // The first field in error (its label and message are read), else an alert, else the heading.
    var target = document.querySelector("main [aria-invalid=true]") ||
      document.querySelector("main [role=alert]") || document.querySelector("main h1");
    if (target) {
      if (!target.hasAttribute("tabindex")) { target.setAttribute("tabindex", "-1"); }
      target.focus();
    }
  });

  // The status page polls every 15 s: swap (and so announce) only when the state changed;
  // otherwise just refresh the "checked at" line, which is outside the live region.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var detail = event.detail || {};
    var target = detail.target;
    if (!target || target.id !== "ticket-live" || !detail.serverResponse) { return; }
    var fresh = new DOMParser().parseFromString(detail.serverResponse, "text/html");
    var before = target.querySelector("[data-state]");
    var after = fresh.querySelector("[data-state]");
    if (before && after && before.getAttribute("data-state") === after.getAttribute("data-state")) {
      detail.shouldSwap = false;
      var checked = document.getElementById("ticket-checked");
      var freshChecked = fresh.getElementById("ticket-checked");
      if (checked && freshChecked) { checked.textContent = freshChecked.textContent; }
    }
  });

  document.addEventListener("htmx:beforeRequest", function () {
    if (returnTimer) { clearTimeout(returnTimer); returnTimer = null; }
  });
})();
