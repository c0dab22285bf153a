/* Warn before the session ends and let the debtor extend it (WCAG 2.2.1 Timing Adjustable).
   The page is never reloaded, so nothing typed is lost; drafts.js also keeps a copy. */
(function () {
  "use strict";
  var dialog = document.getElementById("session-warning");
  var stay = document.getElementById("session-stay");
  var status = document.getElementById("session-status");
  if (!dialog || !stay || typeof dialog.showModal !== "function") { return; }
  var sessionMs = Number(dialog.dataset.sessionSeconds) * 1000;
  var warnMs = Number(dialog.dataset.warnSeconds) * 1000;
  var warnTimer = null;
  var endTimer = null;
  var returnFocus = null;
  var RENEWED = "session-renewed";

  function restart() {
    window.clearTimeout(warnTimer);
    window.clearTimeout(endTimer);
    warnTimer = window.setTimeout(warn, Math.max(sessionMs - warnMs, 0));
    endTimer = window.setTimeout(end, sessionMs);
  }

  // Every page load and every "Stay signed in" renews the one session cookie, so tell the
  // debtor's other tabs: their clocks restart too, and a warning they show goes away.
  function schedule() {
    restart();
    try { window.localStorage.setItem(RENEWED, String(Date.now())); } catch (e) { /* private mode */ }
  }

  window.addEventListener("storage", function (event) {
    if (event.key !== RENEWED) { return; }
    restart();
    if (dialog.open) { close(); }
  });

  function warn() {
    returnFocus = document.activeElement;
    dialog.showModal();
    stay.focus();
  }

  function end() {
    window.location.assign(dialog.dataset.endedUrl);
  }

  function close() {
    if (dialog.open) { dialog.close(); }
    if (returnFocus && typeof returnFocus.focus === "function") { returnFocus.focus(); }
  }

  stay.addEventListener("click", function () {
    stay.disabled = true;
    fetch(dialog.dataset.keepAliveUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": dialog.dataset.csrfToken }
    }).then(function (response) {
      if (!response.ok) { end(); return; }
      schedule();
      close();
      status.textContent = stay.dataset.doneText || "";
    }).catch(end).then(function () { stay.disabled = false; });
  });

  // Escape closes a modal dialog without extending; treat it as "stay", the kinder reading.
  dialog.addEventListener("cancel", function (event) {
    event.preventDefault();
    stay.click();
  });

  schedule();
})();
