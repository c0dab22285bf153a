"""Staff sign in safely: set-up link, password rules, TOTP, recovery codes, the lock, the same
answer for a wrong address and a wrong password, time-outs, and signing out everywhere."""

from __future__ import annotations

import re
from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import StaffAudit, StaffSession, StaffUser
from portal.models.events import AppendOnlyError
from portal.models.types import utcnow
from tests.helpers.staff import PASSWORD, code_for, setup_token_from


def _audit_kinds(email=None):
    query = select(StaffAudit.kind).order_by(StaffAudit.id)
    if email:
        query = query.where(StaffAudit.email == email)
    return list(db.session.scalars(query))


def test_first_sign_in_sets_a_password_and_a_second_factor_and_shows_recovery_codes_once(app, runner):
    created = runner.invoke(args=["create-staff", "Ana@Example.com", "--role", "agent"])
    assert created.exit_code == 0, created.output
    assert "ana@example.com (agent, every creditor)" in created.output
    token = setup_token_from(created.output)
    client = app.test_client()

    assert client.get(f"/console/set-up/{token}").status_code == 200
    short = client.post(f"/console/set-up/{token}", data={"password": "short pass", "again": "short pass"})
    assert "Use at least 12 characters" in short.text and "Error:" in short.text
    common = client.post(
        f"/console/set-up/{token}", data={"password": "password1234", "again": "password1234"}
    )
    assert "too common or too simple" in common.text
    differ = client.post(f"/console/set-up/{token}", data={"password": PASSWORD, "again": PASSWORD + "x"})
    assert "The two passwords are not the same" in differ.text

    step_two = client.post(f"/console/set-up/{token}", data={"password": PASSWORD, "again": PASSWORD})
    assert "Add the console to your authenticator app" in step_two.text
    assert "<svg" in step_two.text  # the QR code
    key = re.search(r'<code class="secret-key" id="key">([A-Z2-7 ]+)</code>', step_two.text).group(1)
    person = db.session.scalar(select(StaffUser))
    assert person.totp_secret == key.replace(" ", "")
    assert not person.ready  # not until a code proves the app has the key

    wrong = client.post(f"/console/set-up/{token}/code", data={"code": "000000"})
    assert "That code is not right" in wrong.text
    done = client.post(f"/console/set-up/{token}/code", data={"code": pyotp.TOTP(key.replace(" ", "")).now()})
    codes = re.findall(r"<li><code>([2-9A-Z]{5}-[2-9A-Z]{5})</code></li>", done.text)
    assert len(codes) == 10 and len(set(codes)) == 10
    db.session.refresh(person)
    assert person.ready and len(person.recovery_hashes) == 10
    assert client.get("/console/").status_code == 200  # signed in at the end of set-up
    # The link worked once.
    assert app.test_client().get(f"/console/set-up/{token}").status_code == 404
    assert _audit_kinds("ana@example.com") == ["created", "password_set", "second_factor_set", "signed_in"]


def test_a_wrong_address_and_a_wrong_password_get_the_same_answer(app, make_staff):
    person = make_staff()
    client = app.test_client()
    no_one = client.post("/console/sign-in", data={"email": "nobody@example.com", "password": PASSWORD})
    wrong = client.post("/console/sign-in", data={"email": person.email, "password": "not-the-password-1"})
    assert no_one.status_code == wrong.status_code == 200

    def message(page):
        return re.search(r'<p class="error-message"[^>]*>(.*?)</p>', page.text, re.S).group(1)

    assert message(no_one) == message(wrong)
    assert "The email address or password is not right" in message(wrong)
    failures = db.session.execute(select(StaffAudit.kind, StaffAudit.email, StaffAudit.staff_id)).all()
    assert ("sign_in_failed", "nobody@example.com", None) in failures
    assert ("sign_in_failed", person.email, person.id) in failures


def test_five_wrong_tries_lock_signing_in_for_a_while(app, make_staff, console_sign_in):
    person = make_staff()
    client = app.test_client()
    for _ in range(5):
        client.post("/console/sign-in", data={"email": person.email, "password": "wrong-password-xyz"})
    db.session.refresh(person)
    assert person.locked_until is not None and person.locked_until > utcnow() + timedelta(minutes=14)
    locked = client.post("/console/sign-in", data={"email": person.email, "password": PASSWORD})
    assert locked.status_code == 200 and "The email address or password is not right" in locked.text
    assert "locked" in _audit_kinds(person.email) and "sign_in_locked" in _audit_kinds(person.email)

    person.locked_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert console_sign_in(person).get("/console/").status_code == 200


def test_a_code_works_once_and_a_recovery_code_works_once(app, make_staff):
    person = make_staff()

    def password_step(client):
        answer = client.post("/console/sign-in", data={"email": person.email, "password": PASSWORD})
        assert answer.status_code == 302

    first, second = app.test_client(), app.test_client()
    password_step(first)
    password_step(second)
    code = code_for(person)
    assert first.post("/console/sign-in/code", data={"code": code}).status_code == 302
    replay = second.post("/console/sign-in/code", data={"code": code})
    assert replay.status_code == 200 and "That code is not right" in replay.text

    recovery = person.codes[0]
    assert second.post("/console/sign-in/code", data={"code": recovery.lower()}).status_code == 302
    third = app.test_client()
    password_step(third)
    again = third.post("/console/sign-in/code", data={"code": recovery})
    assert again.status_code == 200
    db.session.refresh(person)
    assert len(person.recovery_hashes) == 9


def test_the_code_step_needs_the_password_step_first(app, make_staff):
    person = make_staff()
    answer = app.test_client().post("/console/sign-in/code", data={"code": code_for(person)})
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/console/sign-in")


@pytest.mark.parametrize(
    ("field", "ago", "reason"),
    [("last_seen_at", timedelta(minutes=16), "idle"), ("created_at", timedelta(hours=11), "too_long")],
)
def test_an_idle_or_too_long_session_ends(app, make_staff, console_sign_in, field, ago, reason):
    person = make_staff()
    client = console_sign_in(person)
    record = db.session.scalar(select(StaffSession))
    setattr(record, field, utcnow() - ago)
    db.session.commit()
    answer = client.get("/console/")
    assert answer.status_code == 302 and "/console/sign-in" in answer.headers["Location"]
    db.session.refresh(record)
    assert record.end_reason == reason


def test_signing_out_everywhere_ends_every_session(app, make_staff, console_sign_in):
    person = make_staff()
    laptop, phone = console_sign_in(person), console_sign_in(person)
    assert phone.post("/console/sign-out-everywhere").status_code == 302
    assert laptop.get("/console/").status_code == 302
    assert phone.get("/console/").status_code == 302
    assert "signed_out_everywhere" in _audit_kinds(person.email)


def test_signing_out_ends_this_session_and_a_copy_of_its_cookie(app, make_staff, console_sign_in):
    person = make_staff()
    client = console_sign_in(person)
    cookie = client.get_cookie("portal_staff", path="/console")
    copy = app.test_client()
    copy.set_cookie("portal_staff", cookie.value, path="/console")
    assert copy.get("/console/").status_code == 200
    client.post("/console/sign-out")
    assert copy.get("/console/").status_code == 302


def test_disabling_and_resetting_end_sessions_at_once(app, make_staff, console_sign_in, runner):
    person = make_staff()
    client = console_sign_in(person)
    assert runner.invoke(args=["disable-staff", person.email]).exit_code == 0
    assert client.get("/console/").status_code == 302
    refused = app.test_client().post("/console/sign-in", data={"email": person.email, "password": PASSWORD})
    assert refused.status_code == 200

    reset = runner.invoke(args=["reset-staff", person.email])
    assert reset.exit_code == 0 and "/console/set-up/" in reset.output
    db.session.refresh(person)
    assert person.password_hash is None and person.totp_secret is None and person.is_active
    still_refused = app.test_client().post(
        "/console/sign-in", data={"email": person.email, "password": PASSWORD}
    )
    assert still_refused.status_code == 200


def test_the_audit_log_is_append_only(app, make_staff):
    make_staff()
    entry = db.session.scalar(select(StaffAudit))
    entry.kind = "something_else"
    with pytest.raises(AppendOnlyError):
        db.session.commit()
    db.session.rollback()


def test_sign_in_posts_from_one_address_are_throttled(database_url, localstripe, mail_server):
    from portal import create_app
    from portal.console.access import SIGN_IN_RATE
    from tests.helpers.settings import app_config

    allowed = int(SIGN_IN_RATE.split()[0])
    app = create_app(
        {
            **app_config(database_url, localstripe, mail_server),
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )
    with app.app_context():
        client = app.test_client()
        answers = [
            client.post(
                "/console/sign-in", data={"email": f"x{n}@example.com", "password": "wrong-password-1"}
            ).status_code
            for n in range(allowed + 1)
        ]
        assert answers == [200] * allowed + [429]
        db.session.remove()
        db.engine.dispose()
