"""The one place that appends to an account's timeline, and the check that it was never rewritten."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import groupby

from sqlalchemy import bindparam, insert, select, text, update

from portal.domain.timeline_chain import GENESIS, Break, Head, Link, find_breaks, link_hash, normalized
from portal.extensions import db
from portal.models import Account, Creditor, Event, TimelineHead
from portal.models.types import utcnow

_NEXT = text(
    "INSERT INTO timeline_heads (account_id, length) VALUES (:account_id, 1) "
    "ON CONFLICT (account_id) DO UPDATE SET length = timeline_heads.length + 1 "
    "RETURNING length, hash"
)
_BATCH = 200


def record(account: Account | int, kind: str, actor: str = "system", **data) -> Event:
    """Append an event to the account's timeline in the current transaction.

    Never pass secrets (tokens, dates of birth, card numbers) in *data*.
    """
    if isinstance(account, Account) and account.id is None:
        db.session.flush()
    account_id = account if isinstance(account, int) else account.id
    # Lock the account's row first (PostgreSQL; as the payment code does), then take the next
    # number from the head. The upsert is a write, which on SQLite holds the whole database until
    # commit: either way a second transaction appending to this account waits here and continues
    # from this one's last event, so the chain never forks. Within one transaction each call sees
    # the number and head the previous call left.
    db.session.execute(select(Account.id).where(Account.id == account_id).with_for_update())
    seq, prev_hash = db.session.execute(_NEXT, {"account_id": account_id}).one()
    prev_hash = prev_hash or GENESIS
    data = normalized(data)
    created_at = utcnow()
    digest = link_hash(account_id, seq, kind, actor, data, created_at, prev_hash)
    db.session.execute(update(TimelineHead).where(TimelineHead.account_id == account_id).values(hash=digest))
    entry = Event(
        account_id=account_id,
        seq=seq,
        kind=kind,
        actor=actor,
        data=data,
        created_at=created_at,
        prev_hash=prev_hash,
        hash=digest,
    )
    db.session.add(entry)
    return entry


def record_many(entries: list[tuple[int, str, str, dict]]) -> int:
    """Append (account_id, kind, actor, data) events in the current transaction, many accounts at
    once (a campaign queueing thousands of messages); the number appended.

    The same chain as `record`: the accounts are locked in id order first (PostgreSQL), each
    account's head is read once, and the events go in one multi-row INSERT.
    """
    if not entries:
        return 0
    ids = sorted({account_id for account_id, *_ in entries})
    db.session.execute(select(Account.id).where(Account.id.in_(ids)).order_by(Account.id).with_for_update())
    heads = {
        row.account_id: (row.length, row.hash)
        for row in db.session.execute(
            select(TimelineHead.account_id, TimelineHead.length, TimelineHead.hash).where(
                TimelineHead.account_id.in_(ids)
            )
        )
    }
    known = set(heads)
    created_at = utcnow()
    rows = []
    for account_id, kind, actor, data in entries:
        length, prev_hash = heads.get(account_id, (0, None))
        seq, prev_hash, data = length + 1, prev_hash or GENESIS, normalized(data)
        digest = link_hash(account_id, seq, kind, actor, data, created_at, prev_hash)
        heads[account_id] = (seq, digest)
        rows.append(
            {
                "account_id": account_id,
                "seq": seq,
                "kind": kind,
                "actor": actor,
                "data": data,
                "created_at": created_at,
                "prev_hash": prev_hash,
                "hash": digest,
            }
        )
    db.session.execute(insert(Event), rows)
    moved = [{"account": a, "length": heads[a][0], "hash": heads[a][1]} for a in ids if a in known]
    if moved:
        heads_table = TimelineHead.__table__
        db.session.connection().execute(
            update(heads_table)
            .where(heads_table.c.account_id == bindparam("account"))
            .values(length=bindparam("length"), hash=bindparam("hash")),
            moved,
        )
    new = [{"account_id": a, "length": heads[a][0], "hash": heads[a][1]} for a in ids if a not in known]
    if new:
        db.session.execute(insert(TimelineHead), new)
    return len(rows)


@dataclass(frozen=True)
class Checked:
    """One account's timeline, checked: how many events it holds and what is wrong with it."""

    creditor_slug: str
    reference: str
    events: int
    head: str | None
    breaks: list[Break]


def verify(account_ids: list[int] | None = None, creditor_slug: str | None = None) -> Iterator[Checked]:
    """Check the hash chain of the given accounts (default: every one, or every one of a creditor)."""
    query = (
        select(Account.id, Creditor.slug, Account.reference, TimelineHead.length, TimelineHead.hash)
        .join(Creditor, Account.creditor_id == Creditor.id)
        .outerjoin(TimelineHead, TimelineHead.account_id == Account.id)
        .order_by(Account.id)
    )
    if account_ids is not None:
        query = query.where(Account.id.in_(account_ids))
    if creditor_slug:
        query = query.where(Creditor.slug == creditor_slug)
    accounts = db.session.execute(query).all()
    # A batch of accounts at a time keeps memory bounded however long the timelines grow.
    for start in range(0, len(accounts), _BATCH):
        batch = accounts[start : start + _BATCH]
        rows = db.session.execute(
            select(
                Event.account_id,
                Event.id,
                Event.seq,
                Event.kind,
                Event.actor,
                Event.data,
                Event.created_at,
                Event.prev_hash,
                Event.hash,
            )  # fmt: skip
            .where(Event.account_id.in_([account.id for account in batch]))
            .order_by(Event.account_id, Event.seq, Event.id)
        )
        chains = {key: [_link(row) for row in group] for key, group in groupby(rows, lambda r: r.account_id)}
        for account in batch:
            links = chains.get(account.id, [])
            breaks = find_breaks(account.id, links, Head(account.length or 0, account.hash))
            yield Checked(account.slug, account.reference, len(links), account.hash, breaks)


def _link(row) -> Link:
    return Link(
        id=row.id,
        seq=row.seq,
        kind=row.kind,
        actor=row.actor,
        data=row.data,
        created_at=row.created_at,
        prev_hash=row.prev_hash,
        hash=row.hash,
    )
