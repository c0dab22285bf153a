// Card entry for one payment: Stripe.js saves the card in this visit's SetupIntent (running any
// bank check), so the card number never reaches this server; the form then posts only the
// SetupIntent's id, and the server asks Stripe how it ended before charging the card.
(function () {
  "use strict";
  var form = document.getElementById("card-form");
  if (!form || typeof Stripe === "undefined" || !form.dataset.clientSecret) { return; }
  var button = document.getElementById("pay-button");
  var errorBox = document.getElementById("card-element-error");
  var field = document.getElementById("setup_intent");
  var idleText = button.textContent;
  var stripe = Stripe(form.dataset.publishableKey);
  var card = stripe.elements().create("card");
  card.mount("#card-element");
  button.hidden = false;

  function showError(message) {
    errorBox.textContent = message;
    form.querySelector(".form-group").classList.add("form-group--error");
    button.disabled = false;
    button.textContent = idleText;
  }

  function shownHere(error) {
    // Stripe.js finds an incomplete card, or no connection, before asking Stripe: its message
    // says what to fix. Anything else (a decline, a failed bank check) the server reads from the
    // SetupIntent and explains in the page's language.
    return error.type === "validation_error" || error.type === "api_connection_error";
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (button.disabled) { return; }
    button.disabled = true;
    button.textContent = form.dataset.busyText;
    errorBox.textContent = "";
    stripe.confirmCardSetup(form.dataset.clientSecret, {payment_method: {card: card}}).then(function (result) {
      if (result.setupIntent) {
        field.value = result.setupIntent.id;
        form.submit();
        return;
      }
      var error = result.error || {};
      if (shownHere(error)) {
        showError(error.message || form.dataset.missingText);
        return;
      }
      field.value = form.dataset.setupIntent;
      form.submit();
    }, function () { showError(form.dataset.missingText); });
  });
})();
