"""Benchmark: the due-payment runner charging due instalments at localstripe, against bare
PaymentIntent creation on the same server in the same run.

    python -m bench.charging [--database postgresql://user@host:port] [--instalments 10000]
                             [--runners 1,2,4] [--bare N] [--profile FILE]

For each runner count (default 1, 2 and 4) it makes a fresh database (PostgreSQL when --database
names a server, else a SQLite file) with --instalments accounts, each on an agreed plan of two
instalments whose first is due today and a card saved at its own localstripe (emptied first; one
person, with one customer and card, to every 100 accounts), then measures:

* the baseline: as many processes as runners call the bare `stripe.PaymentIntent.create(amount,
  currency, customer, payment_method, confirm=True, off_session=True)` on the same localstripe,
  --bare intents between them (default: one per instalment), timed from when all have started;
* charging: as many processes call the runner's own `charge_due`, timed from when all have built
  their app and connected until all have stopped;
* checks: every due instalment charged and none twice, in the database (payments per instalment)
  and at localstripe (succeeded PaymentIntents per instalment); the largest resident memory
  (VmHWM) of a runner process.

Each round has its own database, and each phase an emptied localstripe, so that none pays for the
one before: the runner's claim reads every instalment whose date has come, paid ones too, and
localstripe scans its whole store for every PaymentIntent it returns (for the charge's refunds).
That scan also makes localstripe slower as a phase goes on, so at 10,000 it bounds both rates and
pulls the ratio towards 1: compare ratios measured at one size. --profile writes cProfile
statistics of one runner of the largest count to FILE and prints them, to stderr.

localstripe answers a PaymentIntent in a few milliseconds of one CPU, Stripe in a few hundred
milliseconds of waiting: the ratio here shows what the portal's own work per charge (its
statements, commits, receipt) costs beside the bare call, far more harshly than Stripe would.
Absolute numbers depend on the machine; the ratios are what to compare between runs.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import cli  # noqa: E402 - after the checkout is importable
from bench.campaign import _database  # noqa: E402 - after the checkout is importable
from bench.pages import portal_settings  # noqa: E402

#: The day every round's first instalments fall due, and the runner's "now": 12:00 or 13:00 in
#: New York, the creditors' zone, so every instalment is inside contact hours.
TODAY = datetime.now(UTC).date()
NOW = datetime(TODAY.year, TODAY.month, TODAY.day, 17, 0, tzinfo=UTC)
AMOUNT = 5000
ACCOUNTS_PER_PERSON = 100


def _fill(db, creditor_slug: str, count: int) -> int:
    """A creditor with *count* accounts, each with an agreed plan of two instalments (the first
    due today); returns the creditor's id."""
    from sqlalchemy import insert

    from portal.accounts import policies
    from portal.models import Account, Creditor, Debtor, Instalment, Plan, PlanKind, PlanStatus

    creditor = Creditor(slug=creditor_slug, name=f"Bench {creditor_slug}", timezone="America/New_York")
    db.session.add(creditor)
    db.session.flush()
    plan = dict(
        policy_id=policies.in_force(creditor).id,
        kind=PlanKind.INSTALMENTS,
        status=PlanStatus.ACTIVE,
        frequency="monthly",
        currency="USD",
        total=2 * AMOUNT,
        card_brand="Visa",
        card_last4="4242",
        consent_text="I agree (benchmark wording).",
        consent_at=NOW,
    )
    people = db.session.scalars(
        insert(Debtor).returning(Debtor.id, sort_by_parameter_order=True),
        [
            {"full_name": f"Person {n}", "email": f"{creditor_slug}-{n}@example.com", "created_at": NOW}
            for n in range(-(-count // ACCOUNTS_PER_PERSON))
        ],
    ).all()
    for start in range(0, count, 2000):
        numbers = range(start, min(count, start + 2000))
        account_ids = db.session.scalars(
            insert(Account).returning(Account.id, sort_by_parameter_order=True),
            [
                dict(
                    creditor_id=creditor.id,
                    debtor_id=people[n // ACCOUNTS_PER_PERSON],
                    reference=f"{creditor_slug}-{n}",
                    currency="USD",
                    principal=2 * AMOUNT,
                )
                for n in numbers
            ],
        ).all()
        plan_ids = db.session.scalars(
            insert(Plan).returning(Plan.id, sort_by_parameter_order=True),
            [
                {**plan, "account_id": account_id, "active_account_id": account_id}
                for account_id in account_ids
            ],
        ).all()
        db.session.execute(
            insert(Instalment),
            [
                dict(plan_id=plan_id, number=number, due_date=due, amount=AMOUNT, next_attempt_on=due)
                for plan_id in plan_ids
                for number, due in ((1, TODAY), (2, TODAY + timedelta(days=30)))
            ],
        )
        db.session.commit()
    return creditor.id


def _save_cards(db, stripe_client, creditor_id: int) -> list[tuple[str, str]]:
    """A localstripe customer with a saved card for each person of the creditor, written on the
    person and their plans; returns the (customer, card) pairs."""
    from sqlalchemy import select, update

    from portal.models import Account, Debtor, Plan

    pairs = []
    people = db.session.scalars(
        select(Account.debtor_id)
        .where(Account.creditor_id == creditor_id)
        .distinct()
        .order_by(Account.debtor_id)
    ).all()
    for person in people:
        customer = stripe_client.v1.customers.create(params={"name": f"Person {person}"}).id
        card = {"number": "4242424242424242", "exp_month": 12, "exp_year": TODAY.year + 3, "cvc": "123"}
        method = stripe_client.v1.payment_methods.create(params={"type": "card", "card": card}).id
        stripe_client.v1.payment_methods.attach(method, params={"customer": customer})
        db.session.execute(update(Debtor).where(Debtor.id == person).values(stripe_customer_id=customer))
        db.session.execute(
            update(Plan)
            .where(Plan.account_id.in_(select(Account.id).where(Account.debtor_id == person)))
            .values(stripe_payment_method_id=method)
        )
        pairs.append((customer, method))
    db.session.commit()
    return pairs


def _in_processes(target, args_for: list[tuple], timeout: float = 1800) -> tuple[float, list]:
    """Run *target(*args, ready, go, answers)* in one spawned process per *args_for* entry; the
    seconds from the moment all are ready (started, connected) until all have answered, and their
    answers. Processes, as a task runner's `-k process` workers: threads would share one lock."""
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    ready, go, answers = context.Barrier(len(args_for) + 1), context.Event(), context.Queue()
    children = [context.Process(target=target, args=(*args, ready, go, answers)) for args in args_for]
    for child in children:
        child.start()
    replies: list = []
    try:
        ready.wait(timeout=120)
        started = time.perf_counter()
        go.set()
        while len(replies) < len(children):
            replies.append(answers.get(timeout=timeout))
        elapsed = time.perf_counter() - started
    finally:
        for child in children:
            if len(replies) < len(children):
                child.kill()  # interrupted, or one never answered: nobody waits for the rest
            child.join(timeout=30)
    failed = [reply for reply in replies if isinstance(reply, str)]
    if failed:
        raise SystemExit("a benchmark process failed:\n" + "\n".join(failed))
    return elapsed, replies


def _create_bare(stripe_url: str, pairs: list, count: int, ready, go, answers) -> None:
    """*count* bare PaymentIntents on the cards of *pairs*, through the stripe package alone."""
    import traceback

    try:
        import stripe

        stripe.api_key, stripe.api_base = "sk_test_bench", stripe_url
        # The same HTTP client as the portal's gateway (requests, one kept-alive session).
        stripe.default_http_client = stripe.RequestsClient(timeout=30)
        stripe.Balance.retrieve()  # connected, and the first request's set-up is not timed
        ready.wait(timeout=120)
        go.wait(timeout=120)
        for n in range(count):
            customer, method = pairs[n % len(pairs)]
            intent = stripe.PaymentIntent.create(
                amount=AMOUNT,
                currency="usd",
                customer=customer,
                payment_method=method,
                confirm=True,
                off_session=True,
            )
            if intent.status != "succeeded":
                raise RuntimeError(f"a bare PaymentIntent ended {intent.status}")
        answers.put(count)
    except Exception:  # noqa: BLE001 - handed to the parent, which stops the benchmark
        answers.put(traceback.format_exc())


def _charge(settings: dict, profile: str | None, ready, go, answers) -> None:
    """One runner process: the portal's app, connected, then `charge_due` until nothing is due."""
    import traceback

    try:
        os.environ.update(settings)
        sys.path.insert(0, str(ROOT))
        from portal import create_app
        from portal.extensions import db
        from portal.plans import runner

        app = create_app()
        with app.app_context():
            db.session.execute(db.text("SELECT 1"))
            db.session.commit()
            ready.wait(timeout=120)
            go.wait(timeout=120)
            if profile:
                import cProfile

                profiler = cProfile.Profile()
                report = profiler.runcall(runner.charge_due, NOW)
                profiler.dump_stats(profile)
            else:
                report = runner.charge_due(NOW)
            db.session.remove()
        answers.put((vars(report), _peak_rss_mb()))
    except Exception:  # noqa: BLE001 - handed to the parent, which stops the benchmark
        answers.put(traceback.format_exc())


def _peak_rss_mb() -> float:
    """This process's largest resident memory so far (VmHWM: its own, from exec on; ru_maxrss of a
    spawned child may keep its parent's high mark)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _stripe_intents(stripe_url: str) -> list[dict]:
    """Every PaymentIntent localstripe holds, in pages larger than Stripe allows (localstripe
    rescans its whole store for each page, so pages of 100 would take minutes)."""
    intents: list[dict] = []
    after = ""
    while True:
        request = urllib.request.Request(  # noqa: S310 - loopback only
            f"{stripe_url}/v1/payment_intents?limit=5000{after}",
            headers={"Authorization": "Bearer sk_test_bench"},
        )
        with urllib.request.urlopen(request, timeout=300) as answer:  # noqa: S310
            page = json.load(answer)
        intents += page["data"]
        if not page["has_more"] or not page["data"]:
            return intents
        after = f"&starting_after={page['data'][-1]['id']}"


def _check(db, creditor_id: int, stripe_url: str, due: int) -> dict:
    """How many of the creditor's due instalments were charged, and how many twice, as our records
    and as localstripe tell it."""
    from collections import Counter

    from sqlalchemy import func, select

    from portal.models import Account, Instalment, InstalmentStatus, Payment, PaymentAttempt, Plan

    db.session.expire_all()
    mine = select(Account.id).where(Account.creditor_id == creditor_id)
    paid = db.session.scalar(
        select(func.count())
        .select_from(Instalment)
        .join(Plan, Plan.id == Instalment.plan_id)
        .where(Plan.account_id.in_(mine), Instalment.status == InstalmentStatus.PAID)
    )
    payments = Counter(
        db.session.scalars(
            select(PaymentAttempt.instalment_id)
            .join(Payment, Payment.attempt_id == PaymentAttempt.id)
            .where(Payment.account_id.in_(mine))
        )
    )
    at_stripe = Counter(
        intent["metadata"]["instalment_id"]
        for intent in _stripe_intents(stripe_url)
        # localstripe was emptied before the round: the only intents naming an instalment are its.
        if intent["status"] == "succeeded" and "instalment_id" in (intent.get("metadata") or {})
    )
    twice = {n for n, times in payments.items() if times > 1} | {
        int(n) for n, t in at_stripe.items() if t > 1
    }
    if not paid == len(payments) == len(at_stripe) == due or twice:
        raise SystemExit(
            f"{due} due: {paid} paid, {len(payments)} with payments, {len(at_stripe)} charged at "
            f"localstripe, {len(twice)} charged twice: the runner or the benchmark is wrong"
        )
    return {"charged": len(at_stripe), "twice": len(twice)}


def _round(count: int, instalments: int, bare: int, server: str | None, localstripe, profile) -> dict:
    """One runner count on a database and a localstripe of its own: the figures of its round."""
    import stripe
    from flask_migrate import upgrade
    from sqlalchemy import text

    from portal import create_app
    from portal.extensions import db

    url, drop = _database(server)
    instance = tempfile.mkdtemp(prefix="portal-bench-charging-")  # the runners' task queue file
    try:
        settings = portal_settings(url, localstripe.url, instance)
        os.environ.update(settings)
        app = create_app()
        with app.app_context():
            upgrade()
            creditor_id = _fill(db, "bench", instalments)
            db.session.execute(text("ANALYZE"))  # the statistics a live database's autovacuum keeps
            db.session.commit()
            client = stripe.StripeClient("sk_test_bench", base_addresses={"api": localstripe.url})
            localstripe.reset()
            pairs = _save_cards(db, client, creditor_id)
            share = [bare // count + (n < bare % count) for n in range(count)]
            seconds, _ = _in_processes(_create_bare, [(localstripe.url, pairs, n) for n in share])
            base = bare / seconds
            # Emptied again, with new cards: localstripe's time per intent grows with what it holds,
            # so the runners must not start where the bare intents left it.
            localstripe.reset()
            _save_cards(db, client, creditor_id)
            seconds, replies = _in_processes(
                _charge, [(settings, profile if n == 0 else None) for n in range(count)]
            )
            checked = _check(db, creditor_id, localstripe.url, instalments)
            db.session.remove()
            db.engine.dispose()
    finally:
        drop()
        shutil.rmtree(instance, ignore_errors=True)
    if sum(report["charged"] for report, _rss in replies) != checked["charged"]:
        raise SystemExit("the runners' reports and the records disagree on what was charged")
    rate = checked["charged"] / seconds
    return {"bare": base, "rate": rate, "rss": max(rss for _report, rss in replies), **checked}


def run(instalments: int, runners: list[int], server: str | None, bare: int, profile: str | None) -> dict:
    """Every figure of the benchmark, by name."""
    import pstats

    from tests.helpers.servers import LocalStripe

    figures: dict = {
        "database": "PostgreSQL" if server else "SQLite",
        "due instalments per round": instalments,
        "load average (1 min) at the start": round(os.getloadavg()[0], 2),
    }
    localstripe = LocalStripe()
    try:
        rounds = {
            count: _round(
                count, instalments, bare, server, localstripe, profile if count == max(runners) else None
            )
            for count in runners
        }
    finally:
        localstripe.stop()
    for count, measured in rounds.items():
        runner, creator = ("runner", "creator") if count == 1 else ("runners", "creators")
        figures[f"bare PaymentIntents/s with {count} {creator}"] = round(measured["bare"], 1)
        figures[f"charged/s with {count} {runner}"] = round(measured["rate"], 1)
        figures[f"ratio to bare with {count} {runner} ({count} {creator})"] = round(
            measured["rate"] / measured["bare"], 2
        )
        figures[f"charged with {count} {runner}"] = measured["charged"]
        figures[f"charged twice with {count} {runner}"] = measured["twice"]
    figures["charged twice"] = sum(measured["twice"] for measured in rounds.values())
    figures["peak RSS of a runner process MB"] = round(max(measured["rss"] for measured in rounds.values()))
    figures["load average (1 min) at the end"] = round(os.getloadavg()[0], 2)
    if profile:
        stats = pstats.Stats(profile, stream=sys.stderr)
        stats.sort_stats("cumulative").print_stats(40)
        stats.sort_stats("tottime").print_stats(25)
    return figures


def main(argv: list[str] | None = None) -> dict:
    """Run the benchmark from the command line and print its figures, one `name  value` a line."""
    parser = cli.parser(__doc__)
    parser.add_argument("--instalments", type=int, default=10_000, help="due instalments per runner count")
    parser.add_argument("--runners", default="1,2,4", help="comma-separated runner counts")
    parser.add_argument(
        "--bare", type=int, help="bare PaymentIntents per creator count (default: --instalments)"
    )
    parser.add_argument("--profile", help="write one runner's cProfile statistics here (largest count)")
    options = parser.parse_args(argv)
    runners = [int(n) for n in options.runners.split(",")]
    figures = run(
        options.instalments, runners, options.database, options.bare or options.instalments, options.profile
    )
    cli.print_figures(figures)
    return figures


if __name__ == "__main__":
    main()
