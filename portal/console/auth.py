"""Signing in to the console: email and password, then a code from an authenticator app (or a
recovery code); signing out here or everywhere. Every attempt lands in the staff audit log."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from portal import clock
from portal.console import audit, credentials, staff_sessions
from portal.console.access import SESSION_KEY, SIGN_IN_RATE, signed_in, staff
from portal.console.auth_forms import CodeForm, SignInForm
from portal.console.blueprint import bp
from portal.extensions import db, limiter
from portal.models import StaffSession, StaffUser

#: Between the password and the code: how long, and how many wrong codes, before starting again.
PENDING_MINUTES = 5
PENDING_TRIES = 5


def find_by_email(email: str) -> StaffUser | None:
    return db.session.scalar(select(StaffUser).where(func.lower(StaffUser.email) == email.strip().lower()))


def _safe_next(target: str | None) -> str:
    # Only back into the console, never to another site ("//evil" or a full URL).
    if target and target.startswith("/console") and not target.startswith("//"):
        return target
    return url_for("console.today")


def _not_right() -> str:
    return _(
        "The email address or password is not right. After %(count)d wrong tries in a row, signing in "
        "stops for %(minutes)d minutes.",
        count=current_app.config["STAFF_LOCK_AFTER"],
        minutes=current_app.config["STAFF_LOCK_MINUTES"],
    )


def _failed(person: StaffUser | None, email: str, kind: str) -> None:
    """Count a wrong answer; enough in a row lock the person out for a while (a lock running
    already is not made longer, so a stranger cannot keep someone out for ever)."""
    audit.record(kind, staff=person, email=email)
    if person is None or _locked(person):
        return
    person.failed_sign_ins += 1
    if person.failed_sign_ins >= current_app.config["STAFF_LOCK_AFTER"]:
        person.locked_until = clock.now() + timedelta(minutes=current_app.config["STAFF_LOCK_MINUTES"])
        person.failed_sign_ins = 0
        audit.record("locked", staff=person)


def _locked(person: StaffUser | None) -> bool:
    return person is not None and person.locked_until is not None and person.locked_until > clock.now()


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(SIGN_IN_RATE, methods=["POST"])
def sign_in():
    form = SignInForm()
    if form.validate_on_submit():
        email = form.email.data.lower()
        person = find_by_email(email)
        usable = person is not None and person.is_active and person.ready and not _locked(person)
        # The hash is checked whatever happens, so every refusal takes as long as a wrong password.
        matches = credentials.password_matches(person.password_hash if usable else None, form.password.data)
        if usable and matches:
            if credentials.needs_rehash(person.password_hash):
                person.password_hash = credentials.hash_password(form.password.data)
            session.clear()
            session["pending_staff"] = person.id
            session["pending_at"] = clock.now().timestamp()
            session["pending_tries"] = 0
            session["next"] = _safe_next(request.args.get("next"))
            audit.record("password_accepted", staff=person)
            db.session.commit()
            return redirect(url_for("console.second_factor"))
        kind = "sign_in_locked" if _locked(person) else "sign_in_failed"
        _failed(person, email, kind)
        db.session.commit()
        form.add_error(form.email, _not_right())
    return render_template("console/sign_in.html", form=form, errors=form.error_summary())


def _pending() -> StaffUser | None:
    person_id, since = session.get("pending_staff"), session.get("pending_at", 0)
    if person_id is None or clock.now().timestamp() - since > PENDING_MINUTES * 60:
        return None
    person = db.session.get(StaffUser, person_id)
    return (
        person if person is not None and person.is_active and person.ready and not _locked(person) else None
    )


def _use_recovery_code(person: StaffUser, code: str) -> bool:
    wanted = credentials.recovery_hash(code)
    if wanted not in (person.recovery_hashes or []):
        return False
    person.recovery_hashes = [kept for kept in person.recovery_hashes if kept != wanted]
    audit.record("recovery_code_used", staff=person, left=len(person.recovery_hashes))
    return True


@bp.route("/sign-in/code", methods=["GET", "POST"])
@limiter.limit(SIGN_IN_RATE, methods=["POST"])
def second_factor():
    person = _pending()
    if person is None:
        session.clear()
        flash(_("Signing in took too long. Start again with your email address and password."))
        return redirect(url_for("console.sign_in"))
    form = CodeForm()
    if form.validate_on_submit():
        step = credentials.accepted_step(
            person.totp_secret, form.code.data, person.totp_last_step, clock.now()
        )
        if step is not None or _use_recovery_code(person, form.code.data):
            if step is not None:
                person.totp_last_step = step
            return _signed_in(person)
        session["pending_tries"] = session.get("pending_tries", 0) + 1
        _failed(person, person.email, "code_failed")
        db.session.commit()
        if session["pending_tries"] >= PENDING_TRIES or _locked(person):
            session.clear()
            flash(
                _("That code was not right too many times. Start again with your email address and password.")
            )
            return redirect(url_for("console.sign_in"))
        form.add_error(form.code, _("That code is not right. Enter the code your app shows now."))
    return render_template("console/second_factor.html", form=form, errors=form.error_summary())


def _signed_in(person: StaffUser):
    target = session.get("next") or url_for("console.today")
    person.failed_sign_ins = 0
    person.locked_until = None
    person.last_sign_in_at = clock.now()
    session.clear()
    session[SESSION_KEY] = staff_sessions.begin(person)
    audit.record("signed_in", staff=person)
    db.session.commit()
    if len(person.recovery_hashes or []) <= 2:
        flash(_("You have few recovery codes left. Ask an admin to reset your sign-in to get new ones."))
    return redirect(target)


@bp.route("/sign-out", methods=["POST"])
def sign_out():
    token = session.get(SESSION_KEY)
    record = staff_sessions.live(token)
    if record is not None:
        audit.record("signed_out", staff=record.staff)
    staff_sessions.end(token)
    db.session.commit()
    session.clear()
    flash(_("You have signed out."))
    return redirect(url_for("console.sign_in"))


@bp.route("/sign-out-everywhere", methods=["POST"])
@signed_in
def sign_out_everywhere():
    person = staff()
    ended = staff_sessions.end_all(person.id, "everywhere")
    audit.record("signed_out_everywhere", staff=person, sessions=ended)
    db.session.commit()
    session.clear()
    flash(_("You have signed out on every device and browser."))
    return redirect(url_for("console.sign_in"))


@bp.route("/me")
@signed_in
def my_account():
    person = staff()
    sessions = db.session.scalar(
        select(func.count())
        .select_from(StaffSession)
        .where(StaffSession.staff_id == person.id, StaffSession.ended_at.is_(None))
    )
    return render_template("console/my_account.html", sessions=sessions)
