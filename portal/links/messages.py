"""The message that carries a magic link to a person, by email or text message.

A link message is queued without its text: the outbox asks this module to write it at the moment
it goes (`outbox.renderer`), so the link is issued then, its days counted from when the person
gets it, and no unsent link lies about for a campaign that waits for the morning.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from portal.domain import contact, sms_text
from portal.i18n import person_language, spoken_language
from portal.links import identity_check
from portal.links import service as links
from portal.models import Account, Message
from portal.notify import outbox, rules
from portal.notify.optout import optout_url

KIND = "link"


class TooLong(Exception):
    """No wording of the text message fits in the segments allowed."""


def queue(
    account: Account,
    channel: str,
    *,
    key: str,
    days: int | None = None,
    actor: str = "collector",
    unlock: bool = False,
    campaign_id: int | None = None,
    not_before: datetime | None = None,
) -> Message:
    """Queue a link message on *channel* ("email", "sms" or "preferred"); the caller commits.

    *unlock* is for a person sending one link by hand: as with `issue-link`, the new link opens
    an account locked by wrong answers and retires the older links.
    """
    facts = {"days": days, "actor": actor, "unlock": unlock}
    return outbox.queue(
        account,
        KIND,
        key=key,
        channel=channel,
        facts={k: v for k, v in facts.items() if v},
        campaign_id=campaign_id,
        not_before=not_before,
    )


@outbox.renderer(KIND)
def render(message: Message, now: datetime) -> None:
    """Issue the link and write the message in the person's language, for its channel."""
    account = message.account
    facts = message.facts or {}
    link = links.issue(account, days=facts.get("days"), actor=facts.get("actor", "collector"))
    if facts.get("unlock"):
        identity_check.unlock(account, link)
    message.link_id = link.id
    language = person_language(account.debtor.language, account.creditor.country)
    message.language = spoken_language(account.debtor.language)
    url = links.url_for_link(link)
    expires = contact.local_date(link.expires_at, rules.contact_zone(account))
    with force_locale(language):
        if message.channel == rules.SMS:
            message.body = text_message(account, url)
            message.segments = sms_text.segments(message.body)
        else:
            message.unsubscribe_url = optout_url(account.debtor)
            message.subject = subject()
            context = {
                "account": account,
                "link": url,
                "expires": expires,
                "subject": message.subject,
                "portal_url": current_app.config["PORTAL_BASE_URL"],
                "optout_url": message.unsubscribe_url,
            }
            message.body = render_template("emails/link.txt", **context)
            message.html = render_template("emails/link.html", **context)


def subject() -> str:
    """The subject, in the current language: who writes, and nothing about money or the account
    (a lock screen or a shared inbox shows it to whoever looks)."""
    return _("A private message from %(collector)s", collector=current_app.config["COLLECTOR_NAME"])


def text_message(account: Account, url: str) -> str:
    """The text message in the current language: the fullest wording that fits in
    `sms_text.MAX_SEGMENTS` segments, then the same wordings without the accents GSM-7 lacks
    (as Vietnamese is commonly texted). Every wording says who writes and how to stop."""
    collector = current_app.config["COLLECTOR_NAME"]
    wordings = [
        _(
            "%(collector)s, for %(creditor)s, has a private message for you: %(url)s Reply STOP to stop.",
            collector=collector,
            creditor=account.creditor.name,
            url=url,
        ),
        _(
            "%(collector)s has a private message for you: %(url)s Reply STOP to stop.",
            collector=collector,
            url=url,
        ),
        _("%(collector)s: %(url)s Reply STOP to stop.", collector=collector, url=url),
    ]
    for wording in [*wordings, *map(sms_text.without_diacritics, wordings)]:
        if sms_text.fits(wording):
            return wording
    raise TooLong(f"{sms_text.segments(wordings[-1])} segments")


def sample_url() -> str:
    """A link of the length a real one has, for counting a text message's segments in advance."""
    from portal.models import MagicLink

    sample = MagicLink(public_id="x" * len(links.new_public_id()))
    return links.url_for_link(sample)


def segments_for(account: Account, url_length: int) -> int:
    """How many segments the link's text message to *account* would take (its language, its
    creditor's name); more than MAX_SEGMENTS when no wording fits."""
    with force_locale(person_language(account.debtor.language, account.creditor.country)):
        try:
            return sms_text.segments(text_message(account, "x" * url_length))
        except TooLong:
            return sms_text.MAX_SEGMENTS + 1
