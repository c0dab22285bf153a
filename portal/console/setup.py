"""First sign-in (or after reset-staff): the one-time set-up link leads to choosing a password,
adding the authenticator app, and seeing the recovery codes once."""

from __future__ import annotations

from flask import abort, current_app, render_template, session
from flask_babel import gettext as _
from sqlalchemy import select

from portal import clock
from portal.console import audit, credentials, staff_sessions
from portal.console.access import SESSION_KEY, SIGN_IN_RATE
from portal.console.auth_forms import NewPasswordForm, SetUpCodeForm
from portal.console.blueprint import bp
from portal.extensions import db, limiter
from portal.models import StaffUser


def _person_or_404(token: str) -> StaffUser:
    person = db.session.scalar(
        select(StaffUser).where(StaffUser.setup_token_hash == credentials.token_hash(token))
    )
    if person is None or not person.is_active or person.setup_expires_at <= clock.now():
        abort(404)
    return person


_PROBLEMS = {
    "short": lambda: _("Use at least %(count)d characters", count=credentials.MIN_PASSWORD_LENGTH),
    "guessable": lambda: _(
        "Choose a password that is harder to guess: it is too common or too simple. "
        "Three or four unrelated words together work well."
    ),
}


@bp.route("/set-up/<token>", methods=["GET", "POST"])
@limiter.limit(SIGN_IN_RATE, methods=["POST"])
def set_password(token: str):
    person = _person_or_404(token)
    form = NewPasswordForm()
    if form.validate_on_submit():
        problem = credentials.password_problem(form.password.data, person.email)
        if problem:
            form.add_error(form.password, _PROBLEMS[problem]())
        elif form.again.data != form.password.data:
            form.add_error(form.again, _("The two passwords are not the same. Type the new password again."))
        else:
            person.password_hash = credentials.hash_password(form.password.data)
            # A new key each time this step is passed, kept on the server until a code proves it.
            person.totp_secret = credentials.new_totp_secret()
            person.totp_last_step = None
            audit.record("password_set", staff=person)
            db.session.commit()
            return _second_factor_page(person, token, SetUpCodeForm(formdata=None))
    return render_template("console/set_password.html", form=form, errors=form.error_summary(), person=person)


def _second_factor_page(person: StaffUser, token: str, form: SetUpCodeForm):
    uri = credentials.totp_uri(person.totp_secret, person.email, current_app.config["COLLECTOR_NAME"])
    return render_template(
        "console/set_up_code.html",
        form=form,
        errors=form.error_summary(),
        person=person,
        token=token,
        qr=credentials.totp_qr_svg(uri),
        key=" ".join(person.totp_secret[i : i + 4] for i in range(0, len(person.totp_secret), 4)),
    )


@bp.route("/set-up/<token>/code", methods=["POST"])
@limiter.limit(SIGN_IN_RATE)
def set_up_code(token: str):
    person = _person_or_404(token)
    if not person.password_hash or not person.totp_secret:
        abort(404)
    form = SetUpCodeForm()
    if form.validate_on_submit():
        step = credentials.accepted_step(person.totp_secret, form.code.data, None, clock.now())
        if step is not None:
            codes = credentials.new_recovery_codes()
            person.recovery_hashes = [credentials.recovery_hash(code) for code in codes]
            person.totp_last_step = step
            person.setup_token_hash = None
            person.setup_expires_at = None
            person.last_sign_in_at = clock.now()
            audit.record("second_factor_set", staff=person)
            session.clear()
            session[SESSION_KEY] = staff_sessions.begin(person)
            audit.record("signed_in", staff=person)
            db.session.commit()
            # Shown once, in the answer to this post: the page is never stored (no-store) and
            # there is no address to come back to.
            return render_template("console/recovery_codes.html", codes=codes)
        form.add_error(form.code, _("That code is not right. Enter the code your app shows now."))
    return _second_factor_page(person, token, form)
