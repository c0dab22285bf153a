"""One-click opt-out: a signed link in every email that stops that channel, with no sign-in.

The link carries only the person's id and the channel, signed so it cannot be altered. Opening it
(GET) changes nothing, because mail scanners open links; the button, or a mail client's RFC 8058
one-click POST, records the opt-out. Nothing else is touched: no session, no link, no account.
"""

from __future__ import annotations

from flask import Blueprint, current_app, g, render_template
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from portal import timeline
from portal.extensions import csrf, db
from portal.models import Debtor, OptOut
from portal.notify import rules

SALT = "portal.opt-out.v1"
#: Channels a person can stop with a link.
CHANNELS = frozenset({rules.EMAIL})

bp = Blueprint("optout", __name__)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def optout_url(debtor: Debtor, channel: str = rules.EMAIL) -> str:
    """The absolute link that stops *channel* for *debtor*; it does not expire."""
    if channel not in CHANNELS:
        raise ValueError(f"no opt-out link for channel {channel!r}")
    token = _serializer().dumps([debtor.id, channel])
    return f"{current_app.config['PORTAL_BASE_URL']}/stop/{token}"


def read_token(token: str) -> tuple[int, str] | None:
    """(debtor id, channel) from a genuine token, else None."""
    try:
        value = _serializer().loads(token)
    except BadSignature:
        return None
    if not (isinstance(value, list) and len(value) == 2):
        return None
    debtor_id, channel = value
    if not isinstance(debtor_id, int) or isinstance(debtor_id, bool) or channel not in CHANNELS:
        return None
    return debtor_id, channel


def record_opt_out(debtor: Debtor, channel: str, actor: str = "debtor", *, commit: bool = True) -> bool:
    """Stop *channel* for *debtor* and note it on each of their accounts; commits unless told not to.

    True when this call recorded it, False when it was already stopped (asking twice is fine).
    """
    if rules.opted_out(debtor, channel):
        return False
    try:
        # A savepoint, so that losing the race to another request leaves the caller's work intact.
        with db.session.begin_nested():
            db.session.add(OptOut(debtor_id=debtor.id, channel=channel))
            db.session.flush()
    except IntegrityError:
        return False  # two at once: the other one recorded it
    for account in debtor.accounts:
        timeline.record(account, "opted_out", actor=actor, channel=channel)
    if commit:
        db.session.commit()
    return True


def cancel_opt_out(debtor: Debtor, channel: str, actor: str = "debtor") -> bool:
    """Let *channel* be used again for *debtor* (they asked for it back); commits.

    True when an opt-out was taken away, False when there was none."""
    removed = db.session.execute(
        delete(OptOut).where(OptOut.debtor_id == debtor.id, OptOut.channel == channel)
    ).rowcount
    if removed:
        for account in debtor.accounts:
            timeline.record(account, "opted_in", actor=actor, channel=channel)
    db.session.commit()
    return bool(removed)


def _debtor_for(token: str) -> tuple[Debtor, str] | None:
    found = read_token(token)
    if found is None:
        return None
    debtor = db.session.get(Debtor, found[0])
    if debtor is None:
        return None
    # The page speaks the person's language unless they pick another with the switch.
    g.account_language = debtor.language
    g.account_country = country_of(debtor)
    return debtor, found[1]


def country_of(debtor: Debtor) -> str | None:
    """The country of a creditor the person owes (US or British English, dates), if any."""
    return next((account.creditor.country for account in debtor.accounts), None)


@bp.get("/stop/<token>")
def confirm(token: str):
    """Ask before stopping: opening a link must never be the thing that changes anything."""
    found = _debtor_for(token)
    if found is None:
        return render_template("optout/invalid.html"), 404
    debtor, channel = found
    if rules.opted_out(debtor, channel):
        return render_template("optout/stopped.html")
    return render_template("optout/confirm.html", token=token)


@bp.post("/stop/<token>")
@csrf.exempt  # RFC 8058: mail clients POST "List-Unsubscribe=One-Click" with no session or form token
def stop(token: str):
    """Record the opt-out. Answers 200 with the page itself: RFC 8058 rules out a redirect."""
    found = _debtor_for(token)
    if found is None:
        return render_template("optout/invalid.html"), 404
    record_opt_out(*found)
    return render_template("optout/stopped.html")
