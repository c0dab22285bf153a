"""The Results page's figures, on the real database: the funnel, money recovered, plans, settlement
discounts and time to a first payment, each limited to the creditors and dates asked for.

Links, openings, identity checks, choices, plans and card payments go through the portal's own
services (card payments on the fake gateway). The timeline's clock is set where a test needs
events at exact moments; payments needed at exact moments are written as rows, as the payment
recorder would write them, since it always stamps the real time.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import event

from portal import timeline
from portal.cant_pay import service as cant_pay
from portal.console import results
from portal.domain import transitions
from portal.domain.money import Money
from portal.extensions import db
from portal.links import identity_check
from portal.links import service as links
from portal.models import InstalmentStatus, MagicLink, Payment, PlanStatus, Purpose
from portal.models.types import utcnow
from tests.helpers.plans import noon, plan_rows
from tests.helpers.records import events
from tests.helpers.results import at, fake_gateway, pay_by_card
from tests.helpers.results import link as _link
from tests.helpers.results import paid as _paid

MONDAY = date(2026, 3, 2)


@pytest.fixture
def clock(monkeypatch):
    """Events recorded after `clock(moment)` carry *moment* as their time."""

    def set_to(moment: datetime) -> None:
        monkeypatch.setattr(timeline, "utcnow", lambda: moment)

    return set_to


@pytest.fixture
def gateway(app):
    return fake_gateway(app)


@pytest.fixture
def pay(gateway):
    """Pay by card on-session, as the debtor does on the pay page (recorded at the real time)."""

    def charge(account, amount: int | None = None, purpose: Purpose = Purpose.FULL) -> Payment:
        return pay_by_card(gateway, account, amount, purpose)

    return charge


def _steps(funnel: results.Funnel) -> dict[str, int]:
    assert [s.step for s in funnel.steps] == list(results.STEPS)
    return {s.step: s.accounts for s in funnel.steps}


def test_the_funnel_counts_each_step_among_the_accounts_given_a_link_in_the_range(
    make_account, runner, mailbox, clock, pay
):
    yesterday = utcnow().date() - timedelta(days=1)
    jane = make_account("ACC-1")
    john = make_account("ACC-2", full_name="John Roe", email="john@example.com")
    ana = make_account("ACC-3", full_name="Ana Ruiz", email="ana@example.com")
    sam = make_account("ACC-4", full_name="Sam Lee", email="sam@example.com")
    old = make_account("ACC-5", full_name="Old Link", email="old@example.com")
    bo = make_account("BR-1", "bravo", "Bravo Credit", full_name="Bo Park", email="bo@example.com")
    acme, bravo = jane.creditor_id, bo.creditor_id

    clock(noon(yesterday) - timedelta(days=3))
    old_link = _link(old)  # before the range: Old is not in this period's funnel
    clock(noon(yesterday))
    moment = noon(yesterday).isoformat()
    for reference, creditor in (("ACC-1", "acme"), ("BR-1", "bravo")):
        command = ["send-link", reference, "--creditor", creditor, "--channel", "email", "--now", moment]
        sent = runner.invoke(args=command)
        assert sent.exit_code == 0, sent.output
    for account in (jane, bo):
        (issued,) = events(account, "link_issued")
        link = db.session.get(MagicLink, issued.data["link_id"])
        links.note_opened(link)
        identity_check.answer(link, lambda: True)
        db.session.commit()
        pay(account)  # choosing to pay is the option chosen, then the money
    _link(john, opened=True, confirmed=True)
    cant_pay.make_promise(john, yesterday + timedelta(days=7), None)
    db.session.commit()
    _link(ana)
    _link(sam)
    _link(sam, opened=True)
    links.note_opened(old_link)
    db.session.commit()
    start, end = yesterday, yesterday + timedelta(days=1)

    only_acme = results.funnel([acme], start, end)

    assert (only_acme.links_issued, only_acme.links_sent) == (5, 1)  # Sam has two links
    assert _steps(only_acme) == {
        "issued": 4,
        "sent": 1,
        "opened": 3,
        "identity_confirmed": 2,
        "option_chosen": 2,
        "paid": 1,
    }
    both = results.funnel([acme, bravo], start, end)
    assert (both.links_issued, both.links_sent) == (6, 2)
    assert list(_steps(both).values()) == [5, 2, 4, 3, 3, 2]
    assert _steps(results.funnel([bravo], start, end)) == dict.fromkeys(results.STEPS, 1)
    nothing = results.funnel([], start, end)
    assert (nothing.links_issued, nothing.links_sent) == (0, 0)
    assert _steps(nothing) == dict.fromkeys(results.STEPS, 0)


def test_range_ends_are_whole_utc_days_and_a_later_step_counts_only_inside_the_range(make_account, clock):
    accounts = [make_account(f"ACC-{n}", email=f"p{n}@example.com") for n in range(5)]
    sunday = MONDAY + timedelta(days=13)
    moments = [
        at(MONDAY, 0),  # the first instant of the first day: in
        at(MONDAY - timedelta(days=1), 23, 59, 59, 999999),  # the last instant before: out
        at(sunday, 23, 59, 59, 999999),  # the last instant of the last day: in
        at(sunday + timedelta(days=1), 0),  # the first instant after: out
    ]
    for account, moment in zip(accounts, moments, strict=False):
        clock(moment)
        _link(account)
    clock(at(MONDAY, 9))
    _link(accounts[4])
    clock(at(sunday + timedelta(days=1), 9))
    links.note_opened(links.issue(accounts[4]))  # opened, but after the range ended
    db.session.commit()

    funnel = results.funnel([accounts[0].creditor_id], MONDAY, sunday)

    assert funnel.links_issued == 3
    assert _steps(funnel)["issued"] == 3 and _steps(funnel)["opened"] == 0
    one_day = results.funnel([accounts[0].creditor_id], MONDAY, MONDAY)
    assert _steps(one_day)["issued"] == 2
    with pytest.raises(ValueError):
        results.funnel([accounts[0].creditor_id], sunday, MONDAY)


def test_money_recovered_is_kept_money_by_creditor_iso_week_and_currency(make_account):
    sunday = MONDAY + timedelta(days=13)
    jane = make_account("ACC-1")
    euro = make_account("ACC-2", currency="EUR", email="eu@example.com")
    bo = make_account("BR-1", "bravo", "Bravo Credit", email="bo@example.com")
    _paid(jane, at(MONDAY, 0), 100)
    _paid(jane, at(MONDAY - timedelta(days=1), 23, 59, 59, 999999), 200)  # the day before: out
    _paid(jane, at(MONDAY + timedelta(days=1)), 1000, refunded=250)  # 750 kept
    _paid(jane, at(MONDAY + timedelta(days=2)), 300, refunded=300)  # all given back: nothing kept
    _paid(jane, at(sunday, 23, 59, 59, 999999), 400)
    _paid(jane, at(sunday + timedelta(days=1), 0), 800)  # the day after: out
    _paid(euro, at(MONDAY + timedelta(days=8)), 5000)
    _paid(bo, at(MONDAY + timedelta(days=3)), 9000)
    second = MONDAY + timedelta(days=7)

    rows = results.recovered_by_week([jane.creditor_id], MONDAY, sunday)

    assert [(r.creditor, r.week, r.amount) for r in rows] == [
        ("Acme Bank", MONDAY, Money(850, "USD")),
        ("Acme Bank", second, Money(5000, "EUR")),
        ("Acme Bank", second, Money(400, "USD")),
    ]
    assert {r.creditor_id for r in rows} == {jane.creditor_id}
    both = results.recovered_by_week([jane.creditor_id, bo.creditor_id], MONDAY, sunday)
    assert [(r.creditor, r.amount.minor) for r in both][-1] == ("Bravo Credit", 9000)
    assert results.recovered_by_week([bo.creditor_id], MONDAY, MONDAY) == ()
    assert results.recovered_by_week([], MONDAY, sunday) == ()


def _miss(plan, number: int) -> None:
    instalment = plan.instalments[number - 1]
    transitions.INSTALMENT.move(instalment, InstalmentStatus.MISSED)
    plan.misses += 1
    db.session.commit()


def test_plans_are_on_track_behind_broken_completed_or_cancelled(make_account, pay, gateway):
    today = utcnow().date()
    schedule = [(today + timedelta(days=30 * n), 10000) for n in range(3)]
    accounts = [make_account(f"ACC-{n}", email=f"p{n}@example.com") for n in range(7)]
    plan_rows(accounts[0], schedule)
    plan_rows(accounts[1], schedule)
    _miss(plan_rows(accounts[2], schedule), 1)
    caught_up = plan_rows(accounts[3], schedule)
    _miss(caught_up, 1)
    transitions.INSTALMENT.move(caught_up.instalments[0], InstalmentStatus.PAID)  # paid late after all
    db.session.commit()
    plan_rows(accounts[4], schedule, status=PlanStatus.BROKEN)
    plan_rows(accounts[5], schedule, status=PlanStatus.COMPLETED)
    plan_rows(accounts[5], schedule, status=PlanStatus.CANCELLED)
    ended_long_ago = plan_rows(accounts[5], schedule, status=PlanStatus.BROKEN)
    ended_long_ago.ended_at = at(today - timedelta(days=40))
    db.session.commit()
    pay(accounts[6], 50000, Purpose.SETTLEMENT)  # a settlement is no instalment plan
    bo = make_account("BR-1", "bravo", "Bravo Credit", email="bo@example.com")
    plan_rows(bo, schedule, status=PlanStatus.BROKEN)
    acme = accounts[0].creditor_id

    health = results.plan_health([acme], today - timedelta(days=7), today)

    assert health == results.PlanHealth(on_track=3, behind=1, broken=1, completed=1, cancelled=1)
    everyone = results.plan_health([acme, bo.creditor_id], today - timedelta(days=60), today)
    assert (everyone.broken, everyone.on_track) == (3, 3)
    yesterday = today - timedelta(days=1)
    assert results.plan_health([acme], yesterday, yesterday) == results.PlanHealth(0, 0, 0, 0, 0)
    assert results.plan_health([], today, today) == results.PlanHealth(0, 0, 0, 0, 0)


def test_settlement_discounts_count_settled_accounts_and_what_was_forgiven(make_account, pay):
    today = utcnow().date()
    jane = make_account("ACC-1")  # owes 1,060.25 USD
    john = make_account("ACC-2", principal=50000, interest=0, fees=0, email="john@example.com")
    ana = make_account("ACC-3", currency="EUR", email="ana@example.com")
    paid_in_full = make_account("ACC-4", email="sam@example.com")
    bo = make_account("BR-1", "bravo", "Bravo Credit", email="bo@example.com")
    pay(jane, 60000, Purpose.SETTLEMENT)
    pay(john, 40000, Purpose.SETTLEMENT)
    pay(ana, 80000, Purpose.SETTLEMENT)
    pay(paid_in_full)
    pay(bo, 10000, Purpose.SETTLEMENT)

    discounts = results.settlement_discounts([jane.creditor_id], today, today)

    assert discounts == results.SettlementDiscounts(
        accounts=3,
        by_currency=(
            results.Discount(1, Money(80000, "EUR"), Money(26025, "EUR")),
            results.Discount(2, Money(100000, "USD"), Money(46025 + 10000, "USD")),
        ),
    )
    both = results.settlement_discounts([jane.creditor_id, bo.creditor_id], today, today)
    assert both.accounts == 4
    yesterday = today - timedelta(days=1)
    assert results.settlement_discounts([jane.creditor_id], yesterday, yesterday).accounts == 0
    assert results.settlement_discounts([], today, today) == results.SettlementDiscounts(0, ())


def test_time_to_first_payment_runs_from_the_first_link_to_the_first_payment(make_account, clock):
    day = MONDAY
    a, b, c, d, e, f, g = (make_account(f"ACC-{n}", email=f"p{n}@example.com") for n in range(7))
    bo = make_account("BR-1", "bravo", "Bravo Credit", email="bo@example.com")
    clock(at(day - timedelta(days=30)))
    _link(f)
    clock(at(day))
    for account in (a, b, c, g, bo):
        _link(account)
    clock(at(day + timedelta(days=3)))
    _link(b)  # a later link: the wait still counts from the first
    _link(e)
    _paid(a, at(day + timedelta(days=2)), 1000)  # 2 days
    _paid(b, at(day + timedelta(days=5)), 1000)  # 5 days
    _paid(c, at(day + timedelta(days=11), 0), 1000)  # 10.5 days
    _paid(d, at(day + timedelta(days=1)), 1000)  # paid with no link at all: left out
    _paid(e, at(day + timedelta(days=1)), 1000)  # paid before its first link: left out
    _paid(f, at(day - timedelta(days=20)), 1000)  # first paid before the range: left out
    _paid(f, at(day + timedelta(days=1)), 1000)
    _paid(g, at(day + timedelta(days=1)), 500, refunded=500)  # all given back: not a payment
    _paid(g, at(day + timedelta(days=4)), 1000)  # 4 days
    _paid(bo, at(day + timedelta(days=1)), 1000)

    waited = results.time_to_first_payment([a.creditor_id], day, day + timedelta(days=12))

    assert (waited.accounts, waited.median_days, waited.p90_days) == (4, Decimal("4.5"), Decimal("8.9"))
    assert [(s.from_days, s.under_days, s.accounts) for s in waited.spread] == [
        (0, 1, 0),
        (1, 3, 1),
        (3, 7, 2),
        (7, 14, 1),
        (14, 30, 0),
        (30, 90, 0),
        (90, None, 0),
    ]
    bravo = results.time_to_first_payment([bo.creditor_id], day, day + timedelta(days=12))
    assert (bravo.accounts, bravo.median_days, bravo.p90_days) == (1, Decimal("1.0"), Decimal("1.0"))
    nothing = results.time_to_first_payment([], day, day + timedelta(days=12))
    assert (nothing.accounts, nothing.median_days, nothing.p90_days) == (0, None, None)
    assert sum(s.accounts for s in nothing.spread) == 0


@pytest.fixture
def statements(app):
    """Count the SQL statements run while the block runs."""

    @contextmanager
    def counting():
        seen = []

        def note(conn, cursor, statement, *args):
            seen.append(statement)

        event.listen(db.engine, "before_cursor_execute", note)
        try:
            yield seen
        finally:
            event.remove(db.engine, "before_cursor_execute", note)

    return counting


@pytest.mark.parametrize("how_many", [2, 8])
def test_each_figure_takes_the_same_few_statements_however_many_accounts(
    make_account, clock, statements, how_many
):
    for n in range(how_many):
        account = make_account(f"ACC-{n}", email=f"p{n}@example.com")
        clock(at(MONDAY))
        _link(account, opened=True, confirmed=True)
        _paid(account, at(MONDAY + timedelta(days=1)), 1000)
        plan_rows(account, [(MONDAY + timedelta(days=30), 1000)], status=PlanStatus.BROKEN)
    ids, end = [account.creditor_id], MONDAY + timedelta(days=6)
    db.session.expire_all()

    for figure, most in (
        (results.funnel, 4),
        (results.recovered_by_week, 1),
        (results.plan_health, 1),
        (results.settlement_discounts, 1),
        (results.time_to_first_payment, 1),
    ):
        with statements() as seen:
            figure(ids, MONDAY, end)
        assert len(seen) <= most, (figure.__name__, seen)
