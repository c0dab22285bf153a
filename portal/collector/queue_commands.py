"""Collector commands for the support queue: `offers`, `decide-offer` and `requests`."""

from __future__ import annotations

import click
from flask import Flask
from sqlalchemy import select

from portal import clock
from portal.cant_pay import service as cant_pay
from portal.domain import offers as offer_rules
from portal.domain import transitions
from portal.domain.money import Money, MoneyError, parse_major
from portal.domain.schedules import MAX_PAYMENTS, Frequency
from portal.extensions import db
from portal.models import Message, MessageStatus, Offer, OfferStatus, RequestKind
from portal.offers import decisions
from portal.offers import service as offers


def _money(minor: int | None, currency: str) -> str:
    return "-" if minor is None else f"{Money(minor, currency).as_decimal()} {currency}"


def _who(account) -> str:
    return f"{account.creditor.slug}/{account.reference} ({account.debtor.full_name})"


@click.command("offers")
def offers_command():
    """List offers waiting for a decision, oldest first."""
    pending = db.session.scalars(
        select(Offer).where(Offer.status == OfferStatus.PENDING).order_by(Offer.created_at, Offer.id)
    ).all()
    if not pending:
        click.echo("No offers are waiting for a decision")
        return
    for offer in pending:
        account = offer.account
        count = len(
            offers.offer_schedule(
                account.balance.minor,
                offers.Terms(offer.amount, Frequency(offer.frequency), offer.start_date),
                offer.start_date,
            )
        )
        click.echo(
            f"Offer {offer.id}: {_who(account)}, owes {_money(account.balance.minor, account.currency)}"
        )
        click.echo(
            f"  offers {_money(offer.amount, account.currency)} {offer.frequency} from "
            f"{offer.start_date.isoformat()} ({count} payments); made {offer.created_at:%Y-%m-%d %H:%M} UTC"
        )
        if offer.note:
            click.echo(f"  note: {' '.join(offer.note.split())}")
        if offer.affordability:
            click.echo("  shared affordability (monthly): " + _figures(offer.affordability))


def _figures(figures: dict) -> str:
    currency = figures.get("currency", "USD")
    spent = ", ".join(
        f"{name} {_money(value, currency)}" for name, value in figures.get("outgoings", {}).items()
    )
    return (
        f"income {_money(figures.get('income'), currency)}; out: {spent or 'nothing'}; "
        f"left {_money(figures.get('left'), currency)}"
    )


@click.command("decide-offer")
@click.argument("offer_id", type=int)
@click.option("--accept", "decision", flag_value="accept", help="accept the offer as it is")
@click.option("--decline", "decision", flag_value="decline", help="decline it (needs --reason)")
@click.option("--counter", "decision", flag_value="counter", help="propose another plan instead")
@click.option("--reason", default="", help="shown to the debtor: why declined, or why this counter-offer")
@click.option("--amount", default=None, help="counter-offer: amount per payment, such as 40.00")
@click.option("--frequency", type=click.Choice([f.value for f in Frequency]), default=None)
@click.option("--start", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="YYYY-MM-DD")
@click.option("--now", default=None, help="act as if it were this time (ISO 8601 with a zone)")
def decide_offer_command(offer_id, decision, reason, amount, frequency, start, now):
    """Accept, decline or counter a debtor's offer; the debtor is told by email and on their page."""
    moment = clock.moment_option(now)
    offer = db.session.get(Offer, offer_id)
    if offer is None:
        raise click.ClickException(f"No offer {offer_id}")
    if decision is None:
        raise click.ClickException("Choose one of --accept, --decline --reason TEXT or --counter ...")
    if decision == "decline" and not reason.strip():
        raise click.ClickException("Say why with --reason: the debtor will read it")
    terms = _counter_terms(offer, amount, frequency, start) if decision == "counter" else None
    try:
        queued, why = decisions.decide(
            offer, decisions.Decision(decision), moment, reason=reason, terms=terms
        )
    except offer_rules.TermsRefused as refused:
        db.session.rollback()
        raise click.ClickException(f"Not changed: {_COUNTER_PROBLEMS[refused.problem]}") from None
    except transitions.TransitionError as error:
        db.session.rollback()
        raise click.ClickException(
            f"Not changed: offer {offer.id} is {error.current}; it cannot become {error.new}"
        ) from None
    message_id = queued.id if queued else None
    db.session.commit()
    click.echo(f"Offer {offer.id} {offer.status.value}")
    click.echo(_email_outcome(message_id, why))


def _email_outcome(message_id: int | None, why: str) -> str:
    """What became of the decision's email, in one line, as the outbox has it now."""
    if message_id is None:
        return f"Not emailed ({why}); the debtor sees the decision on their account page"
    message = db.session.get(Message, message_id)
    if message.status in (MessageStatus.SENT, MessageStatus.DELIVERED):
        return f"Emailed {message.to_address}"
    if message.status is MessageStatus.QUEUED:
        return f"Not emailed now; it goes out at {message.not_before.isoformat()} (message {message.id})"
    return f"Not emailed ({message.status.value}: {message.reason}); message {message.id}"


#: A counter-offer meets the rules of the debtor's own offer; what the collector is told when not.
_COUNTER_PROBLEMS = {
    offer_rules.Problem.AMOUNT_NOT_POSITIVE: "the amount must be more than 0 and less than the balance",
    offer_rules.Problem.WHOLE_BALANCE: "the amount must be more than 0 and less than the balance",
    offer_rules.Problem.TOO_MANY_PAYMENTS: f"the amount would take more than {MAX_PAYMENTS} payments",
    offer_rules.Problem.START_IN_PAST: "the start date is in the past",
    offer_rules.Problem.START_TOO_LATE: "the start date is more than a year away",
}


def _counter_terms(offer, amount, frequency, start) -> offers.Terms:
    """The counter-offer as typed; the offer rules check it when it is decided."""
    if amount is None or frequency is None or start is None:
        raise click.ClickException("A counter-offer needs --amount, --frequency and --start")
    try:
        minor = parse_major(amount, offer.account.currency).minor
    except MoneyError as error:
        raise click.ClickException(f"Not changed: {error}") from None
    return offers.Terms(minor, Frequency(frequency), start.date())


@click.command("requests")
def requests_command():
    """List open promises to pay and call-back requests, oldest first."""
    waiting = cant_pay.open_requests()
    if not waiting:
        click.echo("No open promises or call-back requests")
        return
    for item in waiting:
        account = item.account
        paused = item.pause_until.isoformat() if item.pause_until else "-"
        if item.kind is RequestKind.PROMISE:
            what = (
                f"the full amount ({_money(account.balance.minor, account.currency)})"
                if item.promise_amount is None
                else _money(item.promise_amount, account.currency)
            )
            click.echo(
                f"Promise {item.id}: {_who(account)} will pay {what} on {item.promise_date.isoformat()}"
            )
        else:
            days = (item.call_days or "any day").replace(",", ", ")
            times = (item.call_times or "any time").replace(",", ", ")
            click.echo(f"Call back {item.id}: {_who(account)} on {item.phone}, {days}, {times}")
            if item.explanation:
                click.echo(f"  says: {' '.join(item.explanation.split())}")
        click.echo(f"  reminders paused until {paused}; asked {item.created_at:%Y-%m-%d %H:%M} UTC")


def register_commands(app: Flask) -> None:
    """Add the support queue commands to the app's CLI."""
    app.cli.add_command(offers_command)
    app.cli.add_command(decide_offer_command)
    app.cli.add_command(requests_command)
