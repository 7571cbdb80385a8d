/* kiosk_register.js: keeps the new device token on the tablet, then opens the kiosk.
 * The same token is also in an HttpOnly cookie (set by the server) in case localStorage is
 * cleared; the page is sent with Cache-Control: no-store. */
(function () {
  "use strict";
  const holder = document.getElementById("kiosk-registration");
  if (!holder) return;
  try {
    localStorage.setItem("mutu.surveyKiosk.token", holder.dataset.token);
    localStorage.removeItem("mutu.surveyKiosk.config");
  } catch (e) {
    /* private mode: the cookie still identifies the tablet */
  }
  holder.removeAttribute("data-token");
  window.setTimeout(() => window.location.replace(holder.dataset.kioskUrl), 1200);
})();
