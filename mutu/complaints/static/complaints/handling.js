// Handling area: choosing a canned reply fills the reply box (without JS the "Use this text"
// button reloads the page with ?balasan=<id>, which fills it on the server).
(function () {
  "use strict";
  function setup() {
    document.querySelectorAll("select[data-fills]").forEach(function (select) {
      var target = document.getElementById(select.getAttribute("data-fills"));
      if (!target) return;
      var form = select.closest("form");
      var button = form && form.querySelector(".handling-canned__use");
      if (button) button.hidden = true;
      select.addEventListener("change", function () {
        var option = select.options[select.selectedIndex];
        var body = option && option.getAttribute("data-body");
        if (body) {
          target.value = body;
          target.focus();
        }
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
