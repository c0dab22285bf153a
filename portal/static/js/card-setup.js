// Saving a card for a plan: Stripe.js confirms a SetupIntent in the browser (with any bank
// check), then the form posts only the SetupIntent's id; the server asks Stripe how it ended.
(function () {
  "use strict";
  var form = document.getElementById("setup-form");
  if (!form || typeof Stripe === "undefined" || !form.dataset.clientSecret) { return; }
  var button = document.getElementById("agree-button");
  var errorBox = document.getElementById("card-element-error");
  var consent = document.getElementById("consent");
  var idleText = button.textContent;
  var stripe = Stripe(form.dataset.publishableKey);
  var card = stripe.elements().create("card");
  card.mount("#card-element");
  button.hidden = false;

  function showError(message) {
    errorBox.textContent = message;
    button.disabled = false;
    button.textContent = idleText;
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (button.disabled) { return; }
    if (consent && !consent.checked) {
      // The server checks too; this only saves a trip.
      form.submit();
      return;
    }
    button.disabled = true;
    button.textContent = form.dataset.busyText;
    errorBox.textContent = "";
    stripe.confirmCardSetup(form.dataset.clientSecret, {payment_method: {card: card}}).then(function (result) {
      if (result.error || !result.setupIntent) {
        showError((result.error && result.error.message) || form.dataset.missingText);
        return;
      }
      document.getElementById("setup_intent").value = result.setupIntent.id;
      form.submit();
    }, function () { showError(form.dataset.missingText); });
  });
})();
