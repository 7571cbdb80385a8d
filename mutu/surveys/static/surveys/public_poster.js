/* public_poster.js: shows the poster's print button and prints on click (the page prints
 * from the browser's menu without it). */
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
