"""The debtor's session: which link it came from and whether identity was confirmed.

A verified session is bound to exactly one account and to a record on the server (links/sessions),
checked on every verified request; every debtor page goes through here.
"""

from __future__ import annotations

from functools import wraps

from flask import abort, g, redirect, session, url_for

from portal.extensions import db
from portal.links import service, sessions
from portal.models import Account, MagicLink


def _restart(reason: str) -> None:
    """End the server's record of the current session (if any) and empty the cookie's session."""
    sessions.end(session.get("sid"), reason)
    language = session.get("lang")
    session.clear()
    session.permanent = True
    if language:
        session["lang"] = language


def start_pending(link: MagicLink) -> None:
    """A fresh session that knows the link but has not yet confirmed identity; the caller commits."""
    _restart("replaced")
    session["link"] = link.public_id


def bind_verified(link: MagicLink) -> None:
    """Renew the session and bind it to the link's one account; the caller commits."""
    _restart("replaced")
    session["link"] = link.public_id
    session["account_id"] = link.account_id
    # A new id, so the cookie changes on sign-in and an earlier copy of it opens nothing.
    session["sid"] = sessions.begin(link)


def sign_out() -> None:
    """End the session on the server as well as in this browser; the caller commits."""
    _restart("signed_out")


def pending_link() -> MagicLink | None:
    """The session's link if it is still usable, else None. Sets the account's language."""
    sid = session.get("sid")
    # The session's record comes with the link, for is_verified to check without asking again.
    check = service.find(session.get("link"), sessions.token_hash(sid))
    if check.problem is not None:
        return None
    g.debtor_session_record = (sid, check.session_record)
    g.account_language = check.link.account.debtor.language
    g.account_country = check.link.account.creditor.country  # US or British English, dates, money
    return check.link


def is_verified(link: MagicLink, *, keep_alive: bool = False) -> bool:
    """True if this browser confirmed identity for the link's account and the server agrees.

    Notes the activity (at most once a minute, or now with *keep_alive*); a session found idle is
    ended on the server. Commits only those small writes.
    """
    if session.get("account_id") != link.account_id:
        return False
    sid = session.get("sid")
    read_for, known = g.get("debtor_session_record", (None, sessions.UNREAD))
    record = sessions.live(sid, link.account_id, known if read_for == sid else sessions.UNREAD)
    wrote = record is not None and sessions.touch(record, now_anyway=keep_alive)
    if record is None or wrote:
        db.session.commit()
    if record is None:
        session.pop("account_id", None)
        session.pop("sid", None)
        return False
    return True


def verified_required(view):
    """Let the view run only for a verified session whose link is still valid; sets g.account."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        link = pending_link()
        if link is None:
            if session.get("sid"):
                sessions.end(session["sid"], "link_ended")
                db.session.commit()
            session.pop("account_id", None)
            session.pop("sid", None)
            return redirect(url_for("links.session_ended"), code=303)
        account_id = session.get("account_id")
        if account_id is None:
            return redirect(url_for("links.verify"), code=303)
        if account_id != link.account_id:
            abort(403)
        if not is_verified(link):
            return redirect(url_for("links.session_ended"), code=303)
        g.account = db.session.get(Account, account_id)
        g.link = link
        return view(*args, **kwargs)

    return wrapper
