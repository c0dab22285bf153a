"""A plan's payment dates as an iCalendar file the debtor can add to their own calendar."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Alarm, Calendar, Event

from portal.i18n import localized_setting, money, person_language
from portal.models import InstalmentStatus, Plan
from portal.models.types import utcnow

PRODID = "-//Debtor self-service portal//Payment plan//EN"
# All-day events start at midnight; this rings at 09:00 the day before, on the person's clock.
_ALARM_BEFORE = timedelta(hours=15)


def instalment_uid(plan: Plan, number: int) -> str:
    """The same UID every time the file is made, so a calendar updates the event, not adds one."""
    host = urlsplit(current_app.config["PORTAL_BASE_URL"]).hostname or "portal"
    return f"plan-{plan.id}-instalment-{number}@{host}"


def plan_ics(plan: Plan) -> bytes:
    """One all-day event per instalment on its due date, worded in the debtor's language.

    A cancelled instalment stays in the file marked CANCELLED, so a calendar that imported an
    earlier copy removes it rather than keeping a payment that will not happen.
    """
    account = plan.account
    config = current_app.config
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    with force_locale(person_language(account.debtor.language, account.creditor.country)):
        calendar.add("x-wr-calname", _("Payments to %(creditor)s", creditor=account.creditor.name))
        contact = _(
            "Questions? Call %(name)s on %(phone)s (%(hours)s).",
            name=config["COLLECTOR_NAME"],
            phone=config["COLLECTOR_PHONE"],
            hours=localized_setting("COLLECTOR_HOURS"),
        )
        count = len(plan.instalments)
        for instalment in plan.instalments:
            summary = _(
                "Payment of %(amount)s to %(creditor)s",
                amount=money(account.money(instalment.amount)),
                creditor=account.creditor.name,
            )
            description = "\n".join(
                [
                    _("Payment %(number)s of %(count)s", number=instalment.number, count=count),
                    f"{_('Account reference')}: {account.reference}",
                    contact,
                ]
            )
            calendar.add_component(_event(plan, instalment, summary, description))
    return calendar.to_ical()


def _event(plan: Plan, instalment, summary: str, description: str) -> Event:
    event = Event()
    event.add("uid", instalment_uid(plan, instalment.number))
    # When this plan's schedule was written; stable, so the same plan gives the same file.
    event.add("dtstamp", plan.created_at or utcnow())
    event.add("dtstart", instalment.due_date)
    event.add("dtend", instalment.due_date + timedelta(days=1))
    event.add("summary", summary)
    event.add("description", description)
    event.add("transp", "TRANSPARENT")  # a payment date does not make the person busy
    cancelled = instalment.status == InstalmentStatus.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if not cancelled:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", summary)
        alarm.add("trigger", -_ALARM_BEFORE)
        event.add_component(alarm)
    return event
