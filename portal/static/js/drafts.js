/* Keep a copy of what the debtor types in this tab, so a session that ends loses nothing.
   Only on signed-in pages; never card details (Stripe's fields live outside our forms' inputs).
   Finished journeys and signing out clear the copies. */
(function () {
  "use strict";
  var PREFIX = "draft:";
  var store;
  try { store = window.sessionStorage; } catch (e) { return; }
  if (!store) { return; }

  if (document.querySelector("[data-clear-drafts]")) {
    Object.keys(store).forEach(function (key) {
      if (key.indexOf(PREFIX) === 0) { store.removeItem(key); }
    });
    return;
  }
  if (!document.getElementById("session-warning")) { return; }

  function kept(field) {
    if (!field.name || field.name === "csrf_token" || field.closest("#card-element")) { return false; }
    var type = (field.type || "").toLowerCase();
    return ["hidden", "password", "submit", "button", "file"].indexOf(type) === -1;
  }

  Array.prototype.forEach.call(document.querySelectorAll("main form"), function (form, index) {
    var key = PREFIX + window.location.pathname + "#" + index;
    var fields = Array.prototype.filter.call(form.elements, kept);
    var saved = {};
    try { saved = JSON.parse(store.getItem(key) || "{}"); } catch (e) { saved = {}; }

    fields.forEach(function (field) {
      var value = saved[field.name];
      if (value === undefined) { return; }
      if (field.type === "radio" || field.type === "checkbox") {
        var group = form.querySelectorAll("[name='" + field.name + "']:checked");
        if (group.length === 0 && Array.isArray(value) && value.indexOf(field.value) !== -1) {
          field.checked = true;
        }
      } else if (!field.value) {
        field.value = value;
      }
    });

    function save() {
      var data = {};
      fields.forEach(function (field) {
        if (field.type === "radio" || field.type === "checkbox") {
          data[field.name] = data[field.name] || [];
          if (field.checked) { data[field.name].push(field.value); }
        } else {
          data[field.name] = field.value;
        }
      });
      store.setItem(key, JSON.stringify(data));
    }
    form.addEventListener("input", save);
    form.addEventListener("change", save);
  });
})();
