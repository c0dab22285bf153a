"""The card step as any feature shows it: the card page, and what to show after an attempt."""

from __future__ import annotations

from flask import g, redirect, render_template, url_for

from portal.domain.money import Money
from portal.payments import card_setup, service
from portal.payments.gateway import GatewayUnavailable
from portal.payments.messages import decline_message


def card_page(
    *,
    amount: Money,
    heading: str,
    intro: str,
    action: str,
    errors=None,
    status: int = 200,
    back_url: str | None = None,
):
    """Render the card form for *amount*: Stripe.js saves the card in this visit's SetupIntent and
    the form posts that SetupIntent's id to *action*."""
    errors = list(errors or [])
    try:
        setup = card_setup.setup_for_visit(g.account)
    except GatewayUnavailable:
        setup = None
        errors = [("card-element", decline_message("unavailable"))]
        status = 503
    return render_template(
        "payments/pay.html",
        account=g.account,
        amount=amount,
        heading=heading,
        intro=intro,
        action=action,
        errors=errors,
        setup=setup,
        back_url=back_url or url_for("debtor.overview"),
    ), status


def after_attempt(outcome: service.Outcome, retry_page):
    """Where the debtor goes after an attempt; *retry_page(errors, status)* shows the card form again."""
    result = service.Result
    card_setup.release_after(outcome)
    if outcome.result is result.SUCCEEDED and outcome.payment is not None:
        return redirect(url_for("payments.receipt", payment_id=outcome.payment.id), code=303)
    if outcome.result in (result.NOTHING_OWED, result.SUCCEEDED):
        return redirect(url_for("debtor.overview"), code=303)
    if outcome.result is result.REQUIRES_ACTION:
        return render_template(
            "payments/authenticate.html",
            account=g.account,
            attempt=outcome.attempt,
            client_secret=outcome.client_secret,
        )
    if outcome.result is result.PROCESSING:
        return render_template("payments/processing.html", account=g.account, attempt=outcome.attempt)
    if outcome.result is result.BUSY:
        return retry_page([("card-element", decline_message("busy"))], 409)
    if outcome.result is result.UNAVAILABLE:
        return retry_page([("card-element", decline_message(outcome.code or "unavailable"))], 503)
    status = {"amount_changed": 409, card_setup.NOTHING_TYPED: 400}.get(outcome.code, 402)
    return retry_page([("card-element", decline_message(outcome.code))], status)
