"""Opening a magic link, the welcome page, the identity check, language and sign-out."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_babel import ngettext

from portal import clock
from portal.domain import identity
from portal.extensions import db, limiter
from portal.links import access, identity_check, new_link, service
from portal.links.forms import DateOfBirthForm, PostalCodeForm
from portal.links.identity_check import Verdict

bp = Blueprint("links", __name__)


@bp.get("/")
def index():
    return render_template("links/index.html")


@bp.get("/l/<token>")
@limiter.limit("30/minute")
def open_link(token: str):
    """Check the link, note that it was opened, and move the token out of the address bar."""
    check = service.check_token(token)
    if check.problem is not None:
        status = 404 if check.problem is service.LinkProblem.INVALID else 410
        # Only an expired link's page offers a new one: the token in the form is the one in the
        # address bar, and it still names the account (a revoked or mangled one names nobody).
        offer = token if check.problem is service.LinkProblem.EXPIRED else None
        return render_template("links/problem.html", problem=check.problem.value, token=offer), status
    service.note_opened(check.link)
    access.start_pending(check.link)
    db.session.commit()
    return redirect(url_for("links.start"), code=303)


@bp.get("/start")
def start():
    link = access.pending_link()
    if link is None:
        return redirect(url_for("links.session_ended"), code=303)
    return render_template("links/start.html")


@bp.route("/verify", methods=["GET", "POST"])
@limiter.limit("20/minute", methods=["POST"])
def verify():
    link = access.pending_link()
    if link is None:
        return redirect(url_for("links.session_ended"), code=303)
    if access.is_verified(link):
        return redirect(url_for("debtor.overview"), code=303)
    debtor = link.account.debtor
    uses_dob = debtor.date_of_birth is not None
    if not uses_dob and not debtor.postal_code:
        return render_template("links/cannot_verify.html")
    if identity_check.account_locked(link.account):
        return render_template("links/account_locked.html"), 429
    if identity_check.link_paused_until(link):
        return _paused()

    form = DateOfBirthForm() if uses_dob else PostalCodeForm()
    if form.validate_on_submit():
        given = form.dob.data if uses_dob else form.postal_code.data
        outcome = identity_check.answer(link, lambda: _matches(given, debtor))
        if outcome.verdict is Verdict.RIGHT:
            access.bind_verified(link)
        db.session.commit()
        if outcome.verdict is Verdict.RIGHT:
            return redirect(url_for("debtor.overview"), code=303)
        if outcome.verdict is Verdict.ACCOUNT_LOCKED:
            return render_template("links/account_locked.html"), 429
        if outcome.verdict is Verdict.LINK_PAUSED:
            return _paused()
        form.add_error(form.dob if uses_dob else form.postal_code, _wrong_answer_message(uses_dob, outcome))
    errors = form.error_summary()
    # The answer is never sent back: the fields are rendered empty on every response.
    template = "links/verify_dob.html" if uses_dob else "links/verify_postal.html"
    return render_template(template, form=form, errors=errors), (400 if errors else 200)


def _paused():
    return render_template("links/locked.html", minutes=identity.LOCK_MINUTES), 429


def _matches(given, debtor) -> bool:
    if isinstance(given, date):
        return identity.date_of_birth_matches(given, debtor.date_of_birth)
    return identity.postal_code_matches(given, debtor.postal_code)


def _wrong_answer_message(uses_dob: bool, outcome: identity_check.Outcome) -> str:
    left = outcome.tries_left
    if outcome.account_limit_nearer:
        return ngettext(
            "The details you entered do not match our records. You can try %(num)d more time "
            "before we pause every link we sent you until you contact us.",
            "The details you entered do not match our records. You can try %(num)d more times "
            "before we pause every link we sent you until you contact us.",
            left,
        )
    if uses_dob:
        return ngettext(
            "The date of birth you entered does not match our records. Check it and try again. "
            "You can try %(num)d more time before we pause this link for %(minutes)s minutes.",
            "The date of birth you entered does not match our records. Check it and try again. "
            "You can try %(num)d more times before we pause this link for %(minutes)s minutes.",
            left,
            minutes=identity.LOCK_MINUTES,
        )
    return ngettext(
        "The postal code you entered does not match our records. Check it and try again. "
        "You can try %(num)d more time before we pause this link for %(minutes)s minutes.",
        "The postal code you entered does not match our records. Check it and try again. "
        "You can try %(num)d more times before we pause this link for %(minutes)s minutes.",
        left,
        minutes=identity.LOCK_MINUTES,
    )


@bp.get("/session-ended")
def session_ended():
    return render_template("links/session_ended.html")


@bp.post("/new-link")
@limiter.limit("5/minute;20/hour")
def ask_for_new_link():
    """Send a new link to the contact on file, if any and if the rules allow; one answer for all."""
    link = new_link.link_from(request.form.get("token"), session.get("link"))
    new_link.request_new_link(link, clock.now())
    db.session.commit()
    return redirect(url_for("links.new_link_asked"), code=303)


@bp.get("/new-link-asked")
def new_link_asked():
    return render_template("links/new_link_asked.html", minutes=new_link.NEW_LINK_MINUTES)


@bp.post("/sign-out")
def sign_out():
    access.sign_out()
    db.session.commit()
    return redirect(url_for("links.signed_out"), code=303)


@bp.get("/signed-out")
def signed_out():
    return render_template("links/signed_out.html")


def _is_local_path(target: str) -> bool:
    """Only plain paths on this site: an open redirect here would help phishing.

    Browsers drop tabs and line breaks from URLs, so "/\t/evil.example" means "//evil.example".
    """
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return False
    return target.startswith("/") and not target.startswith("//") and "\\" not in target


@bp.get("/language/<code>")
def change_language(code: str):
    """Remember the chosen language and go back to the page the person was on."""
    if code in current_app.config["SUPPORTED_LOCALES"]:
        session["lang"] = code
    target = request.args.get("next", "")
    if not _is_local_path(target):
        target = url_for("links.index")
    return redirect(target, code=303)
