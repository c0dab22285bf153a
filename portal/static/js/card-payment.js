// Card entry: Stripe.js turns the card into a token in the browser, so the card number
// never reaches this server; the form then posts only the token.
(function () {
  "use strict";
  var form = document.getElementById("card-form");
  if (!form || typeof Stripe === "undefined") { return; }
  var button = document.getElementById("pay-button");
  var errorBox = document.getElementById("card-element-error");
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

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (button.disabled) { return; }
    button.disabled = true;
    button.textContent = form.dataset.busyText;
    errorBox.textContent = "";
    stripe.createToken(card).then(function (result) {
      if (result.error || !result.token) {
        var message = result.error && result.error.message;
        showError(message || form.dataset.missingText);
        return;
      }
      document.getElementById("card_token").value = result.token.id;
      form.submit();
    }, function () { showError(form.dataset.missingText); });
  });
})();
