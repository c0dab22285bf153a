"""Benchmark: a campaign of many accounts, queued and sent, against baselines measured in the same run.

    python -m bench.campaign [--accounts 100000] [--send 2000] [--workers 1,2,4] [--database URL]
                             [--channel email|sms]

It makes a fresh database (PostgreSQL when --database names a server, else a SQLite file), fills
it with accounts in bulk, then measures:

* queueing: accounts queued per second by `send-links`'s own code (one link message and one
  timeline event per account), against a bare multi-row INSERT of as many rows into a table of
  the same width in the same database;
* sending: messages sent per second by the outbox's senders (1, 2, 4 processes, as a task
  runner's workers) to a local SMTP server, against bare smtplib sends of
  the same messages to the same server; with --channel sms, through the twilio client to the
  test suite's local Twilio stand-in, against bare twilio client sends to the same stand-in;
* memory: the process's peak resident memory after queueing and after sending, and the largest
  sender process's.

Absolute numbers depend on the machine; the ratios are what to compare between runs.
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import cli  # noqa: E402 - after the checkout is importable

MORNING = datetime(2027, 1, 15, 14, 0, tzinfo=UTC)  # 09:00 in New York: every message may go


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _database(server: str | None) -> tuple[str, callable]:
    if server:
        import psycopg

        name = f"portal_bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(server + "/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')

        def drop():
            with psycopg.connect(server + "/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

        return f"{server.replace('postgresql://', 'postgresql+psycopg://')}/{name}", drop
    folder = tempfile.mkdtemp(prefix="portal-bench-")
    return f"sqlite:///{folder}/bench.db", lambda: None


def _fill(db, count: int) -> list[int]:
    """*count* open accounts of one creditor, one person each, inserted in bulk."""
    from sqlalchemy import insert, select

    from portal.models import Account, Creditor, Debtor

    creditor_id = db.session.scalar(
        insert(Creditor).values(slug="bench", name="Bench Bank", created_at=MORNING).returning(Creditor.id)
    )
    for start in range(0, count, 5000):
        numbers = range(start, min(count, start + 5000))
        debtor_ids = db.session.scalars(
            insert(Debtor).returning(Debtor.id, sort_by_parameter_order=True),
            [
                {
                    "full_name": f"Person {n}",
                    "email": f"person{n}@example.com",
                    "phone": f"+1217{2_000_000 + n % 8_000_000:07d}",
                    "date_of_birth": date(1980, 1, 1),
                    "created_at": MORNING,
                }
                for n in numbers
            ],
        ).all()
        db.session.execute(
            insert(Account),
            [
                {
                    "creditor_id": creditor_id,
                    "debtor_id": debtor_id,
                    "reference": f"B-{n}",
                    "currency": "USD",
                    "principal": 10000,
                }
                for n, debtor_id in zip(numbers, debtor_ids, strict=True)
            ],
        )
        db.session.commit()
    return list(db.session.scalars(select(Account.id).order_by(Account.id)))


def _bare_insert_rate(db, count: int) -> float:
    """Rows a second for a multi-row INSERT of *count* rows as wide as a queued message."""
    from sqlalchemy import Column, Integer, MetaData, String, Table, Text, insert

    table = Table(
        "bench_bare_rows",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("account_id", Integer),
        Column("key", String(200), unique=True),
        Column("facts", Text),
    )
    table.create(db.engine)
    started = time.perf_counter()
    for start in range(0, count, 2000):
        rows = [
            {"account_id": n, "key": f"campaign:1:{n}", "facts": '{"campaign_id": 1}'}
            for n in range(start, min(count, start + 2000))
        ]
        db.session.execute(insert(table), rows)
        db.session.commit()
    elapsed = time.perf_counter() - started
    table.drop(db.engine)
    return count / elapsed


def _bare_smtp_rate(port: int, count: int) -> float:
    import smtplib
    from email.message import EmailMessage

    started = time.perf_counter()
    for n in range(count):
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = "bench@example.com", f"p{n}@example.com", "Hello"
        message.set_content("A private message for you: http://127.0.0.1/l/" + "x" * 64)
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
            smtp.send_message(message)
    return count / (time.perf_counter() - started)


def _bare_twilio_rate(settings: dict, count: int) -> float:
    from twilio.rest import Client

    client = Client(settings["TWILIO_ACCOUNT_SID"], settings["TWILIO_AUTH_TOKEN"])
    client.api.base_url = settings["TWILIO_API_BASE"]
    started = time.perf_counter()
    for n in range(count):
        client.messages.create(
            to=f"+1217555{n % 10_000:04d}",
            from_=settings["TWILIO_FROM"],
            body="A private message: " + "x" * 80,
        )
    return count / (time.perf_counter() - started)


def run(accounts: int, send: int, workers: list[int], server: str | None, channel: str = "email") -> dict:
    from aiosmtpd.controller import Controller

    url, drop = _database(server)
    os.environ.update({"PORTAL_ENV": "development", "DATABASE_URL": url})

    class Sink:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
            return "250 OK"

    from tests.helpers.servers import free_port

    port = free_port()
    smtp = Controller(Sink(), hostname="127.0.0.1", port=port)
    smtp.start()
    from tests.helpers.sms_standin import TwilioStandIn

    standin = TwilioStandIn()
    figures: dict = {
        "database": "PostgreSQL" if server else "SQLite",
        "channel": channel,
        "accounts": accounts,
    }
    try:
        from flask_migrate import upgrade
        from sqlalchemy import update

        from portal import create_app
        from portal.collector import campaigns
        from portal.extensions import db
        from portal.models import Creditor, Message, MessageStatus
        from portal.tasks import huey

        app = create_app(
            {
                "SMTP_HOST": "127.0.0.1",
                "SMTP_PORT": port,
                "PORTAL_BASE_URL": "http://127.0.0.1",
                **standin.settings(),
            }
        )
        huey.immediate = False
        huey.storage.flush_all()
        with app.app_context():
            upgrade()
            ids = _fill(db, accounts)
            figures["bare insert rows/s"] = round(_bare_insert_rate(db, accounts))
            creditor = db.session.scalar(db.select(Creditor))
            selection = campaigns.Selection("bench", ids, identity="bench")
            campaign = campaigns.start(creditor, channel, selection, None, MORNING)
            db.session.commit()
            started = time.perf_counter()
            queued, _ = campaigns.queue(campaign, ids, MORNING)
            elapsed = time.perf_counter() - started
            figures["queued"] = queued
            figures["queue seconds"] = round(elapsed, 1)
            figures["accounts queued/s"] = round(queued / elapsed)
            figures["queue / bare insert"] = round(
                figures["accounts queued/s"] / figures["bare insert rows/s"], 2
            )
            figures["peak RSS after queueing MB"] = round(_rss_mb())
            huey.storage.flush_all()

            if channel == "sms":
                baseline = "bare twilio sends/s"
                figures[baseline] = round(_bare_twilio_rate(standin.settings(), min(send, 500)), 1)
            else:
                baseline = "bare smtplib sends/s"
                figures[baseline] = round(_bare_smtp_rate(port, min(send, 500)), 1)
            # Only *send* messages are due at a time: the rest wait, as a campaign's morning does.
            db.session.execute(update(Message).values(not_before=datetime(2099, 1, 1, tzinfo=UTC)))
            db.session.commit()
            for count in workers:
                due = db.session.scalars(
                    db.select(Message.id)
                    .where(Message.status == MessageStatus.QUEUED)
                    .order_by(Message.id)
                    .limit(send)
                ).all()
                db.session.execute(update(Message).where(Message.id.in_(due)).values(not_before=MORNING))
                db.session.commit()
                rate = _send_with(app, count, len(due))
                figures[f"sent/s with {count} senders"] = round(rate, 1)
                figures[f"senders {count} / {baseline.removesuffix(' sends/s')}"] = round(
                    rate / figures[baseline], 2
                )
            figures["peak RSS after sending MB"] = round(_rss_mb())
            figures["RSS of a sender process after sending MB"] = round(max(_SENDER_RSS))
            db.session.remove()
            db.engine.dispose()
    finally:
        smtp.stop()
        standin.stop()
        drop()
    return figures


#: The largest resident memory a sender process reported after its run, per run.
_SENDER_RSS: list[float] = []


def _send_with(app, workers: int, expected: int) -> float:
    """Messages a second for *workers* sender processes draining the due messages at once (as a
    Huey consumer with `-k process`: threads of one process would share one interpreter lock)."""
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    ready, go = context.Barrier(workers + 1), context.Event()
    counts = context.Queue()
    settings = {key: app.config[key] for key in _CHILD_SETTINGS}
    children = [context.Process(target=_drain, args=(settings, ready, go, counts)) for _ in range(workers)]
    for child in children:
        child.start()
    ready.wait(timeout=120)  # every child has built its app and connected: only sending is timed
    started = time.perf_counter()
    go.set()
    reports = [counts.get(timeout=600) for _ in children]
    elapsed = time.perf_counter() - started
    sent = sum(count for count, _rss in reports)
    _SENDER_RSS.append(max(rss for _count, rss in reports))
    for child in children:
        child.join()
    if sent != expected:
        raise SystemExit(f"{sent} sent of {expected} due: the benchmark is wrong")
    return expected / elapsed


_CHILD_SETTINGS = (
    "SQLALCHEMY_DATABASE_URI",
    "SMTP_HOST",
    "SMTP_PORT",
    "PORTAL_BASE_URL",
    "TWILIO_ACCOUNT_SID",
    "TWILIO_AUTH_TOKEN",
    "TWILIO_FROM",
    "TWILIO_API_BASE",
)


def _drain(settings: dict, ready, go, counts) -> None:
    os.environ["PORTAL_ENV"] = "development"
    sys.path.insert(0, str(ROOT))
    from portal import create_app
    from portal.extensions import db
    from portal.notify import sender
    from portal.tasks import huey

    huey.immediate = True  # nothing is handed to a queue from here
    app = create_app(settings)
    with app.app_context():
        db.session.execute(db.text("SELECT 1"))
        ready.wait(timeout=120)
        go.wait(timeout=120)
        sent = sender.send_due(MORNING)
        db.session.remove()
        counts.put((sent, _current_rss_mb()))


def _current_rss_mb() -> float:
    """This process's resident memory now. (ru_maxrss would not do for a child: it keeps the high
    mark of the parent's pages it shared between fork and exec.)"""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def main(argv: list[str] | None = None) -> dict:
    parser = cli.parser(__doc__)
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--send", type=int, default=2000, help="messages sent per sender count")
    parser.add_argument("--workers", default="1,2,4", help="comma-separated sender counts")
    parser.add_argument("--channel", choices=["email", "sms"], default="email")
    options = parser.parse_args(argv)
    workers = [int(w) for w in options.workers.split(",")]
    figures = run(options.accounts, options.send, workers, options.database, options.channel)
    cli.print_figures(figures)
    return figures


if __name__ == "__main__":
    main()
