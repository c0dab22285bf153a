// 3-D Secure: let Stripe.js run the bank's check for this PaymentIntent, then ask the
// server how it ended. The server never trusts the browser's word for the result.
(function () {
  "use strict";
  var form = document.getElementById("auth-form");
  if (!form || typeof Stripe === "undefined") { return; }
  var status = document.getElementById("auth-status");
  var stripe = Stripe(form.dataset.publishableKey);
  stripe.confirmCardPayment(form.dataset.clientSecret).then(function () {
    status.textContent = form.dataset.doneText;
    form.submit();
  }, function () { form.submit(); });
})();
