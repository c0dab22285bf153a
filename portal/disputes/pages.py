"""The dispute, one question a page: why, tell us more, a document, then check and send.

Answers are kept in the "dispute" draft (portal.disputes.draft) until the check page sends them.
A document is checked and stored as soon as it is uploaded, so it is never asked for twice.
"""

from __future__ import annotations

from functools import wraps

from flask import flash, g, get_flashed_messages, redirect, render_template, request, url_for
from flask_babel import gettext as _

from portal import clock
from portal.accounts import eligibility
from portal.disputes import draft, evidence, forms, service
from portal.disputes.blueprint import bp, evidence_folder
from portal.disputes.draft import RUN
from portal.extensions import db, limiter
from portal.forms.base import Form
from portal.forms.send import SendForm
from portal.links.access import verified_required
from portal.models import DisputeReason
from portal.notify import disputes as dispute_emails


def dispute_allowed(view):
    """The pages are for an open account with no dispute under review; otherwise the draft goes."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        account = g.account
        if service.open_dispute_for(account) is not None:
            target = "disputes.received"
        elif not eligibility.for_account(account, clock.today()).may(eligibility.Action.DISPUTE):
            target = "debtor.overview"
        else:
            return view(*args, **kwargs)
        if RUN.answers(account):
            # It can never be sent now: do not keep its document on disk for nothing.
            old = draft.discard(account)
            db.session.commit()
            draft.remove_file(evidence_folder(), old)
        return redirect(url_for(target), code=303)

    return wrapper


def _noted(form: Form, field) -> Form:
    """*form* with the problem the check page found with this page's saved answer (see `check`)."""
    for _category, message in get_flashed_messages(with_categories=True, category_filter=[field.name]):
        form.add_error(field, message)
    return form


def _page(template: str, form: Form, **context):
    errors = form.error_summary()
    status = 400 if errors and request.method == "POST" else 200
    return render_template(template, account=g.account, form=form, errors=errors, **context), status


@bp.route("/dispute", methods=["GET", "POST"])
@verified_required
@limiter.limit("10/minute", methods=["POST"])
@dispute_allowed
def dispute_form():
    account = g.account
    form = forms.ReasonForm(reason=RUN.answers(account).get("reason"))
    if form.validate_on_submit():
        reason = form.chosen()
        answers = RUN.save(account, reason=reason.value)
        if reason is DisputeReason.OTHER and answers.get("details") == "":
            # "Something else" needs their words: ask for them again rather than send none.
            RUN.forget(account, "details")
            answers.pop("details")
        db.session.commit()
        return RUN.next_page(answers)
    if request.method == "GET":
        _noted(form, form.reason)
    return _page(
        "disputes/reason.html",
        form,
        reason_hints={reason.value: hint for reason, _label, hint in forms.REASONS},
        back=url_for("debtor.overview"),
    )


@bp.route("/dispute/details", methods=["GET", "POST"])
@verified_required
@limiter.limit("10/minute", methods=["POST"])
@dispute_allowed
def details():
    account = g.account
    answers = RUN.answers(account)
    reason = forms.saved_reason(answers.get("reason"))
    if reason is None:
        # What to write, and whether it is needed, depend on the reason.
        return redirect(url_for("disputes.dispute_form"), code=303)
    form = forms.DetailsForm(reason, details=answers.get("details", ""))
    if form.validate_on_submit():
        answers = RUN.save(account, details=form.details.data)
        db.session.commit()
        return RUN.next_page(answers)
    if request.method == "GET":
        _noted(form, form.details)
    return _page(
        "disputes/details.html",
        form,
        hint=forms.DETAILS_HINTS[reason],
        back=url_for(RUN.back("disputes.details")),
    )


@bp.route("/dispute/document", methods=["GET", "POST"], endpoint="evidence")
@verified_required
@limiter.limit("10/minute", methods=["POST"])
@dispute_allowed
def document():
    account = g.account
    stored = draft.stored_evidence(RUN.answers(account))
    form = forms.DocumentForm()
    if form.validate_on_submit():
        if form.remove.data:
            RUN.forget(account, "evidence")
            db.session.commit()
            draft.remove_file(evidence_folder(), stored)
            return redirect(url_for("disputes.evidence"), code=303)
        if form.without.data:
            return _save_document(account, None)
        if form.upload is None:  # nothing chosen: keep what is there, or "no document"
            return _save_document(account, stored)
        stored = evidence.store(form.upload.data, form.upload.name, evidence_folder())
        return _save_document(account, stored, fresh=True)
    if request.method == "GET":
        _noted(form, form.evidence)
    return _page("disputes/document.html", form, stored=stored, back=url_for(RUN.back("disputes.evidence")))


def _save_document(account, chosen: evidence.StoredEvidence | None, fresh: bool = False):
    """Save the document (or none) as the answer, then remove the one it replaces.

    *fresh*: the file was stored by this request, so nothing else points at it if saving fails.
    """
    folder = evidence_folder()
    try:
        answers, old = draft.replace_evidence(account, chosen)
        db.session.commit()
    except Exception:
        db.session.rollback()
        if fresh:
            draft.remove_file(folder, chosen)
        raise
    draft.remove_file(folder, old)
    return RUN.next_page(answers)


@bp.route("/dispute/check", methods=["GET", "POST"])
@verified_required
@limiter.limit("10/minute", methods=["POST"])
@dispute_allowed
def check():
    account = g.account
    saved = RUN.answers(account)
    missing = RUN.unanswered(saved)
    if missing is not None:
        return redirect(url_for(missing), code=303)
    answers, problem = draft.check(saved, evidence_folder())
    if problem is not None:
        # Send them to the question with the reason; a saved answer that cannot be used goes.
        if problem.forget:
            RUN.forget(account, problem.key)
            db.session.commit()
        flash(problem.message, problem.key)  # the category names the field it is about
        return redirect(url_for(problem.endpoint), code=303)
    form = SendForm()
    if form.validate_on_submit():
        _open(account, answers)
        return redirect(url_for("disputes.received"), code=303)
    rows = [
        {
            "question": _("Your reason"),
            "answer": forms.reason_label(answers.reason),
            "url": url_for("disputes.dispute_form"),
        },
        {
            "question": _("What you told us"),
            "answer": answers.details or _("None"),
            "url": url_for("disputes.details"),
        },
        {
            "question": _("Document"),
            "answer": (answers.evidence.original_name or _("A document")) if answers.evidence else _("None"),
            "url": url_for("disputes.evidence"),
        },
    ]
    return _page("disputes/check.html", form, rows=rows, back=url_for(RUN.back("disputes.check")))


def _open(account, answers: draft.Answers) -> None:
    """Record the dispute and the hold, queue its confirmation, and throw the draft away, in one
    commit."""
    try:
        dispute = service.open_dispute(account, answers.reason, answers.details, answers.evidence)
        dispute_emails.queue_received(dispute)
        RUN.clear(account)
        db.session.commit()
    except Exception:
        db.session.rollback()
        # No dispute points at the document; the draft's pointer is found missing on the next try.
        draft.remove_file(evidence_folder(), answers.evidence)
        raise
