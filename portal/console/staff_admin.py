"""Creating, resetting, disabling and changing staff: one set of rules for the commands and the
Staff page. The caller commits."""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select

from portal import clock
from portal.console import audit, credentials, staff_sessions
from portal.extensions import db
from portal.models import Creditor, StaffRole, StaffUser

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class StaffError(ValueError):
    """A change that cannot be made, with the reason in words for the collector."""


def setup_url(token: str) -> str:
    return f"{current_app.config['PORTAL_BASE_URL']}/console/set-up/{token}"


def _new_setup(person: StaffUser) -> str:
    token = secrets.token_urlsafe(32)
    person.setup_token_hash = credentials.token_hash(token)
    person.setup_expires_at = clock.now() + timedelta(days=current_app.config["STAFF_SETUP_DAYS"])
    return token


def find(email: str) -> StaffUser | None:
    return db.session.scalar(select(StaffUser).where(func.lower(StaffUser.email) == email.strip().lower()))


def creditors_named(slugs: list[str]) -> list[Creditor]:
    found = list(db.session.scalars(select(Creditor).where(Creditor.slug.in_(slugs))))
    missing = sorted(set(slugs) - {creditor.slug for creditor in found})
    if missing:
        raise StaffError(f"No creditor {', '.join(missing)}")
    return found


def create(
    email: str, role: StaffRole, creditors: list[Creditor], by: StaffUser | None = None
) -> tuple[StaffUser, str]:
    """A new staff user and the set-up token for their first sign-in."""
    email = email.strip().lower()
    if not EMAIL.match(email):
        raise StaffError("Enter an email address like name@example.com")
    if find(email) is not None:
        raise StaffError(f"{email} is already a staff user")
    person = StaffUser(email=email, role=role, creditors=creditors, recovery_hashes=[])
    db.session.add(person)
    token = _new_setup(person)
    db.session.flush()
    audit.record("created", staff=person, by=by, role=role.value, creditors=[c.slug for c in creditors])
    return person, token


def reset(person: StaffUser, by: StaffUser | None = None) -> str:
    """Forget the password and second factor, sign out everywhere, enable again; returns a set-up token."""
    person.password_hash = None
    person.totp_secret = None
    person.totp_last_step = None
    person.recovery_hashes = []
    person.failed_sign_ins = 0
    person.locked_until = None
    person.disabled_at = None
    staff_sessions.end_all(person.id, "reset")
    token = _new_setup(person)
    audit.record("reset", staff=person, by=by)
    return token


def disable(person: StaffUser, by: StaffUser | None = None) -> None:
    if by is not None and by.id == person.id:
        raise StaffError("You cannot disable yourself; ask another admin")
    person.disabled_at = clock.now()
    person.setup_token_hash = None
    staff_sessions.end_all(person.id, "disabled")
    audit.record("disabled", staff=person, by=by)


def change(
    person: StaffUser, role: StaffRole, creditors: list[Creditor], by: StaffUser | None = None
) -> None:
    if by is not None and by.id == person.id and role is not person.role:
        raise StaffError("You cannot change your own role; ask another admin")
    before = (person.role.value, sorted(c.slug for c in person.creditors))
    person.role = role
    person.creditors = creditors
    after = (role.value, sorted(c.slug for c in creditors))
    if before != after:
        # Less may be allowed now: any session opened under the old rights ends.
        staff_sessions.end_all(person.id, "changed")
        audit.record("changed", staff=person, by=by, role=role.value, creditors=after[1])
