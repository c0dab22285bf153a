"""Scheduled jobs on Huey: charge due instalments and send reminders every few minutes, and
forget old drafts and old session records nightly.

Huey keeps its queue in a SQLite file by default (nothing else to run), and in Redis when
HUEY_REDIS_URL is set, so consumers on several machines share one schedule. Both jobs are safe
to run concurrently (leases and FOR UPDATE SKIP LOCKED), so a duplicate run does no harm.
Start a consumer with: huey_consumer portal.tasks.huey
"""

from __future__ import annotations

import os
import threading
from contextlib import nullcontext

from flask import has_app_context
from huey import RedisHuey, SqliteHuey, crontab

from portal.config import INSTANCE_DIR


def make_huey():
    redis_url = os.environ.get("HUEY_REDIS_URL", "").strip()
    if redis_url:
        return RedisHuey("debtor-portal", url=redis_url)
    INSTANCE_DIR.mkdir(exist_ok=True)
    return SqliteHuey("debtor-portal", filename=str(INSTANCE_DIR / "tasks.db"))


huey = make_huey()
_app = None
# A consumer's worker threads start their first tasks at once: one app for all of them, built once
# (two create_app() at a time would register the API's shared blueprints twice).
_app_lock = threading.Lock()


def _app_context():
    """The running app's context when there is one (tests), else one app built from the environment."""
    global _app
    if has_app_context():
        return nullcontext()
    with _app_lock:
        if _app is None:
            from portal import create_app

            _app = create_app()
    return _app.app_context()


@huey.periodic_task(crontab(minute="*/15"))
def charge_due_task() -> str:
    """Charge every instalment that is due."""
    from portal import clock
    from portal.plans.runner import charge_due

    with _app_context():
        return charge_due(clock.now()).summary()


@huey.periodic_task(crontab(minute="*/30"))
def send_reminders_task() -> int:
    """Email reminders a few days before each payment (and the day before a promised payment),
    within contact hours."""
    from portal import clock
    from portal.plans.reminders import send_reminders

    with _app_context():
        return send_reminders(clock.now())


@huey.periodic_task(crontab(minute="7", hour="3"))
def forget_old_drafts_task() -> int:
    """Delete answers to unsent forms that nobody has touched for DRAFT_DAYS days."""
    from datetime import timedelta

    from flask import current_app

    from portal import clock
    from portal.guidance.questions import forget_old_drafts

    with _app_context():
        return forget_old_drafts(clock.now() - timedelta(days=current_app.config["DRAFT_DAYS"]))


@huey.periodic_task(crontab(minute="17", hour="3"))
def forget_old_sessions_task() -> int:
    """Delete records of debtor sessions that have had no request for a month."""
    from portal.links import sessions

    with _app_context():
        return sessions.forget_old()


@huey.task()
def send_message_task(message_id: int, caused_at: str) -> str | None:
    """Send one message from the outbox, handed over when the transaction that queued it committed.

    It runs in an app context of its own (its own database session): in Huey's immediate mode
    that is still inside the commit of the cause, whose session can run no more SQL.
    In Huey's immediate mode (tests, a command's --now) the task runs in the very instant of its
    cause, so it is judged at the cause's moment; a consumer, which may run it later, judges it at
    the later of that moment and the clock's (never earlier than now: contact hours are real).
    """
    from portal.notify import sender

    with _own_app_context():
        status = sender.send_one(message_id, _moment(caused_at))
    return status.value if status else None


@huey.periodic_task(crontab(minute="*"))
def send_outbox_task() -> int:
    """Send every message whose moment has come (held back for the hour, retries, or any the
    hand-over missed)."""
    from portal import clock
    from portal.notify import sender

    with _app_context():
        return sender.send_due(clock.now())


@huey.task()
def drain_outbox_task(caused_at: str) -> int:
    """Send every due message (a campaign asks for several of these at once: each takes its own
    batches, so they share the work and never send one message twice). The moment is chosen as
    in `send_message_task`."""
    from portal.notify import sender

    with _own_app_context():
        return sender.send_due(_moment(caused_at))


def _moment(caused_at: str):
    from datetime import datetime

    from portal import clock

    caused = datetime.fromisoformat(caused_at)
    return caused if huey.immediate else max(caused, clock.now())


def _own_app_context():
    """A new app context, so a database session of its own, for the running app or a new one."""
    from flask import current_app

    if has_app_context():
        return current_app._get_current_object().app_context()
    return _app_context()


@huey.task()
def deliver_webhooks_task(delivery_ids: list[int]) -> int:
    """Deliver the webhook messages a transaction wrote, handed over when it committed (in an
    app context of its own, as `send_message_task`: in immediate mode the cause is mid-commit)."""
    from portal import clock
    from portal.webhooks import delivery

    with _own_app_context():
        return delivery.deliver_due(clock.now(), delivery_ids)


@huey.periodic_task(crontab(minute="*"))
def deliver_webhooks_due_task() -> int:
    """Deliver every webhook message that is due (retries, messages waiting behind an earlier one,
    any the hand-over missed) and send any disabled-endpoint notice still owed."""
    from portal import clock
    from portal.webhooks import delivery

    with _app_context():
        return delivery.sweep(clock.now())
