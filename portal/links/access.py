"""The debtor's session: which link it came from and whether identity was confirmed.

A verified session is bound to exactly one account; every debtor page goes through here.
"""

from __future__ import annotations

import secrets
from functools import wraps

from flask import abort, g, redirect, session, url_for

from portal.extensions import db
from portal.links import service
from portal.models import Account, MagicLink


def start_pending(link: MagicLink) -> None:
    """A fresh session that knows the link but has not yet confirmed identity."""
    language = session.get("lang")
    session.clear()
    session.permanent = True
    session["link"] = link.public_id
    if language:
        session["lang"] = language


def bind_verified(link: MagicLink) -> None:
    """Renew the session and bind it to the link's one account."""
    language = session.get("lang")
    session.clear()
    session.permanent = True
    session["link"] = link.public_id
    session["account_id"] = link.account_id
    session["sid"] = secrets.token_urlsafe(16)  # a new value, so the cookie changes on login
    if language:
        session["lang"] = language


def pending_link() -> MagicLink | None:
    """The session's link if it is still usable, else None. Sets the account's language."""
    check = service.find(session.get("link"))
    if check.problem is not None:
        return None
    g.account_language = check.link.account.debtor.language
    return check.link


def verified_required(view):
    """Let the view run only for a verified session whose link is still valid; sets g.account."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        link = pending_link()
        if link is None:
            session.pop("account_id", None)
            return redirect(url_for("links.session_ended"), code=303)
        account_id = session.get("account_id")
        if account_id is None:
            return redirect(url_for("links.verify"), code=303)
        if account_id != link.account_id:
            abort(403)
        g.account = db.session.get(Account, account_id)
        g.link = link
        return view(*args, **kwargs)

    return wrapper
