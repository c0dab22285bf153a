"""Campaigns: links sent to many of one creditor's accounts at once, through the outbox.

Choosing the accounts, queueing one link message per account in bulk (many thousands a minute:
one multi-row insert per chunk, and their timeline events in one insert too), and asking the
task runner to drain them. Each message then goes at the first moment the person's rules allow
(`portal.notify.sender`); the same command run again is the same campaign and queues only
what is missing.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import exists, func, or_, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from portal import timeline
from portal.extensions import db
from portal.links import messages as link_messages
from portal.models import Account, AccountStatus, Campaign, Creditor, Message, MessageStatus
from portal.notify import rules

#: Accounts queued per transaction: big enough to be fast, small enough to keep memory flat.
CHUNK = 2000
#: What counts as having contacted a person about an account.
CONTACTED = (MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.UNCONFIRMED)


class CampaignError(ValueError):
    """A campaign that cannot start as asked (an unreadable file, a reference that is not known)."""


@dataclass
class Selection:
    """The accounts a campaign is for, and how they were chosen, in words."""

    description: str
    account_ids: list[int]
    #: Lines of the file that named no open account of the creditor ("line 4: ACC-9 not found").
    skipped: list[str] = field(default_factory=list)
    #: What identifies this choice (the file's content), for the campaign's fingerprint.
    identity: str = ""


def _open_accounts(creditor: Creditor):
    return select(Account.id).where(Account.creditor_id == creditor.id, Account.status == AccountStatus.OPEN)


def from_file(creditor: Creditor, name: str, content: bytes) -> Selection:
    """The open accounts named in a CSV with a `reference` column (and `creditor`, whose rows for
    another creditor are skipped)."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CampaignError(f"{name} is not UTF-8 text") from error
    reader = csv.DictReader(io.StringIO(text))
    columns = [c.strip().lower() for c in reader.fieldnames or []]
    if "reference" not in columns:
        raise CampaignError(f"{name} has no 'reference' column (its columns: {', '.join(columns) or 'none'})")
    reader.fieldnames = columns
    wanted: dict[str, int] = {}
    skipped = []
    for number, row in enumerate(reader, start=2):
        reference = (row.get("reference") or "").strip()
        slug = (row.get("creditor") or "").strip()
        if slug and slug != creditor.slug:
            skipped.append(f"line {number}: {reference} is for creditor {slug}")
        elif reference:
            wanted.setdefault(reference, number)
    found = (
        dict(
            db.session.execute(
                select(Account.reference, Account.id).where(
                    Account.creditor_id == creditor.id,
                    Account.status == AccountStatus.OPEN,
                    Account.reference.in_(list(wanted)),
                )
            ).all()
        )
        if wanted
        else {}
    )
    skipped += [
        f"line {line}: {ref} is not an open account of {creditor.slug}"
        for ref, line in wanted.items()
        if ref not in found
    ]
    return Selection(
        f"file {name}",
        sorted(found.values()),
        skipped,
        identity=hashlib.sha256(content).hexdigest(),
    )


def never_contacted(creditor: Creditor) -> Selection:
    """Open accounts nobody has sent a message about, and none is waiting to go."""
    anything = exists().where(
        Message.account_id == Account.id,
        Message.status.in_((*CONTACTED, MessageStatus.QUEUED, MessageStatus.SENDING)),
    )
    ids = db.session.scalars(_open_accounts(creditor).where(~anything).order_by(Account.id)).all()
    return Selection("never contacted", list(ids), identity="never")


def not_contacted_for(creditor: Creditor, days: int, now: datetime) -> Selection:
    """Open accounts with no message sent in the last *days* days (or ever), and none waiting."""
    since = now - timedelta(days=days)
    recent = exists().where(
        Message.account_id == Account.id,
        or_(
            Message.status.in_((MessageStatus.QUEUED, MessageStatus.SENDING)),
            (Message.status.in_(CONTACTED)) & (Message.sent_at > since),
        ),
    )
    ids = db.session.scalars(_open_accounts(creditor).where(~recent).order_by(Account.id)).all()
    return Selection(f"not contacted for {days} days", list(ids), identity=f"quiet-{days}")


def start(
    creditor: Creditor, channel: str, selection: Selection, days: int | None, now: datetime
) -> Campaign:
    """The campaign for this command on this day: found if it ran before, else created (the caller
    commits)."""
    parts = [str(creditor.id), channel, selection.identity, str(days or ""), now.date().isoformat()]
    fingerprint = hashlib.sha256("|".join(parts).encode()).hexdigest()
    # Two runs of one command at once both reach here: the second insert does nothing, and both
    # then read the one campaign.
    db.session.execute(
        _insert()(Campaign)
        .values(
            creditor_id=creditor.id,
            channel=channel,
            selection=selection.description[:200],
            link_days=days,
            fingerprint=fingerprint,
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=["fingerprint"])
    )
    campaign = db.session.scalar(select(Campaign).where(Campaign.fingerprint == fingerprint))
    return campaign


def _insert():
    return postgresql_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert


def message_key(campaign_id: int, account_id: int) -> str:
    """A campaign sends each account at most one message."""
    return f"campaign:{campaign_id}:{account_id}"


def queue(
    campaign: Campaign,
    account_ids: Iterable[int],
    now: datetime,
    progress: Callable[[int], None] | None = None,
) -> tuple[int, int]:
    """Queue one link message per account, a chunk per transaction; (queued now, already queued)."""
    insert = _insert()
    ids = list(account_ids)
    campaign_id, channel = campaign.id, campaign.channel
    facts = {"campaign_id": campaign_id, "actor": "campaign"}
    if campaign.link_days:
        facts["days"] = campaign.link_days
    queued = 0
    for start_at in range(0, len(ids), CHUNK):
        chunk = ids[start_at : start_at + CHUNK]
        people = dict(
            db.session.execute(select(Account.id, Account.debtor_id).where(Account.id.in_(chunk))).all()
        )
        rows = [
            {
                "debtor_id": people[account_id],
                "account_id": account_id,
                "campaign_id": campaign_id,
                "channel": channel,
                "kind": link_messages.KIND,
                "dedupe_key": message_key(campaign_id, account_id),
                "debtor_initiated": False,
                "not_before": now,
                "status": MessageStatus.QUEUED,
                "facts": facts,
                "tries": 0,
                "created_at": now,
            }
            for account_id in chunk
        ]
        created = db.session.execute(
            insert(Message)
            .values(rows)
            .on_conflict_do_nothing(index_elements=["dedupe_key"])
            .returning(Message.id, Message.account_id)
        ).all()
        timeline.record_many(
            [
                (
                    account_id,
                    "message_queued",
                    "collector",
                    {
                        "message_id": message_id,
                        "about": "link",
                        "channel": channel,
                        "campaign_id": campaign_id,
                    },
                )
                for message_id, account_id in created
            ]
        )
        db.session.commit()
        queued += len(created)
        if progress:
            progress(len(chunk))
    return queued, len(ids) - queued


@dataclass
class Forecast:
    """What a campaign would do now, without doing it."""

    outcomes: Counter = field(default_factory=Counter)
    #: {segments per text message: how many people}
    segments: Counter = field(default_factory=Counter)


def forecast(creditor: Creditor, channel: str, account_ids: Iterable[int], now: datetime) -> Forecast:
    """For a dry run: per account, would the message go now, wait for its moment, or be refused
    (by reason); and for text messages, how many segments each would take."""
    from portal.links.sending import choose_channel

    result = Forecast()
    url_length = len(link_messages.sample_url())
    for account_id in account_ids:
        account = db.session.get(Account, account_id)
        chosen, refused = choose_channel(account, channel, now)
        if refused:
            result.outcomes[f"refused: {refused}"] += 1
            continue
        allowed, reason = rules.channel_allowed(account.debtor, account, chosen, now)
        result.outcomes[f"{'send now' if allowed else 'wait: ' + reason} by {chosen}"] += 1
        if chosen == rules.SMS:
            result.segments[link_messages.segments_for(account, url_length)] += 1
    return result


def count_messages(campaign: Campaign) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Message).where(Message.campaign_id == campaign.id)
    )
