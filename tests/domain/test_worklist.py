"""The "Today" worklist: its groups and their order, one line per account, days left to answer,
and the payment-chance heuristic."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.domain.worklist import Item, Why, days_left, order, payment_chance

T0 = datetime(2027, 1, 15, 9, 0, tzinfo=UTC)
TODAY = date(2027, 1, 15)

GROUP_OF = {
    Why.PROMISE_DUE: 0,
    Why.PLAN_MISSED: 1,
    Why.CALLBACK: 2,
    Why.OFFER: 3,
    Why.DISPUTE: 3,
    Why.BALANCE: 4,
}


def item(account_id: int, why: Why, **fields) -> Item:
    fields.setdefault("since", T0)
    return Item(account_id=account_id, why=why, **fields)


def ids(items: list[Item]) -> list[int]:
    return [i.account_id for i in items]


def test_the_groups_come_in_the_order_staff_work_them():
    items = [
        item(1, Why.BALANCE, balance_minor=500_000, chance=0.9),
        item(2, Why.DISPUTE),
        item(3, Why.CALLBACK, preferred=T0),
        item(4, Why.PLAN_MISSED, due=TODAY),
        item(5, Why.PROMISE_DUE, due=TODAY),
        item(6, Why.OFFER),
    ]
    assert [i.why for i in order(items)] == [
        Why.PROMISE_DUE,
        Why.PLAN_MISSED,
        Why.CALLBACK,
        Why.DISPUTE,  # offers and disputes share a group; account 2 before 6 on a tie
        Why.OFFER,
        Why.BALANCE,
    ]


def test_promises_earliest_due_first():
    items = [
        item(1, Why.PROMISE_DUE, due=TODAY),
        item(2, Why.PROMISE_DUE, due=TODAY - timedelta(days=3)),
        item(3, Why.PROMISE_DUE, due=TODAY - timedelta(days=1)),
    ]
    assert ids(order(items)) == [2, 3, 1]


def test_missed_plans_most_recent_miss_first():
    items = [
        item(1, Why.PLAN_MISSED, due=TODAY - timedelta(days=5)),
        item(2, Why.PLAN_MISSED, due=TODAY - timedelta(days=1)),
        item(3, Why.PLAN_MISSED, due=TODAY - timedelta(days=3)),
    ]
    assert ids(order(items)) == [2, 3, 1]


def test_callbacks_soonest_preferred_time_then_those_without_oldest_first():
    items = [
        item(1, Why.CALLBACK, since=T0 - timedelta(days=1)),
        item(2, Why.CALLBACK, preferred=T0 + timedelta(hours=5)),
        item(3, Why.CALLBACK, since=T0 - timedelta(days=4)),
        item(4, Why.CALLBACK, preferred=T0 + timedelta(hours=1)),
    ]
    assert ids(order(items)) == [4, 2, 3, 1]


def test_offers_and_disputes_together_oldest_first():
    items = [
        item(1, Why.OFFER, since=T0 - timedelta(days=1)),
        item(2, Why.DISPUTE, since=T0 - timedelta(days=9)),
        item(3, Why.OFFER, since=T0 - timedelta(days=4)),
    ]
    assert ids(order(items)) == [2, 3, 1]


def test_balances_by_expected_value_then_balance_then_account():
    items = [
        item(1, Why.BALANCE, balance_minor=100_000, chance=0.5),  # 50_000 expected
        item(2, Why.BALANCE, balance_minor=400_000, chance=0.25),  # 100_000
        item(3, Why.BALANCE, balance_minor=200_000, chance=0.5),  # 100_000, smaller balance
        item(4, Why.BALANCE, balance_minor=50_000, chance=1.0),  # 50_000, smaller balance than 1
        item(5, Why.BALANCE, balance_minor=100_000, chance=0.5),  # same as 1: by account
    ]
    assert ids(order(items)) == [2, 3, 1, 5, 4]


def test_ties_are_broken_by_account_id_whatever_the_input_order():
    items = [item(n, Why.PROMISE_DUE, due=TODAY) for n in (7, 3, 5)]
    assert ids(order(items)) == [3, 5, 7]
    assert ids(order(reversed(items))) == [3, 5, 7]


def test_an_account_appears_once_with_its_first_reason():
    items = [
        item(1, Why.BALANCE, balance_minor=900_000, chance=1.0),
        item(1, Why.CALLBACK, preferred=T0),
        item(2, Why.OFFER),
        item(1, Why.PROMISE_DUE, due=TODAY),
    ]
    result = order(items)
    assert [(i.account_id, i.why) for i in result] == [(1, Why.PROMISE_DUE), (2, Why.OFFER)]


def test_an_account_with_two_items_in_one_group_keeps_the_first_of_them():
    items = [
        item(1, Why.OFFER, since=T0),
        item(1, Why.DISPUTE, since=T0 - timedelta(days=2)),
    ]
    assert [i.why for i in order(items)] == [Why.DISPUTE]


def test_days_left_counts_down_and_goes_negative_when_late():
    assert days_left(date(2027, 1, 20), TODAY) == 5
    assert days_left(TODAY, TODAY) == 0
    assert days_left(date(2027, 1, 13), TODAY) == -2
    assert days_left(date(2027, 3, 1), date(2027, 2, 27)) == 2  # across the end of February


def test_items_refuse_a_float_balance_and_a_chance_outside_zero_to_one():
    with pytest.raises(TypeError):
        item(1, Why.BALANCE, balance_minor=10.5)
    with pytest.raises(ValueError, match="chance"):
        item(1, Why.BALANCE, chance=1.5)
    with pytest.raises(ValueError, match="chance"):
        item(1, Why.BALANCE, chance=float("nan"))


NO_SIGNS = {
    "opened_link": False,
    "confirmed_identity": False,
    "paid_before": False,
    "broken_plans": 0,
    "days_since_contact": None,
}


def chance(**signs) -> float:
    return payment_chance(**{**NO_SIGNS, **signs})


def test_payment_chance_rewards_engagement_and_a_record_of_paying():
    assert chance() == pytest.approx(0.2)
    assert chance(opened_link=True, confirmed_identity=True, paid_before=True, days_since_contact=0) == (
        pytest.approx(0.9)
    )
    assert chance(paid_before=True) > chance(opened_link=True) == chance(confirmed_identity=True) > chance()
    assert chance(days_since_contact=15) == pytest.approx(0.275)  # half the contact bonus left
    assert chance(days_since_contact=30) == chance(days_since_contact=365) == chance()
    assert chance(broken_plans=9) == chance(broken_plans=3) == 0.0


def test_payment_chance_refuses_negative_counts():
    with pytest.raises(ValueError, match="broken_plans"):
        chance(broken_plans=-1)
    with pytest.raises(ValueError, match="days_since_contact"):
        chance(days_since_contact=-1)


# -- properties ---------------------------------------------------------------------------------

moments = st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2028, 1, 1), timezones=st.just(UTC))
days = st.dates(min_value=date(2026, 1, 1), max_value=date(2028, 1, 1))

items_strategy = st.builds(
    Item,
    account_id=st.integers(min_value=1, max_value=12),  # small, so accounts repeat
    why=st.sampled_from(Why),
    since=moments,
    due=st.none() | days,
    preferred=st.none() | moments,
    answer_by=st.none() | days,
    balance_minor=st.integers(min_value=0, max_value=10**9),
    chance=st.floats(min_value=0.0, max_value=1.0),
)


def in_place(a: Item, b: Item) -> bool:
    """True when *a* may come right before *b*, by the rules as the brief words them."""
    ga, gb = GROUP_OF[a.why], GROUP_OF[b.why]
    if ga != gb:
        return ga < gb
    if a.why is Why.PROMISE_DUE and a.due and b.due and a.due != b.due:
        return a.due < b.due
    if a.why is Why.PLAN_MISSED and a.due and b.due and a.due != b.due:
        return a.due > b.due
    if a.why is Why.CALLBACK:
        if (a.preferred is None) != (b.preferred is None):
            return a.preferred is not None
        if a.preferred and b.preferred and a.preferred != b.preferred:
            return a.preferred < b.preferred
        if a.preferred is None and a.since != b.since:
            return a.since < b.since
    if ga == 3 and a.since != b.since:
        return a.since < b.since
    if a.why is Why.BALANCE:
        ea, eb = a.balance_minor * a.chance, b.balance_minor * b.chance
        if ea != eb:
            return ea > eb
        if a.balance_minor != b.balance_minor:
            return a.balance_minor > b.balance_minor
    if (a.why is Why.PROMISE_DUE or a.why is Why.PLAN_MISSED) and (a.due is None) != (b.due is None):
        return a.due is not None
    return a.account_id < b.account_id


@given(st.lists(items_strategy, max_size=30))
def test_order_keeps_one_item_per_account_each_group_together_in_order(items):
    result = order(items)
    # A permutation of the input with each account once.
    assert all(any(kept is given_item for given_item in items) for kept in result)
    assert sorted(ids(result)) == sorted({i.account_id for i in items})
    # No account lost an item to one of a later group.
    for kept in result:
        assert all(GROUP_OF[kept.why] <= GROUP_OF[i.why] for i in items if i.account_id == kept.account_id)
    # Groups are contiguous and in group order, and within a group the items are in place.
    groups = [GROUP_OF[i.why] for i in result]
    assert groups == sorted(groups)
    assert all(in_place(a, b) for a, b in zip(result, result[1:], strict=False))


@given(st.lists(items_strategy, max_size=30), st.randoms())
def test_order_is_idempotent_and_ignores_the_input_order(items, random):
    result = order(items)
    assert order(result) == result
    shuffled = list(items)
    random.shuffle(shuffled)
    # The same accounts in the same places; only an account's exact duplicates could swap.
    assert [(i.account_id, i.why) for i in order(shuffled)] == [(i.account_id, i.why) for i in result]


signals = st.fixed_dictionaries(
    {
        "opened_link": st.booleans(),
        "confirmed_identity": st.booleans(),
        "paid_before": st.booleans(),
        "broken_plans": st.integers(min_value=0, max_value=20),
        "days_since_contact": st.none() | st.integers(min_value=0, max_value=400),
    }
)


@given(signals)
def test_payment_chance_stays_in_zero_to_one(signals):
    assert 0.0 <= payment_chance(**signals) <= 1.0


@given(signals, st.sampled_from(["opened_link", "confirmed_identity", "paid_before"]))
def test_each_good_sign_never_lowers_the_chance(signals, sign):
    assert payment_chance(**{**signals, sign: True}) >= payment_chance(**{**signals, sign: False})


@given(signals, st.integers(min_value=0, max_value=5))
def test_another_broken_plan_never_raises_the_chance(signals, more):
    worse = {**signals, "broken_plans": signals["broken_plans"] + more}
    assert payment_chance(**worse) <= payment_chance(**signals)


@given(signals, st.integers(min_value=0, max_value=100))
def test_older_contact_never_raises_the_chance_and_none_is_the_oldest(signals, more):
    if signals["days_since_contact"] is None:
        signals = {**signals, "days_since_contact": 0}
    older = {**signals, "days_since_contact": signals["days_since_contact"] + more}
    never = {**signals, "days_since_contact": None}
    assert payment_chance(**never) <= payment_chance(**older) <= payment_chance(**signals)
