"""An account's links: what became of each, issue a new one to read out or copy, revoke one or all.
Sending a link by email or text is on the account page (`console.send_link`)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal import clock
from portal.console import acting
from portal.console.access import account_or_404, of_account_or_404, signed_in
from portal.console.account_view import LinkRow
from portal.console.blueprint import ACCOUNT_ACTIONS, bp
from portal.extensions import db
from portal.forms.checks import CsrfOnly
from portal.i18n import long_date
from portal.links import identity_check
from portal.links import service as links
from portal.models import Account, Event, MagicLink, StaffRole

ACCOUNT_ACTIONS.append(("console.links_page", _l("Links: issue one to read out, or revoke"), StaffRole.AGENT))

#: Where the page's error summary sends the reader when a new link is refused.
ISSUE_ANCHOR = "issue"


def link_rows(account: Account) -> list[LinkRow]:
    """The account's links, newest first, with whether each was opened and identity confirmed on it."""
    issued = db.session.scalars(
        select(MagicLink).where(MagicLink.account_id == account.id).order_by(MagicLink.created_at.desc())
    ).all()
    seen = db.session.execute(
        select(Event.kind, Event.data).where(
            Event.account_id == account.id, Event.kind.in_(("link_opened", "identity_confirmed"))
        )
    ).all()
    opened = {data.get("link_id") for kind, data in seen if kind == "link_opened"}
    verified = {data.get("link_id") for kind, data in seen if kind == "identity_confirmed"}
    return [LinkRow(link, link.id in opened, link.id in verified) for link in issued]


def _page(account: Account, *, errors=(), new_url: str | None = None, new_link=None, status: int = 200):
    page = render_template(
        "console/links.html",
        account=account,
        rows=link_rows(account),
        errors=list(errors),
        new_url=new_url,
        new_link=new_link,
        issue_anchor=ISSUE_ANCHOR,
        is_live=is_live,
    )
    return page, status


@bp.route("/accounts/<int:account_id>/links")
@signed_in
def links_page(account_id: int):
    return _page(account_or_404(account_id))


def _checked() -> None:
    if not CsrfOnly().validate_on_submit():
        abort(400)


@bp.route("/accounts/<int:account_id>/links/issue", methods=["POST"])
@signed_in
def issue_link(account_id: int):
    account = account_or_404(account_id)
    _checked()
    if account.is_closed:
        refusal = _("No link was issued: the account is %(status)s.", status=account.status.value)
        return _page(account, errors=[(ISSUE_ANCHOR, refusal)], status=409)
    try:
        link = links.issue(account, actor=acting.actor())
    except links.AccountOnHold:
        db.session.rollback()
        refusal = _("No link was issued: the account is on hold while a dispute is reviewed.")
        return _page(account, errors=[(ISSUE_ANCHOR, refusal)], status=409)
    # A person issuing a link is how an account locked by wrong identity answers is opened again.
    revoked = identity_check.unlock(account, link, actor=acting.actor())
    db.session.commit()
    if revoked:
        flash(
            _(
                "The account was locked after too many wrong identity answers. This link unlocks it; "
                "%(count)d older link(s) were revoked.",
                count=revoked,
            )
        )
    # Shown once, in the answer to this post: the page is never stored and the link is not kept
    # anywhere the console could show it again.
    return _page(account, new_url=links.url_for_link(link), new_link=link)


@bp.route("/accounts/<int:account_id>/links/<int:link_id>/revoke", methods=["POST"])
@signed_in
def revoke_link(account_id: int, link_id: int):
    account = account_or_404(account_id)
    _checked()
    link = of_account_or_404(MagicLink, link_id, account)
    if link.revoked_at is not None:
        flash(
            _(
                "That link was already revoked on %(day)s, so nothing changed. It cannot be used.",
                day=long_date(link.revoked_at),
            )
        )
    else:
        links.revoke(link, actor=acting.actor())
        db.session.commit()
        flash(_("The link issued on %(day)s is revoked: it no longer opens.", day=long_date(link.created_at)))
    return redirect(url_for("console.links_page", account_id=account.id))


@bp.route("/accounts/<int:account_id>/links/revoke-all", methods=["POST"])
@signed_in
def revoke_links(account_id: int):
    account = account_or_404(account_id)
    _checked()
    unrevoked = db.session.scalars(
        select(MagicLink).where(MagicLink.account_id == account.id, MagicLink.revoked_at.is_(None))
    ).all()
    for link in unrevoked:
        links.revoke(link, actor=acting.actor())
    db.session.commit()
    if unrevoked:
        flash(_("Revoked %(count)d link(s): none of the account's links opens now.", count=len(unrevoked)))
    else:
        flash(_("Every link was revoked already, so nothing changed."))
    return redirect(url_for("console.links_page", account_id=account.id))


def is_live(link: MagicLink) -> bool:
    return link.revoked_at is None and link.expires_at > clock.now()
