"""The hash chain's rules, without a database: what each kind of tampering looks like."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta, timezone

import pytest

from portal.domain.timeline_chain import (
    GENESIS,
    Head,
    Link,
    canonical_json,
    canonical_time,
    find_breaks,
    link_hash,
    normalized,
)

ACCOUNT = 7
START = datetime(2026, 12, 4, 9, 30, 0, 123456, tzinfo=UTC)


def chain(count: int, account_id: int = ACCOUNT) -> tuple[list[Link], Head]:
    links, prev = [], GENESIS
    for seq in range(1, count + 1):
        at = START + timedelta(minutes=seq)
        data = {"n": seq, "note": "é"}
        digest = link_hash(account_id, seq, f"kind_{seq}", "system", data, at, prev)
        links.append(Link(10 * seq, seq, f"kind_{seq}", "system", data, at, prev, digest))
        prev = digest
    return links, Head(count, prev)


def problems(links, head, account_id=ACCOUNT):
    return [(b.problem, b.seq) for b in find_breaks(account_id, links, head)]


def test_an_untouched_chain_is_intact():
    links, head = chain(5)
    assert problems(links, head) == []
    assert problems([], Head(0, None)) == []


def test_the_encoding_is_one_spelling_whatever_the_key_order_or_spacing():
    assert canonical_json({"b": 1, "a": [1, "é"]}) == '{"a":[1,"\\u00e9"],"b":1}'
    assert normalized({1: (2, 3)}) == {"1": [2, 3]}
    plus_one = timezone(timedelta(hours=1))
    assert (
        canonical_time(START) == canonical_time(START.astimezone(plus_one)) == "2026-12-04T09:30:00.123456Z"
    )
    with pytest.raises(ValueError):
        canonical_time(START.replace(tzinfo=None))


def test_every_field_is_covered_by_the_hash():
    base = (ACCOUNT, 1, "kind", "debtor", {"a": 1}, START, GENESIS)
    digest = link_hash(*base)
    changes = [
        (8, 1, "kind", "debtor", {"a": 1}, START, GENESIS),
        (ACCOUNT, 2, "kind", "debtor", {"a": 1}, START, GENESIS),
        (ACCOUNT, 1, "other", "debtor", {"a": 1}, START, GENESIS),
        (ACCOUNT, 1, "kind", "system", {"a": 1}, START, GENESIS),
        (ACCOUNT, 1, "kind", "debtor", {"a": 2}, START, GENESIS),
        (ACCOUNT, 1, "kind", "debtor", {"a": 1}, START + timedelta(microseconds=1), GENESIS),
        (ACCOUNT, 1, "kind", "debtor", {"a": 1}, START, "1" * 64),
    ]
    assert all(link_hash(*changed) != digest for changed in changes)


def test_an_edited_event_is_found():
    links, head = chain(5)
    links[2] = dataclasses.replace(links[2], data={"n": 3, "note": "changed"})
    assert problems(links, head) == [("edited", 3)]


def test_an_event_rewritten_with_a_fresh_hash_is_found_by_the_next_one():
    links, head = chain(5)
    old = links[2]
    forged = link_hash(ACCOUNT, 3, old.kind, "collector", old.data, old.created_at, old.prev_hash)
    links[2] = dataclasses.replace(old, actor="collector", hash=forged)
    assert problems(links, head) == [("edited", 3)]


def test_a_removed_event_is_found():
    links, head = chain(5)
    del links[1]
    assert problems(links, head) == [("removed", 2)]


def test_removed_newest_events_are_found_against_the_accounts_head():
    links, head = chain(5)
    assert problems(links[:3], head) == [("removed", 4)]
    assert problems([], head) == [("removed", 1)]


def test_two_swapped_events_are_found_as_reordered():
    links, head = chain(5)
    second, third = links[1], links[2]
    links[1], links[2] = dataclasses.replace(third, seq=2), dataclasses.replace(second, seq=3)
    found = find_breaks(ACCOUNT, links, head)
    assert [(b.problem, b.seq) for b in found] == [("reordered", 2), ("reordered", 3)]
    assert found[0].detail == "it was written as event 3"


def test_an_event_slipped_in_at_the_end_is_found_even_with_a_valid_hash():
    links, head = chain(5)
    last = links[-1]
    digest = link_hash(ACCOUNT, 6, "payment_succeeded", "stripe", {}, START, last.hash)
    links.append(Link(last.id + 1, 6, "payment_succeeded", "stripe", {}, START, last.hash, digest))
    assert problems(links, head) == [("inserted", 6)]


def test_an_event_forged_in_place_of_a_removed_one_is_found():
    links, head = chain(5)
    removed = links[2]
    digest = link_hash(ACCOUNT, 3, "note", "collector", {}, removed.created_at, removed.prev_hash)
    links[2] = Link(999, 3, "note", "collector", {}, removed.created_at, removed.prev_hash, digest)
    assert problems(links, head) == [("inserted", 3)]


def test_a_chain_moved_to_another_account_is_broken():
    links, head = chain(3, account_id=8)
    assert problems(links, head) == [("edited", 1), ("edited", 2), ("edited", 3)]


def test_a_replaced_last_event_is_found_against_the_head():
    links, head = chain(3)
    last = links[-1]
    digest = link_hash(ACCOUNT, 3, "other", last.actor, last.data, last.created_at, last.prev_hash)
    links[-1] = dataclasses.replace(last, kind="other", hash=digest)
    assert problems(links, head) == [("edited", 3)]
