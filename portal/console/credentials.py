"""Staff credentials: argon2id password hashes, passwords people guess first refused, TOTP
second factor with recovery codes. Libraries do the cryptography; this module only decides."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

import pyotp
import segno
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from markupsafe import Markup
from zxcvbn import zxcvbn

MIN_PASSWORD_LENGTH = 12
#: zxcvbn's scale runs 0 to 4; below 3 is guessable by an offline attack on a stolen hash.
MIN_PASSWORD_SCORE = 3
RECOVERY_CODES = 10

_hasher = PasswordHasher()
#: Verified against when no such person exists, so a wrong e-mail costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(stored: str | None, password: str) -> bool:
    """True if *password* is the one *stored*; with nothing stored, spends the same time and says no."""
    try:
        return _hasher.verify(stored or _DUMMY_HASH, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    return _hasher.check_needs_rehash(stored)


def password_problem(password: str, email: str) -> str | None:
    """Why *password* may not be used ("short", "guessable"), or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return "short"
    if zxcvbn(password[:100], user_inputs=[email, *email.split("@")])["score"] < MIN_PASSWORD_SCORE:
        return "guessable"
    return None


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_uri(secret: str, email: str, issuer: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=issuer)


def totp_qr_svg(uri: str) -> Markup:
    """The key as a QR code, inline SVG; the page also shows the key as text for those who cannot scan."""
    svg = segno.make(uri, error="m").svg_inline(scale=4, omitsize=False, svgclass="qr-code")
    svg = svg.replace("<svg ", '<svg role="img" aria-label="QR code of your key" ', 1)
    return Markup(svg)  # noqa: S704 - segno writes the SVG; nothing in it comes from a person


def accepted_step(secret: str, code: str, last_step: int | None, now: datetime) -> int | None:
    """The time step *code* belongs to if it is right now (one step either side for clock drift)
    and newer than the last accepted; None otherwise, so a code works once."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    step = totp.timecode(now)
    for candidate in (step, step - 1, step + 1):
        if (last_step is None or candidate > last_step) and secrets.compare_digest(
            totp.generate_otp(candidate), code
        ):
            return candidate
    return None


def new_recovery_codes() -> list[str]:
    """Ten codes like "7KQ2M-9XW4T", each usable once in place of the second factor."""
    alphabet = "23456789ABCDEFGHJKMNPQRSTVWXYZ"  # no 0/O, 1/I/L, U: easy to read back from paper
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(alphabet) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes


def recovery_hash(code: str) -> str:
    cleaned = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(cleaned.encode("ascii", "ignore")).hexdigest()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
