"""The account page: who, what is owed, how they may be reached now, and everything that
happened; with the actions every agent has (send a link, add a note)."""

from __future__ import annotations

import uuid

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from portal import clock
from portal.console import account_view, acting
from portal.console.access import account_or_404, signed_in
from portal.console.account_forms import NoteForm, SendLinkForm
from portal.console.blueprint import bp
from portal.extensions import db
from portal.links import messages as link_messages
from portal.notify import rules, sender


def render_account(account, *, send_form=None, note_form=None, errors=None, status=200):
    """The account page, with any form that was just refused showing its errors."""
    view = account_view.gather(account, clock.now(), sender.sms_available())
    page = render_template(
        "console/account.html",
        view=view,
        account=account,
        send_form=send_form or SendLinkForm(formdata=None),
        note_form=note_form or NoteForm(formdata=None),
        errors=errors or [],
        reason_text=account_view.reason_text,
    )
    return page, status


@bp.route("/accounts/<int:account_id>")
@signed_in
def account(account_id: int):
    return render_account(account_or_404(account_id))


def _channel(account, asked: str, now) -> tuple[str, str]:
    """(channel, "") to send on, or (channel, reason) it may not go at all; "preferred" falls back
    to the other channel when the chosen one is refused. Waiting for the hours is no refusal."""

    def refusal(channel: str) -> str:
        if channel == rules.SMS and not sender.sms_available():
            return "no_sms"
        allowed, reason = rules.channel_allowed(account.debtor, account, channel, now)
        return "" if allowed or reason in rules.WAIT_REASONS else reason

    if asked != "preferred":
        return asked, refusal(asked)
    first = rules.SMS if account.debtor.preferred_channel == rules.SMS else rules.EMAIL
    second = rules.EMAIL if first == rules.SMS else rules.SMS
    if refusal(first) and not refusal(second):
        return second, ""
    return first, refusal(first)


@bp.route("/accounts/<int:account_id>/send-link", methods=["POST"])
@signed_in
def send_link(account_id: int):
    account = account_or_404(account_id)
    form = SendLinkForm()
    if not form.validate_on_submit():
        return render_account(account, send_form=form, errors=form.error_summary(), status=400)
    if account.is_closed:
        form.add_error(form.channel, _("No link was sent: the account is closed."))
        return render_account(account, send_form=form, errors=form.error_summary(), status=409)
    now = clock.now()
    channel, refused = _channel(account, form.channel.data, now)
    if refused:
        form.add_error(
            form.channel,
            _(
                "No link was sent by %(channel)s: %(reason)s.",
                channel=channel,
                reason=account_view.reason_text(refused),
            ),
        )
        return render_account(account, send_form=form, errors=form.error_summary(), status=409)
    # The request only queues it; the task runner sends it, and the page shows its status.
    message = link_messages.queue(
        account, channel, key=f"link:{uuid.uuid4().hex}", actor=acting.actor(), unlock=True, not_before=now
    )
    acting.record(account, "staff_sent_link", message_id=message.id, channel=channel)
    db.session.commit()
    flash(
        _(
            "A new link is queued to go by %(channel)s (message %(id)s); its status is under Messages.",
            channel=channel,
            id=message.id,
        )
    )
    return redirect(url_for("console.account", account_id=account.id) + "#messages")


@bp.route("/accounts/<int:account_id>/notes", methods=["POST"])
@signed_in
def add_note(account_id: int):
    account = account_or_404(account_id)
    form = NoteForm()
    if not form.validate_on_submit():
        return render_account(account, note_form=form, errors=form.error_summary(), status=400)
    acting.record(account, "note_added", note=form.note.data)
    db.session.commit()
    flash(_("Your note is on the timeline."))
    return redirect(url_for("console.account", account_id=account.id) + "#timeline")
