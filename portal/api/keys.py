"""API keys: made once and shown once, stored as a hash, found by their public prefix."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from sqlalchemy import select

from portal.extensions import db
from portal.models import Creditor
from portal.models.api import ApiKey
from portal.models.types import utcnow

#: What a key may do. A key made without --scope may do everything its creditor's data allows.
SCOPES = (
    "accounts:read",
    "accounts:write",
    "links:write",
    "requests:read",
    "requests:write",
    "policies:read",
    "policies:write",
    "webhooks:manage",
)
_PREFIX = "dpk_"


class ApiKeyError(ValueError):
    """A key that cannot be made or found, with the reason."""


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create(creditor: Creditor, name: str, scopes: list[str] | None = None) -> tuple[ApiKey, str]:
    """A new key for *creditor*; the token is returned here and never again."""
    unknown = sorted(set(scopes or ()) - set(SCOPES))
    if unknown:
        raise ApiKeyError(f"unknown scope {', '.join(unknown)}; use: {', '.join(SCOPES)}")
    prefix = secrets.token_hex(6)
    token = f"{_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    key = ApiKey(
        creditor=creditor,
        name=name,
        prefix=prefix,
        key_hash=_digest(token),
        scopes=sorted(scopes) if scopes else list(SCOPES),
    )
    db.session.add(key)
    db.session.flush()
    return key, token


def find(token: str) -> ApiKey | None:
    """The live key this token is, or None (unknown, malformed or revoked)."""
    if not token.startswith(_PREFIX) or token.count("_") < 2:
        return None
    prefix = token[len(_PREFIX) :].split("_", 1)[0]
    key = db.session.scalar(select(ApiKey).where(ApiKey.prefix == prefix))
    if key is None or key.revoked_at is not None:
        return None
    if not hmac.compare_digest(key.key_hash, _digest(token)):
        return None
    return key


def revoke(prefix: str) -> ApiKey:
    """Revoke the key with this prefix; later requests with it answer 401."""
    key = db.session.scalar(select(ApiKey).where(ApiKey.prefix == prefix))
    if key is None:
        raise ApiKeyError(f"no API key with prefix {prefix!r}")
    if key.revoked_at is None:
        key.revoked_at = utcnow()
    return key
