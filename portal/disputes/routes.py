"""The validation information page and the dispute's confirmation. The dispute's question pages
are in pages.py, on the same blueprint (blueprint.py)."""

from __future__ import annotations

from flask import current_app, g, redirect, render_template, url_for

from portal import clock, timeline
from portal.accounts import eligibility
from portal.disputes import service
from portal.disputes.blueprint import bp
from portal.disputes.validation import validation_info
from portal.extensions import db
from portal.links.access import verified_required


@bp.get("/about-this-debt")
@verified_required
def about():
    account = g.account
    info = validation_info(account, current_app.config["VALIDATION_DAYS"])
    page = render_template(
        "disputes/about.html",
        account=account,
        info=info,
        items=info.itemisation,
        today=clock.today(),
        can_dispute=eligibility.for_account(account, clock.today()).may(eligibility.Action.DISPUTE),
    )
    # Noted once the page is made, so the commit does not make its reads be done again.
    timeline.record(account, "validation_viewed", actor="debtor")
    db.session.commit()
    return page


@bp.get("/dispute/received")
@verified_required
def received():
    account = g.account
    dispute = service.open_dispute_for(account)
    if dispute is None:
        return redirect(url_for("debtor.overview"), code=303)
    return render_template(
        "disputes/received.html",
        account=account,
        dispute=dispute,
        emailed=service.confirmation_sent(dispute),
    )


@bp.errorhandler(413)
def too_large(error):
    # Raised while the body is read, before the view runs, so there is no form to show again.
    return render_template("disputes/too_large.html"), 413
