"""The debtor's own offer, one question a page: how much each time, how often, the first payment's
date and a note; then a page to check it all and send it. The answers wait in a draft on the
server (`RUN`) until the offer is sent."""

from __future__ import annotations

from datetime import date

from flask import g, redirect, render_template, request, session, url_for

from portal import clock
from portal.accounts.eligibility import Action
from portal.extensions import db, limiter
from portal.forms.base import Form
from portal.forms.saved import from_saved
from portal.forms.send import SendForm
from portal.links.access import verified_required
from portal.offers import service as offers
from portal.offers.blueprint import bp, elsewhere
from portal.offers.forms import AmountForm, FrequencyForm, NoteForm, StartForm
from portal.offers.questions import (
    FREQUENCY_LABELS,
    PREFILL,
    RUN,
    SHARED,
    SUGGESTED,
    latest_start,
    saved_problem,
    seed,
    shown,
    terms_from,
)


def _guard():
    """Where to go instead of these pages (as the old single form did), or None to stay.

    What the affordability check suggested starts the draft here, once: after that the answers
    are the debtor's own, to keep or change (see `seed` for the amount).
    """
    if (away := elsewhere(Action.MAKE_OFFER)) is not None:
        return away
    account = g.account
    prefilled = session.pop(PREFILL, None)
    if prefilled is not None:
        answers, amount = seed(prefilled)
        RUN.save(account, **answers)
        if amount is not None:
            RUN.forget(account, "amount")  # the new suggestion replaces an amount saved before
            session[SUGGESTED] = amount
        db.session.commit()
    return None


def _suggested() -> dict:
    """The amount the affordability check suggested, while the debtor has not saved their own."""
    amount = session.get(SUGGESTED)
    return {"amount": amount} if isinstance(amount, int) else {}


def _ask(key: str, template: str, form_class: type[Form], wanted=None, answer=None, **context):
    """One question page: show the saved answer (checked again), or save the posted one and go on.

    *wanted* holds what the form needs to check the answer; *answer* turns the form's answer into
    what the draft saves (JSON).
    """
    if (away := _guard()) is not None:
        return away
    account = g.account
    wanted = wanted or {}
    answers = RUN.answers(account)
    if request.method == "POST":
        form = form_class(**wanted)
    elif key in answers:
        # Sent back here from the check page: say what no longer works about the saved answer.
        form = from_saved(form_class, shown(answers, account.currency), **wanted)
    else:
        form = form_class(**wanted, **shown(_suggested(), account.currency))
    if form.validate_on_submit():
        value = form[key].data
        answers = RUN.save(account, **{key: answer(value) if answer else value})
        db.session.commit()
        if key == "amount":
            session.pop(SUGGESTED, None)  # their own answer replaces the suggestion
        return RUN.next_page(answers)
    errors = form.error_summary()
    before = RUN.back(request.endpoint)
    return render_template(
        template,
        account=account,
        form=form,
        errors=errors,
        back=url_for(before or "debtor.options"),
        **context,
    ), (400 if errors and request.method == "POST" else 200)


@bp.route("/offer/new", methods=["GET", "POST"])
@verified_required
@limiter.limit("20/minute", methods=["POST"])
def propose():
    """How much the debtor can pay each time: the offer's first question."""
    account = g.account
    wanted = {"currency": account.currency, "balance": account.balance.minor}
    return _ask("amount", "offers/propose.html", AmountForm, wanted)


@bp.route("/offer/new/how-often", methods=["GET", "POST"])
@verified_required
@limiter.limit("20/minute", methods=["POST"])
def frequency():
    """How often the debtor can pay."""
    return _ask("frequency", "offers/frequency.html", FrequencyForm)


@bp.route("/offer/new/first-payment-date", methods=["GET", "POST"])
@verified_required
@limiter.limit("20/minute", methods=["POST"])
def start():
    """When the first payment could be: from today up to a year ahead."""
    today = clock.today()
    # Saved as JSON: the date as an ISO string.
    return _ask(
        "start", "offers/start.html", StartForm, {"today": today}, date.isoformat, latest=latest_start(today)
    )


@bp.route("/offer/new/note", methods=["GET", "POST"])
@verified_required
@limiter.limit("20/minute", methods=["POST"])
def note():
    """Anything the debtor wants the person deciding to know (optional)."""
    return _ask("note", "offers/note.html", NoteForm)


@bp.route("/offer/new/check", methods=["GET", "POST"])
@verified_required
@limiter.limit("20/minute", methods=["POST"])
def check():
    """Every answer with a link to change it; sending makes the offer and forgets the draft."""
    if (away := _guard()) is not None:
        return away
    account = g.account
    answers = RUN.answers(account)
    if (missing := RUN.unanswered(answers)) is not None:
        return redirect(url_for(missing), code=303)
    # The balance may have gone down, or the first payment's date passed, since they answered.
    for question in RUN.questions:
        if saved_problem(question.key, answers, account.balance.minor, clock.today()) is not None:
            return redirect(url_for(question.endpoint), code=303)
    terms, note_text = terms_from(answers)
    form = SendForm()
    if form.validate_on_submit():
        offers.make_offer(account, terms, note_text, session.get(SHARED))
        RUN.clear(account)
        db.session.commit()
        for key in (SHARED, PREFILL, SUGGESTED):
            session.pop(key, None)
        return redirect(url_for("own_offer.status"), code=303)
    errors = form.error_summary()
    return render_template(
        "offers/check.html",
        account=account,
        errors=errors,
        terms=terms,
        note=note_text,
        frequencies=FREQUENCY_LABELS,
        sharing=bool(session.get(SHARED)),
        back=url_for(RUN.back(RUN.check)),
    ), (400 if errors else 200)
