"""Every pair of ways to pay, fired at once from two tabs or devices (or a tab and the runner), many times.

Issue 10, section 1: two tabs posting /pay 10-15 ms apart charged the card twice and recorded
once. A one-off card (in full, part, settlement) is typed into the card page's SetupIntent, and a
session holds one such SetupIntent at a time: so two one-off payers are two devices of the same
debtor, each signed in through the link and the identity check, each with its own card page and
its own card confirmed at Stripe. Any other pair is two tabs of one browser (or a tab and the
runner), the plan's ways paying with the plan's saved card. Each pair runs `scale.pick(1, 20)`
rounds at delays spread over 0-30 ms, alternating which way goes first, on whichever database the
suite runs on (PostgreSQL when TEST_POSTGRES_SERVER is set). After each round Stripe's own records
are read back: no card may be charged more than was owed, every charge must be recorded (before
and after Stripe's webhook is delivered), no instalment may be paid twice, and no request may end
in a server error.
"""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import date

import pytest
from flask import g
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Account, Payment, PaymentAttempt, Plan
from portal.payments import service
from portal.plans import agree_step, runner
from tests.helpers import scale
from tests.helpers.cards import VISA_OK, confirm_card
from tests.helpers.plans import make_plan, noon
from tests.reliability import race_kit

ROUNDS = scale.pick(1, 20)
MAX_DELAY = 0.030
DELAY_STEPS = 7  # 0, 5, 10, ... 30 ms
PART = 30000  # $300.00 of the $1,060.25 owed
WITHOUT_PLAN = ["full", "part", "settle"]
#: The ways that pay with a card typed for that payment alone, and the card page each posts to.
CARD_PAGES = {"full": "/pay", "part": "/pay/part/card", "settle": "/settle"}
WITH_PLAN = ["full", "payoff", "next", "first", "runner"]
PAIRS = [("no plan", *pair) for pair in itertools.combinations_with_replacement(WITHOUT_PLAN, 2)] + [
    ("plan", *pair)
    for pair in itertools.combinations_with_replacement(WITH_PLAN, 2)
    if pair != ("full", "full")
]
TOTALS: Counter = Counter()


@pytest.fixture(scope="module", autouse=True)
def _totals_figures():
    """The totals over every pair this module ran, for the report."""
    yield
    for name, value in TOTALS.items():
        scale.figure("payment races", f"all pairs {name}", value)


@pytest.fixture
def portal(app):
    live = race_kit.LivePortal(app)
    yield live
    live.stop()


class Round:
    """One account, its debtor's two tabs (or two devices), and the ways they pay."""

    def __init__(
        self, app, portal, localstripe, make_account, issue_link, number: int, with_plan: bool, ways
    ):
        self.app, self.portal, self.localstripe = app, portal, localstripe
        self.account = make_account(reference=f"RACE-{number}", email=None)
        self.account_id = self.account.id
        # localstripe ignores idempotency keys, so two tabs making the debtor's first Stripe
        # customer at once would make two (real Stripe returns the first): make it beforehand.
        service.customer_for(self.account)
        self.plan_id = make_plan(localstripe, self.account, count=3).id if with_plan else None
        link = issue_link(self.account)
        # One session, one card SetupIntent: two one-off payers are two devices, each signed in
        # (link and identity check) on its own; any other pair is one browser's two tabs.
        self.devices = all(way in CARD_PAGES for way in ways)
        if self.devices:
            self.tabs = [race_kit.signed_in_tabs(portal, self.account, link, count=1)[0] for _ in ways]
        else:
            self.tabs = race_kit.signed_in_tabs(portal, self.account, link)
        self.owed = self.account.balance.minor

    @property
    def customer(self) -> str | None:
        db.session.expire_all()
        return db.session.get(Account, self.account_id).debtor.stripe_customer_id

    def prepare(self, way: str, tab):
        """Everything a way needs before the race (the part amount, the card typed into the card
        page's SetupIntent); its action."""
        base = self.portal.base
        if way in CARD_PAGES:
            if way == "part":
                chosen = tab.post(base + "/pay/part", data={"amount": "300.00"}, allow_redirects=False)
                assert chosen.status_code == 303, chosen.status_code
            path = CARD_PAGES[way]
            page = tab.get(base + path, allow_redirects=False, timeout=10)
            assert page.status_code == 200, (way, page.status_code)
            card = {"setup_intent": confirm_card(self.localstripe, page.text, VISA_OK)}
            return lambda: tab.post(base + path, data=card, allow_redirects=False)
        if way == "payoff":
            return lambda: tab.post(base + "/plan/pay-off", allow_redirects=False)
        if way == "next":
            return lambda: tab.post(base + "/plan/pay-next", allow_redirects=False)
        if way == "first":
            return self._first_payment
        if way == "runner":
            return self._runner
        raise AssertionError(way)

    def _first_payment(self):
        """The first payment taken as the plan is agreed (the agree step's own call)."""
        with self.app.test_request_context("/plan/review", method="POST"):
            try:
                g.account = db.session.get(Account, self.account_id)
                plan = db.session.get(Plan, self.plan_id)
                return agree_step.charge_instalment_now(plan, plan.instalments[0])
            finally:
                db.session.remove()

    def _runner(self):
        with self.app.app_context():
            try:
                return runner.charge_due(noon(date.today()))
            finally:
                db.session.remove()

    def share_cookies(self, source):
        """Tabs of one browser share its cookie jar: what *source* was last given (the part amount,
        the card page's SetupIntent) is what the other tabs send too. Two devices share nothing."""
        if self.devices:
            return
        for other in self.tabs:
            if other is not source:
                other.cookies.update(source.cookies)


def _status(result) -> int | None:
    return getattr(result, "status_code", None)


def _server_errors(results) -> list:
    bad = []
    for result in results:
        if isinstance(result, Exception):
            bad.append(repr(result))
        elif hasattr(result, "status_code") and result.status_code >= 500:
            bad.append(result.status_code)
    return bad


def _instalments_paid_twice(account_id: int) -> int:
    db.session.expire_all()
    rows = db.session.execute(
        select(PaymentAttempt.instalment_id, func.count())
        .join(Payment, Payment.attempt_id == PaymentAttempt.id)
        .where(PaymentAttempt.account_id == account_id, PaymentAttempt.instalment_id.is_not(None))
        .group_by(PaymentAttempt.instalment_id)
    ).all()
    return sum(1 for _instalment, count in rows if count > 1)


@pytest.mark.parametrize(("setting", "first", "second"), PAIRS, ids=lambda v: str(v).replace(" ", "-"))
def test_two_ways_to_pay_at_once_never_overcharge_and_record_every_charge(
    app, portal, localstripe, make_account, issue_link, setting, first, second
):
    tally = Counter()
    problems = []
    offset = PAIRS.index((setting, first, second))
    for number in range(ROUNDS):
        # Delays spread evenly over 0-30 ms; at the small size (one round a pair) they are
        # spread across the pairs instead, and so is which way goes first.
        step = (offset + number) % DELAY_STEPS
        delay = MAX_DELAY * step / (DELAY_STEPS - 1)
        ways = (first, second) if (offset + number) % 2 == 0 else (second, first)
        race = Round(app, portal, localstripe, make_account, issue_link, number, setting == "plan", ways)
        actions = []
        for way, tab in zip(ways, race.tabs, strict=True):
            actions.append(race.prepare(way, tab))
            race.share_cookies(tab)

        results = race_kit.fire_together(actions, delay)

        taken = race_kit.taken_from(localstripe, race.customer)
        db.session.expire_all()
        forgiven = db.session.get(Account, race.account_id).forgiven
        owed = race.owed - forgiven
        missing = race_kit.unrecorded(taken.intents)
        hooks = race_kit.deliver_succeeded_webhooks(portal, localstripe, taken.intents)
        taken_after = race_kit.taken_from(localstripe, race.customer)
        errors = _server_errors(results) + [s for s in hooks if s >= 500]
        round_ = {
            "rounds": 1,
            "charges": len(taken.intents),
            "over-charges": int(taken.gross > owed),
            "over-charges after refunds": int(taken_after.net > owed),
            "unrecorded charges": len(missing),
            "unrecorded charges after webhooks": len(race_kit.unrecorded(taken_after.intents)),
            "server errors": len(errors),
            "instalments paid twice": _instalments_paid_twice(race.account_id),
            "records differ from Stripe": int(race_kit.recorded_net(race.account_id) != taken_after.net),
        }
        tally.update(round_)
        if any(round_[k] for k in round_ if k not in ("rounds", "charges")):
            problems.append(
                {
                    "round": number,
                    "ways": ways,
                    "delay_ms": round(delay * 1000, 1),
                    "owed": owed,
                    "gross": taken.gross,
                    "net": taken_after.net,
                    "errors": errors,
                    **round_,
                }
            )
        # A card form not matched to its session's typed SetupIntent is refused with a 400 before
        # any payment starts: that way never raced, and the round would prove nothing about it.
        unmatched = [way for way, result in zip(ways, results, strict=True) if _status(result) == 400]
        if unmatched:
            problems.append({"round": number, "ways": ways, "card forms refused as untyped": unmatched})
        # Each round gets a fresh account; clear this one's plan so the runner skips it next time.
        db.session.execute(
            Plan.__table__.update().where(Plan.account_id == race.account_id).values(status="completed")
        )
        db.session.commit()

    suite = f"payment races ({setting}: {first} + {second})"
    for name, value in tally.items():
        scale.figure("payment races", f"{suite} {name}", value)
    TOTALS.update(tally)
    assert not problems, "\n".join(str(problem) for problem in problems)
    assert tally["rounds"] == ROUNDS
