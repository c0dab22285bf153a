"""Opening a magic link, the welcome page, the identity check, language and sign-out."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from portal.domain import identity
from portal.extensions import db, limiter
from portal.links import access, service
from portal.links.forms import DateOfBirthForm, PostalCodeForm

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
        return render_template("links/problem.html", problem=check.problem.value), status
    service.note_opened(check.link)
    db.session.commit()
    access.start_pending(check.link)
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
    if session.get("account_id") == link.account_id:
        return redirect(url_for("debtor.overview"), code=303)
    debtor = link.account.debtor
    uses_dob = debtor.date_of_birth is not None
    if not uses_dob and not debtor.postal_code:
        return render_template("links/cannot_verify.html")
    if service.locked_until(link):
        return render_template("links/locked.html"), 429

    form = DateOfBirthForm() if uses_dob else PostalCodeForm()
    field_id = "dob-day" if uses_dob else "postal_code"
    errors: list[tuple[str, str]] = []
    if request.method == "POST" and form.validate_on_submit():
        if uses_dob:
            given = form.parsed()
            if given is None:
                errors.append((field_id, str(form.date_error)))
            right = given is not None and identity.date_of_birth_matches(given, debtor.date_of_birth)
        else:
            given = (form.postal_code.data or "").strip()
            if not given:
                errors.append((field_id, _("Enter your postal code")))
            right = bool(given) and identity.postal_code_matches(given, debtor.postal_code)
        if not errors:
            if right:
                service.note_right_answer(link)
                db.session.commit()
                access.bind_verified(link)
                return redirect(url_for("debtor.overview"), code=303)
            locked = service.note_wrong_answer(link)
            db.session.commit()
            if locked:
                return render_template("links/locked.html"), 429
            left = identity.MAX_FAILURES - link.failed_attempts
            errors.append((field_id, _wrong_answer_message(uses_dob, left)))
    elif request.method == "POST":
        errors.append((field_id, _("Something went wrong with the form. Please try again.")))
    # The answer is never sent back: fields are rendered empty on every response.
    template = "links/verify_dob.html" if uses_dob else "links/verify_postal.html"
    return render_template(template, form=form, errors=errors), (400 if errors else 200)


def _wrong_answer_message(uses_dob: bool, left: int) -> str:
    if uses_dob:
        return ngettext(
            "The date of birth you entered does not match our records. Check it and try again. "
            "You can try %(num)d more time before we pause this link for 15 minutes.",
            "The date of birth you entered does not match our records. Check it and try again. "
            "You can try %(num)d more times before we pause this link for 15 minutes.",
            left,
        )
    return ngettext(
        "The postal code you entered does not match our records. Check it and try again. "
        "You can try %(num)d more time before we pause this link for 15 minutes.",
        "The postal code you entered does not match our records. Check it and try again. "
        "You can try %(num)d more times before we pause this link for 15 minutes.",
        left,
    )


@bp.get("/session-ended")
def session_ended():
    return render_template("links/session_ended.html")


@bp.post("/sign-out")
def sign_out():
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
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
