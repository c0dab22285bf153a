"""The card step as any feature shows it: the card page, and what to show after an attempt."""

from __future__ import annotations

from flask import g, redirect, render_template, url_for

from portal.domain.money import Money
from portal.payments import service
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
    """Render the card form for *amount*; the form posts a Stripe.js token to *action*."""
    return render_template(
        "payments/pay.html",
        account=g.account,
        amount=amount,
        heading=heading,
        intro=intro,
        action=action,
        errors=errors or [],
        back_url=back_url or url_for("debtor.overview"),
    ), status


def after_attempt(outcome: service.Outcome, retry_page):
    """Where the debtor goes after an attempt; *retry_page(errors, status)* shows the card form again."""
    result = service.Result
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
    if outcome.code == "amount_changed":
        return retry_page([("card-element", decline_message(outcome.code))], 409)
    return retry_page([("card-element", decline_message(outcome.code))], 402)
