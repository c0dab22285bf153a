"""Issue, read and revoke magic links. The token is signed and carries only an opaque id."""

from __future__ import annotations

import base64
import enum
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal import timeline
from portal.extensions import db
from portal.models import Account, DebtorSession, MagicLink
from portal.models.types import utcnow
from portal.notify import rules

SALT = "portal.magic-link.v1"


class LinkProblem(enum.StrEnum):
    INVALID = "invalid"
    EXPIRED = "expired"
    REVOKED = "revoked"


class AccountOnHold(Exception):
    """No new link for an account on hold: while a dispute is open nobody chases the debt."""

    def __init__(self, account: Account):
        super().__init__(f"account {account.id} is on hold while a dispute is reviewed")
        self.account = account


@dataclass
class LinkCheck:
    link: MagicLink | None
    problem: LinkProblem | None
    #: The debtor session record asked for with the link (find's *session_hash*), if it exists.
    session_record: DebtorSession | None = None


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


#: The compact token: the link's id and a 96-bit HMAC-SHA256 tag, short enough that a link
#: leaves room for words in a two-part text message in any language.
_COMPACT = re.compile(r"([A-Za-z0-9_-]{32})\.([A-Za-z0-9_-]{16})")


def _tag(public_id: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"{SALT}.{public_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:12]).decode()


def token_for(link: MagicLink) -> str:
    """The link's token: its opaque id, signed with the portal's secret."""
    return f"{link.public_id}.{_tag(link.public_id)}"


def url_for_link(link: MagicLink) -> str:
    return f"{current_app.config['PORTAL_BASE_URL']}/l/{token_for(link)}"


def issue(account: Account, days: int | None = None, actor: str = "collector") -> MagicLink:
    """Create a link for the account, valid for *days*; the caller commits.

    Raises AccountOnHold while a dispute is open: a link is an invitation to pay, so the same
    contact rule every sender asks decides it. Older links stay valid (reminders carry links, and
    an earlier email should keep working); wrong identity answers are counted per account across
    all its links, so a new link is no way around the limit (see identity_check).
    """
    if rules.contact_allowed(account)[1] == rules.ON_HOLD:
        raise AccountOnHold(account)
    days = days if days is not None else current_app.config["LINK_DAYS"]
    if days < 1:
        raise ValueError("a link must be valid for at least one day")
    link = MagicLink(
        public_id=new_public_id(),
        account=account,
        expires_at=utcnow() + timedelta(days=days),
    )
    db.session.add(link)
    db.session.flush()
    timeline.record(
        account, "link_issued", actor=actor, link_id=link.id, expires_at=link.expires_at.isoformat()
    )
    return link


def new_public_id() -> str:
    """A link's opaque random id: 24 random bytes, URL-safe."""
    return secrets.token_urlsafe(24)


def find(public_id: str | None, session_hash: str | None = None) -> LinkCheck:
    """Look up a link by its opaque id and say whether it may be used now; with *session_hash*,
    the debtor session record of that hash comes in the same statement."""
    if not public_id:
        return LinkCheck(None, LinkProblem.INVALID)
    # Every page behind a link reads its account, the person (language), the creditor (country)
    # and the payments (the balance): one statement for them all, not one each. An account has
    # a handful of payments at most, so the rows this repeats are few.
    # The session record is not the link's: it is joined on its own key, and comes as None when
    # there is none.
    account = joinedload(MagicLink.account)
    query = (
        select(MagicLink, DebtorSession)
        .select_from(MagicLink)
        .outerjoin(DebtorSession, DebtorSession.token_hash == (session_hash or ""))
        .where(MagicLink.public_id == public_id)
        .options(
            account.joinedload(Account.debtor),
            account.joinedload(Account.creditor),
            account.joinedload(Account.payments),
        )
    )
    link, record = db.session.execute(query).unique().one_or_none() or (None, None)
    if link is None:
        return LinkCheck(None, LinkProblem.INVALID)
    if link.revoked_at is not None:
        return LinkCheck(link, LinkProblem.REVOKED, record)
    if link.expires_at <= utcnow():
        return LinkCheck(link, LinkProblem.EXPIRED, record)
    return LinkCheck(link, None, record)


def check_token(token: str) -> LinkCheck:
    """Verify the signature, then the server-side record. Tokens of the first, longer form
    (links already sent before the compact one) are still read."""
    compact = _COMPACT.fullmatch(token)
    if compact:
        public_id, tag = compact.groups()
        if not hmac.compare_digest(tag, _tag(public_id)):
            return LinkCheck(None, LinkProblem.INVALID)
        return find(public_id)
    try:
        public_id = _serializer().loads(token)
    except BadSignature:
        return LinkCheck(None, LinkProblem.INVALID)
    if not isinstance(public_id, str):
        return LinkCheck(None, LinkProblem.INVALID)
    return find(public_id)


def revoke(link: MagicLink, actor: str = "collector") -> None:
    if link.revoked_at is None:
        link.revoked_at = utcnow()
        timeline.record(link.account_id, "link_revoked", actor=actor, link_id=link.id)


def note_opened(link: MagicLink) -> None:
    """Opening changes nothing but this note: mail scanners open links too."""
    timeline.record(link.account_id, "link_opened", actor="debtor", link_id=link.id)
