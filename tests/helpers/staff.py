"""Staff users and signed-in console clients, made through the real set-up and sign-in pages'
rules (argon2 hashes, TOTP codes from the person's key)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pyotp
import pytest

from portal.console import credentials, staff_admin
from portal.extensions import db
from portal.models import StaffRole

PASSWORD = "violet-harbour-tuesday-42"


def code_for(person, offset_steps: int = 0) -> str:
    """The code the person's authenticator app shows now (or *offset_steps* steps away)."""
    totp = pyotp.TOTP(person.totp_secret)
    return totp.generate_otp(totp.timecode(datetime.now(UTC)) + offset_steps)


def unused_code(person) -> str:
    """A code the console will still accept: a code works once, so a second sign-in within the same
    30 seconds uses the next step's code (the console allows one step of clock drift)."""
    db.session.refresh(person)
    totp = pyotp.TOTP(person.totp_secret)
    step = totp.timecode(datetime.now(UTC))
    if person.totp_last_step is not None and person.totp_last_step >= step:
        step = person.totp_last_step + 1
    return totp.generate_otp(step)


@pytest.fixture
def make_staff(app):
    """A set-up staff user: a password, a second factor and recovery codes (returned as .codes)."""

    def make(email="agent@example.com", role="agent", creditors=(), password=PASSWORD):
        found = staff_admin.creditors_named(list(creditors))
        person, _token = staff_admin.create(email, StaffRole(role), found)
        person.password_hash = credentials.hash_password(password)
        person.totp_secret = credentials.new_totp_secret()
        codes = credentials.new_recovery_codes()
        person.recovery_hashes = [credentials.recovery_hash(c) for c in codes]
        person.setup_token_hash = None
        person.setup_expires_at = None
        db.session.commit()
        person.codes = codes
        return person

    return make


@pytest.fixture
def console_sign_in(app):
    """A new test client signed in to the console as *person*, through the sign-in pages."""

    def sign_in(person, password=PASSWORD):
        client = app.test_client()
        first = client.post("/console/sign-in", data={"email": person.email, "password": password})
        assert first.status_code == 302 and first.headers["Location"].endswith("/console/sign-in/code"), (
            first.text
        )
        second = client.post("/console/sign-in/code", data={"code": unused_code(person)})
        assert second.status_code == 302, second.text
        return client

    return sign_in


def setup_token_from(output: str) -> str:
    (token,) = re.findall(r"/console/set-up/(\S+)", output)
    return token
