"""Help that every page links to: how paying online works, a call back, and staying signed in."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, session, url_for

from portal.links import access

bp = Blueprint("guidance", __name__)


@bp.get("/help/paying-online")
def paying_online():
    return render_template("guidance/paying_online.html")


@bp.get("/help/call-back")
def call_back():
    """Signed in: the call-back form. Not signed in: how to reach a person, and how to sign in."""
    link = access.pending_link()
    if link is not None and access.is_verified(link):
        return redirect(url_for("cant_pay.hardship"), code=303)
    return render_template("guidance/call_back.html")


@bp.post("/session/keep-alive")
def keep_alive():
    """Restart the session's clock (the warning's "Stay signed in"); CSRF-checked like any form."""
    link = access.pending_link()
    if link is None or not access.is_verified(link, keep_alive=True):
        return {"signed_in": False}, 401
    session.modified = True  # a fresh cookie with a fresh expiry; is_verified restarted the server's clock
    return {"signed_in": True}
