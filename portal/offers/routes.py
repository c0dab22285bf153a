"""The debtor's own offer: see where it is, and agree it once a person said yes. The pages that
ask for it are in pages.py, on the same blueprint (blueprint.py)."""

from __future__ import annotations

from flask import g, redirect, render_template, url_for
from flask_babel import gettext as _

from portal import clock, timeline
from portal.accounts.eligibility import Action
from portal.extensions import db, limiter
from portal.links.access import verified_required
from portal.models import OfferStatus
from portal.offers import service as offers
from portal.offers.blueprint import bp, elsewhere
from portal.offers.questions import FREQUENCY_LABELS
from portal.payments.gateway import GatewayUnavailable
from portal.payments.messages import decline_message
from portal.plans import agree_step, agreements
from portal.plans.forms import AgreeForm
from portal.plans.options import options_for


@bp.get("/offer")
@verified_required
def status():
    """Where the debtor's latest offer stands: waiting, declined, or ready to agree."""
    offer = offers.latest(g.account.id)
    if offer is None:
        return redirect(url_for("own_offer.propose"), code=303)
    if offer.status in offers.AGREEABLE:
        return redirect(url_for("own_offer.agree"), code=303)
    if offer.status is OfferStatus.AGREED:
        return redirect(url_for("plans.plan_page"), code=303)
    template = "offers/pending.html" if offer.status is OfferStatus.PENDING else "offers/declined.html"
    return render_template(
        template,
        account=g.account,
        offer=offer,
        reply_by=offers.reply_by(offer.created_at.date()),
        frequencies=FREQUENCY_LABELS,
    )


@bp.route("/offer/agree", methods=["GET", "POST"])
@verified_required
@limiter.limit("20/minute", methods=["POST"])
def agree():
    account = g.account
    if (away := elsewhere(Action.AGREE_OFFER)) is not None:
        return away
    offer = offers.open_offer(account.id)
    if offer is None or offer.status not in offers.AGREEABLE:
        return redirect(url_for("own_offer.status"), code=303)
    today = clock.today()
    terms = offers.agreed_terms(offer)
    schedule = offers.offer_schedule(account.balance.minor, terms, today)
    form = AgreeForm()
    if form.validate_on_submit():
        card = agree_step.card_from_setup(form.setup_intent.data)
        if card is None:
            form.add_error(form.setup_intent, decline_message("card_declined"))
        else:
            try:
                plan = agreements.agree_schedule(
                    account,
                    schedule,
                    frequency=terms.frequency.value,
                    offer_id=offer.id,
                    payment_method_id=card.id,
                    card_brand=card.brand,
                    card_last4=card.last4,
                    consent_text=agree_step.consent_text(),
                )
            except ValueError:  # paid, or a plan agreed, in another tab meanwhile
                db.session.rollback()
                return redirect(url_for("debtor.overview"), code=303)
            offers.mark_agreed(offer, plan.id)
            db.session.commit()
            return agree_step.after_agreeing(plan, today)
    errors = form.error_summary()
    context = {
        "account": account,
        "offer": offer,
        "terms": terms,
        "schedule": schedule,
        "policy": options_for(account, today).policy,
        "frequencies": FREQUENCY_LABELS,
        "form": form,
        "errors": errors,
        "consent_text": agree_step.consent_text(),
        "countered": offer.status is OfferStatus.COUNTERED,
        "heading": _("We suggest a different plan")
        if offer.status is OfferStatus.COUNTERED
        else _("Your offer was accepted"),
    }
    try:
        setup = agree_step.setup_intent_for_visit()
    except GatewayUnavailable:
        context["errors"] = [("card-element", decline_message("unavailable"))]
        return render_template("offers/agree.html", client_secret=None, **context), 503
    timeline.record(account, "plan_recap_viewed", actor="debtor", offer_id=offer.id)
    db.session.commit()
    page = render_template("offers/agree.html", client_secret=setup.client_secret, **context)
    return page, (400 if errors else 200)
