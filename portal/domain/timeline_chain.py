"""The hash chain that makes an account's timeline tamper-evident.

Each event's hash covers its account, its place in the account's timeline (seq, from 1), what
happened and when, and the hash of the event before it; the account keeps the length and the
last hash (its head). Editing, removing, reordering or slipping in an event then shows.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

#: The "previous hash" of an account's first event.
GENESIS = "0" * 64


def canonical_json(value) -> str:
    """One spelling of a JSON value: sorted keys, no spaces, ASCII only."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False)


def normalized(data: dict) -> dict:
    """*data* as it comes back from a JSON column (string keys, lists for tuples), to hash and store."""
    return json.loads(canonical_json(data))


def canonical_time(moment: datetime) -> str:
    """An aware time in UTC to the microsecond, as both SQLite and PostgreSQL keep it."""
    if moment.tzinfo is None:
        raise ValueError("timeline times are aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class Link:
    """One event as the chain sees it."""

    id: int
    seq: int
    kind: str
    actor: str
    data: dict
    created_at: datetime
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class Head:
    """What the account says its timeline ends with."""

    length: int
    hash: str | None


@dataclass(frozen=True)
class Break:
    """One thing wrong with a timeline: *problem* is edited, removed, reordered or inserted."""

    problem: str
    seq: int
    event_id: int | None
    detail: str


def link_hash(
    account_id: int, seq: int, kind: str, actor: str, data: dict, created_at: datetime, prev_hash: str
) -> str:
    """The hash of one event, over a canonical encoding of everything it says."""
    body = {
        "account": account_id,
        "seq": seq,
        "kind": kind,
        "actor": actor,
        "data": data,
        "at": canonical_time(created_at),
        "prev": prev_hash,
    }
    return hashlib.sha256(canonical_json(body).encode("ascii")).hexdigest()


def _hash_at(account_id: int, link: Link, seq: int) -> str:
    return link_hash(account_id, seq, link.kind, link.actor, link.data, link.created_at, link.prev_hash)


def find_breaks(account_id: int, links: list[Link], head: Head) -> list[Break]:
    """Everything wrong with one account's timeline; *links* in the order of their seq."""
    seqs = [link.seq for link in links]
    # Ids grow in the order events were written: an event followed by a lower id was written later.
    lowest_id_after: list[int | None] = [None] * len(links)
    for index in range(len(links) - 2, -1, -1):
        after = links[index + 1].id
        lowest = lowest_id_after[index + 1]
        lowest_id_after[index] = after if lowest is None else min(after, lowest)

    breaks: list[Break] = []
    expected_seq, expected_prev, previous_flagged = 1, GENESIS, False
    for index, link in enumerate(links):
        found: list[Break] = []
        if link.seq > expected_seq:
            found.append(Break("removed", expected_seq, None, _missing(expected_seq, link.seq - 1, link)))
        elif link.seq < expected_seq:
            found.append(Break("inserted", link.seq, link.id, "a second event with the same number"))
        if _hash_at(account_id, link, link.seq) != link.hash:
            moved_from = next(
                (seq for seq in seqs if seq != link.seq and _hash_at(account_id, link, seq) == link.hash),
                None,
            )
            if moved_from is not None:
                found.append(Break("reordered", link.seq, link.id, f"it was written as event {moved_from}"))
            else:
                found.append(Break("edited", link.seq, link.id, "what it says no longer matches its hash"))
        elif lowest_id_after[index] is not None and lowest_id_after[index] < link.id:
            detail = "it was written after events that come later in the timeline"
            found.append(Break("inserted", link.seq, link.id, detail))
        elif not found and not previous_flagged and link.prev_hash != expected_prev:
            if index == 0:
                found.append(Break("edited", link.seq, link.id, "the first event follows no other"))
            else:
                # The event before this one still matches its own hash, so it was rewritten whole.
                detail = f"event {link.seq} was written after a different event {link.seq - 1}"
                found.append(Break("edited", link.seq - 1, links[index - 1].id, detail))
        breaks.extend(found)
        previous_flagged = bool(found)
        expected_seq, expected_prev = max(expected_seq, link.seq + 1), link.hash

    breaks.extend(_against_head(links, head, last_flagged=previous_flagged))
    return breaks


def _missing(first: int, last: int, after: Link | None) -> str:
    events = f"event {first} is" if first == last else f"events {first} to {last} are"
    return f"{events} missing" + (f" (before event {after.seq}, id {after.id})" if after else " at the end")


def _against_head(links: list[Link], head: Head, last_flagged: bool) -> list[Break]:
    last = links[-1] if links else None
    length = last.seq if last else 0
    if head.length > length:
        return [Break("removed", length + 1, None, _missing(length + 1, head.length, None))]
    if head.length < length:
        return [
            Break("inserted", link.seq, link.id, f"the account's timeline ends at event {head.length}")
            for link in links
            if link.seq > head.length
        ]
    if last is not None and head.hash != last.hash and not last_flagged:
        return [Break("edited", last.seq, last.id, "the last event is not the one the account recorded")]
    return []
