"""Reading and saving a person's contact preferences; the timeline notes what changed."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from portal import timeline
from portal.extensions import db
from portal.models import Debtor, OptOut
from portal.notify import rules

EVENT = "contact_preferences_changed"


@dataclass(frozen=True)
class Preferences:
    #: "email", "sms", "phone" or "post"; None until the person chooses.
    channel: str | None
    #: Free text such as "weekday evenings"; "" when none given.
    times: str
    #: A language code such as "es"; None means "ask the browser".
    language: str | None
    #: Channels the person asked us to stop using.
    stopped: frozenset[str]


def current(debtor: Debtor) -> Preferences:
    """What we hold for *debtor* now."""
    stopped = db.session.scalars(select(OptOut.channel).where(OptOut.debtor_id == debtor.id)).all()
    return Preferences(
        channel=debtor.preferred_channel,
        times=debtor.preferred_times or "",
        language=debtor.language,
        stopped=frozenset(stopped),
    )


def changes(before: Preferences, after: Preferences) -> dict:
    """What differs, for the timeline: field and channel names only, never what the person typed."""
    changed = [
        name
        for name, old, new in (
            ("preferred_channel", before.channel, after.channel),
            ("preferred_times", before.times, after.times),
            ("language", before.language, after.language),
            ("opt_outs", before.stopped, after.stopped),
        )
        if old != new
    ]
    if not changed:
        return {}
    data: dict = {"changed": changed}
    if "preferred_channel" in changed:
        data["preferred_channel"] = after.channel
    if "opt_outs" in changed:
        data["stopped"] = [c for c in rules.CHANNELS if c in after.stopped - before.stopped]
        data["resumed"] = [c for c in rules.CHANNELS if c in before.stopped - after.stopped]
    return data


def save(debtor: Debtor, wanted: Preferences, actor: str = "debtor", *, _again: bool = True) -> dict:
    """Store *wanted* for *debtor*, note it on each of their accounts, and commit.

    Returns what changed (empty when nothing did, and then nothing is written). Opt-outs are the
    same rows the one-click email link writes, so every sender sees them through the rules.
    """
    before = current(debtor)
    data = changes(before, wanted)
    if not data:
        return {}
    debtor.preferred_channel = wanted.channel
    debtor.preferred_times = wanted.times or None
    debtor.language = wanted.language
    for channel in sorted(wanted.stopped - before.stopped):
        db.session.add(OptOut(debtor_id=debtor.id, channel=channel))
    resumed = before.stopped - wanted.stopped
    if resumed:
        db.session.execute(delete(OptOut).where(OptOut.debtor_id == debtor.id, OptOut.channel.in_(resumed)))
    for account in debtor.accounts:
        timeline.record(account, EVENT, actor=actor, **data)
    try:
        db.session.commit()
    except IntegrityError:
        # The one-click email link stopped a channel at the same moment: read again and retry once.
        db.session.rollback()
        if not _again:
            raise
        return save(debtor, wanted, actor, _again=False)
    return data
