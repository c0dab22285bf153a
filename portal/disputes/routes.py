"""The validation information page, the dispute form and its confirmation."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from portal import clock, timeline
from portal.disputes import evidence, forms, service
from portal.disputes.validation import validation_info
from portal.extensions import db, limiter
from portal.links.access import verified_required
from portal.notify import disputes as dispute_emails

bp = Blueprint("disputes", __name__)


def evidence_folder() -> Path:
    """instance/evidence: outside the static folder, and no route reads from it."""
    return Path(current_app.instance_path) / "evidence"


@bp.get("/about-this-debt")
@verified_required
def about():
    account = g.account
    info = validation_info(account, current_app.config["VALIDATION_DAYS"])
    timeline.record(account, "validation_viewed", actor="debtor")
    db.session.commit()
    return render_template(
        "disputes/about.html",
        account=account,
        info=info,
        items=info.itemisation,
        today=clock.today(),
        can_dispute=not account.is_closed and not account.on_hold,
    )


@bp.route("/dispute", methods=["GET", "POST"])
@verified_required
@limiter.limit("10/minute", methods=["POST"])
def dispute_form():
    account = g.account
    if service.open_dispute_for(account) is not None:
        return redirect(url_for("disputes.received"), code=303)
    if account.is_closed:
        return redirect(url_for("debtor.overview"), code=303)
    form = forms.DisputeForm()
    errors: forms.Errors = []
    if request.method == "POST":
        if not form.validate_on_submit():
            errors.append(("reason-0", _("Something went wrong with the form. Please try again.")))
        else:
            answers, errors = forms.read(request.form, request.files)
            if answers is not None:
                _open(account, answers)
                return redirect(url_for("disputes.received"), code=303)
    return render_template(
        "disputes/form.html",
        account=account,
        reasons=forms.REASONS,
        values=request.form,
        file_was_chosen=bool(request.files.get("evidence") and request.files["evidence"].filename),
        errors=errors,
    ), (400 if errors else 200)


def _open(account, answers: forms.Answers) -> None:
    """Keep the file, record the dispute and the hold in one commit, then send the email."""
    folder = evidence_folder()
    stored = None
    if answers.upload is not None:
        stored = evidence.store(answers.upload.data, answers.upload.name, folder)
    try:
        dispute = service.open_dispute(account, answers.reason, answers.details, stored)
        db.session.commit()
    except Exception:
        db.session.rollback()
        if stored is not None:
            evidence.remove(folder, stored.file_name)  # no dispute points at it
        raise
    dispute_emails.send_received(dispute)


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
