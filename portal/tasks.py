"""Scheduled jobs on Huey: charge due instalments and send reminders every few minutes, and
forget old drafts and old session records nightly.

Huey keeps its queue in a SQLite file by default (nothing else to run), and in Redis when
HUEY_REDIS_URL is set, so consumers on several machines share one schedule. Both jobs are safe
to run concurrently (leases and FOR UPDATE SKIP LOCKED), so a duplicate run does no harm.
Start a consumer with: huey_consumer portal.tasks.huey
"""

from __future__ import annotations

import os
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


def _app_context():
    """The running app's context when there is one (tests), else one app built from the environment."""
    global _app
    if has_app_context():
        return nullcontext()
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


class EmailStillFailing(Exception):
    """Raised so Huey tries the email again later (it is on the timeline each time)."""


def _resend_options():
    from portal.notify.resend import RETRIES, RETRY_SECONDS

    return {"retries": RETRIES, "retry_delay": RETRY_SECONDS, "retry_backoff": 2}


@huey.task(**_resend_options())
def resend_email_task(email: str, object_id: int) -> bool:
    """Try again an email that failed after a payment (a receipt, a plan confirmation)."""
    from portal.notify.resend import resend

    with _app_context():
        if not resend(email, object_id):
            raise EmailStillFailing(email)
    return True
