"""The one place that appends to an account's timeline, and the check that it was never rewritten."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from itertools import groupby

from sqlalchemy import bindparam, insert, select, text, update

from portal.domain.timeline_chain import (
    GENESIS,
    Break,
    Head,
    Link,
    canonical_json,
    canonical_time,
    find_breaks,
    link_hash,
    normalized,
)
from portal.extensions import db
from portal.models import Account, Creditor, Event, TimelineHead
from portal.models.types import utcnow

_NEXT = text(
    "INSERT INTO timeline_heads (account_id, length) VALUES (:account_id, 1) "
    "ON CONFLICT (account_id) DO UPDATE SET length = timeline_heads.length + 1 "
    "RETURNING length, hash"
)
#: PostgreSQL, one statement an event: the account's row is locked (the CTE's lock is taken before
#: the head is written, so the order of locks is the one described in record); the head moves on,
#: its new hash worked out from the latest head (ON CONFLICT reads the latest committed row,
#: whatever the statement's snapshot) as `link_hash` works it out: the canonical JSON of the
#: body, SHA-256, hex; then the event is written from what the head returns.
_APPEND_ONE = text(
    "WITH locked AS (SELECT id FROM accounts WHERE id = :account_id FOR UPDATE), "
    "head AS ("
    "INSERT INTO timeline_heads AS h (account_id, length, prev_hash, hash) "
    "SELECT id, 1, CAST(:genesis AS TEXT), encode(sha256(convert_to("
    """'{"account":' || id || ',"actor":' || CAST(:actor_json AS TEXT) """
    """|| ',"at":"' || CAST(:at AS TEXT) || '","data":' || CAST(:data AS TEXT) """
    """|| ',"kind":' || CAST(:kind_json AS TEXT) || ',"prev":"' || CAST(:genesis AS TEXT) """
    """|| '","seq":' || 1 || '}', 'UTF8')), 'hex') """
    "FROM locked "
    "ON CONFLICT (account_id) DO UPDATE SET length = h.length + 1, "
    "prev_hash = coalesce(h.hash, CAST(:genesis AS TEXT)), "
    "hash = encode(sha256(convert_to("
    """'{"account":' || h.account_id || ',"actor":' || CAST(:actor_json AS TEXT) """
    """|| ',"at":"' || CAST(:at AS TEXT) || '","data":' || CAST(:data AS TEXT) """
    """|| ',"kind":' || CAST(:kind_json AS TEXT) """
    """|| ',"prev":"' || coalesce(h.hash, CAST(:genesis AS TEXT)) """
    """|| '","seq":' || (h.length + 1) || '}', 'UTF8')), 'hex') """
    "RETURNING account_id, length, prev_hash, hash) "
    "INSERT INTO events (account_id, seq, kind, actor, data, created_at, prev_hash, hash) "
    "SELECT account_id, length, CAST(:kind AS TEXT), CAST(:actor AS TEXT), "
    "CAST(CAST(:data AS TEXT) AS JSON), :created_at, prev_hash, hash FROM head "
    "RETURNING seq"
)
_BATCH = 200

#: Functions told of every event appended, in the appending transaction, as a list of
#: (account_id, seq, kind, data): how webhooks out learn of outcomes without the features
#: knowing about them. Registered once at start-up (`observe`), each with the kinds it wants
#: (None: every kind), so a million imported accounts are not read back for nobody.
_observers: list[tuple[Callable, frozenset[str] | None]] = []


def observe(observer: Callable, kinds: Collection[str] | None = None) -> None:
    """Call *observer(events)* with every batch of events appended, inside the same transaction;
    with *kinds*, only events of those kinds need reach it (it must still ignore others)."""
    if all(known is not observer for known, _kinds in _observers):
        _observers.append((observer, frozenset(kinds) if kinds is not None else None))


def _listening(kind: str) -> list[Callable]:
    return [observer for observer, kinds in _observers if kinds is None or kind in kinds]


def _tell(events: list[tuple[int, int, str, dict]], observers: list[Callable] | None = None) -> None:
    for observer in observers if observers is not None else [observer for observer, _ in _observers]:
        observer(events)


def record(account: Account | int, kind: str, actor: str = "system", **data) -> None:
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
    data = normalized(data)
    created_at = utcnow()
    if db.session.get_bind().dialect.name == "postgresql":
        # The lock, the head and the event in one statement: every page view appends one.
        seq = db.session.execute(
            _APPEND_ONE,
            {
                "account_id": account_id,
                "genesis": GENESIS,
                "actor": actor,
                "actor_json": canonical_json(actor),
                "kind": kind,
                "kind_json": canonical_json(kind),
                "data": canonical_json(data),
                "at": canonical_time(created_at),
                "created_at": created_at,
            },
        ).scalar_one()
        _tell([(account_id, seq, kind, data)])
        return
    seq, prev_hash = db.session.execute(_NEXT, {"account_id": account_id}).one()
    prev_hash = prev_hash or GENESIS
    digest = link_hash(account_id, seq, kind, actor, data, created_at, prev_hash)
    db.session.execute(update(TimelineHead).where(TimelineHead.account_id == account_id).values(hash=digest))
    db.session.execute(
        insert(Event).values(
            account_id=account_id,
            seq=seq,
            kind=kind,
            actor=actor,
            data=data,
            created_at=created_at,
            prev_hash=prev_hash,
            hash=digest,
        )
    )
    _tell([(account_id, seq, kind, data)])


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
    _tell([(row["account_id"], row["seq"], row["kind"], row["data"]) for row in rows])
    return len(rows)


#: One event per account named by a query, chained in SQL exactly as `link_hash` chains it in
#: Python: the canonical JSON of the body (keys sorted, no spaces, ASCII), SHA-256, hex.
_APPEND_EACH = """
WITH source AS ({source}),
numbered AS ({numbered}),
hashed AS (
    SELECT numbered.*, encode(sha256(convert_to(
        '{{"account":' || account_id || ',"actor":' || %(actor_json)s || ',"at":"' || %(at)s
        || '","data":' || data || ',"kind":' || %(kind_json)s || ',"prev":"' || prev_hash
        || '","seq":' || seq || '}}', 'UTF8')), 'hex') AS hash
    FROM numbered
),
appended AS (
    INSERT INTO events (account_id, seq, kind, actor, data, created_at, prev_hash, hash)
    SELECT account_id, seq, %(kind)s, %(actor)s, data::json, %(created_at)s, prev_hash, hash FROM hashed
)
INSERT INTO timeline_heads (account_id, length, hash)
SELECT account_id, seq, hash FROM hashed
{upsert}
"""
_CONTINUED = (
    "SELECT source.account_id, source.data, coalesce(h.length, 0) + 1 AS seq, "
    "coalesce(h.hash, %(genesis)s) AS prev_hash "
    "FROM source LEFT JOIN timeline_heads h ON h.account_id = source.account_id"
)
#: Accounts with no timeline yet (made in this transaction): each starts at 1, after GENESIS.
_STARTED = "SELECT account_id, data, 1 AS seq, %(genesis)s AS prev_hash FROM source"
_UPSERT = "ON CONFLICT (account_id) DO UPDATE SET length = excluded.length, hash = excluded.hash"
# A window of ids at a time: with the primary key's range PostgreSQL reads just those rows
# (given only "id > :after ... LIMIT", it may scan the whole table for each page).
_TOLD = text(
    "SELECT id, account_id, seq, data FROM events WHERE id BETWEEN :low AND :high "
    "AND created_at = :created_at AND kind = :kind AND actor = :actor ORDER BY id"
)
_TOLD_PAGE = 1000
_LAST_ID = "SELECT coalesce(max(id), 0) FROM events"


def record_each(
    source: str, params: dict, kind: str, actor: str, *, locked: bool = False, first: bool = False
) -> int:
    """PostgreSQL: append one *kind* event to every account the SQL *source* names, in the
    current transaction, in set-based SQL (an import of a million accounts); the number appended.

    *source* selects (account_id, data), each account once, where data is the event's data as
    canonical JSON text (`timeline_chain.canonical_json`), e.g. built in SQL from ASCII column
    names and numbers. The chain is the one `record` writes: the accounts are locked in id order
    first (unless the caller says they are *locked* already, or new in this transaction),
    each continues from its head, and all events carry one time, as `record_many`'s do. With
    *first*, the accounts are ones this transaction made: each timeline starts here.
    """
    connection = db.session.connection()
    if not locked:
        connection.exec_driver_sql(
            "SELECT count(*) FROM (SELECT a.id FROM accounts a "  # noqa: S608 - the caller's own SQL
            f"WHERE a.id IN (SELECT account_id FROM ({source}) s) ORDER BY a.id FOR UPDATE) locked",
            params,
        )
    created_at = utcnow()
    listening = _listening(kind)
    after = connection.exec_driver_sql(_LAST_ID).scalar() if listening else 0
    values = {
        **params,
        "genesis": GENESIS,
        "actor": actor,
        "actor_json": canonical_json(actor),
        "kind": kind,
        "kind_json": canonical_json(kind),
        "at": canonical_time(created_at),
        "created_at": created_at,
    }
    statement = _APPEND_EACH.format(
        source=source, numbered=_STARTED if first else _CONTINUED, upsert="" if first else _UPSERT
    )
    appended = connection.exec_driver_sql(statement, values).rowcount
    if listening:  # told a page at a time, so a million events never sit in memory at once
        last = connection.exec_driver_sql(_LAST_ID).scalar()
        for low in range(after + 1, last + 1, _TOLD_PAGE):
            window = {"low": low, "high": low + _TOLD_PAGE - 1, "created_at": created_at}
            page = db.session.execute(_TOLD, {**window, "kind": kind, "actor": actor}).all()
            if page:
                _tell([(row.account_id, row.seq, kind, row.data) for row in page], listening)
    return appended


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
