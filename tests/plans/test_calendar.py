"""The plan's calendar file: one all-day event per payment, stable, in the debtor's language."""

from __future__ import annotations

from datetime import date, timedelta

from icalendar import Calendar

from portal.extensions import db
from portal.models import InstalmentStatus
from portal.notify.plan_calendar import plan_ics
from tests.helpers.plans import plan_rows

DATES = [date(2027, 2, 1), date(2027, 3, 1), date(2027, 4, 1)]


def _events(ics: bytes):
    return Calendar.from_ical(ics).walk("VEVENT")


def test_one_all_day_event_per_instalment_on_its_due_date(make_account):
    plan = plan_rows(make_account(), [(DATES[0], 5000), (DATES[1], 5000), (DATES[2], 2500)])

    events = _events(plan_ics(plan))

    assert len(events) == 3
    for event, due in zip(events, DATES, strict=True):
        start, end = event.decoded("dtstart"), event.decoded("dtend")
        assert type(start) is date and start == due  # a date, not a time: all day
        assert end == due + timedelta(days=1)
        assert str(event["status"]) == "CONFIRMED"
    assert [str(e["summary"]) for e in events] == [
        "Payment of $50.00 to Acme Bank",
        "Payment of $50.00 to Acme Bank",
        "Payment of $25.00 to Acme Bank",
    ]


def test_the_description_names_the_account_and_how_to_reach_the_collector(make_account):
    plan = plan_rows(make_account("ACC-77"), [(DATES[0], 5000), (DATES[1], 5000)])
    description = str(_events(plan_ics(plan))[1]["description"])
    assert "Payment 2 of 2" in description
    assert "Account reference: ACC-77" in description
    assert "1-800-555-0100" in description and "Example Recovery Services" in description


def test_uids_are_unique_per_instalment_and_stable_between_files(make_account):
    plan = plan_rows(make_account(), [(DATES[0], 5000), (DATES[1], 5000)])
    first = plan_ics(plan)
    uids = [str(e["uid"]) for e in _events(first)]
    assert len(set(uids)) == 2
    assert all(uid.endswith("@portal.test") for uid in uids)
    assert plan_ics(plan) == first  # same plan, same bytes: a re-import updates, never duplicates

    other = plan_rows(make_account("ACC-2", full_name="John Roe"), [(DATES[0], 5000)])
    assert not set(uids) & {str(e["uid"]) for e in _events(plan_ics(other))}


def test_a_cancelled_instalment_is_marked_cancelled_without_an_alarm(make_account):
    plan = plan_rows(make_account(), [(DATES[0], 5000), (DATES[1], 5000)])
    plan.instalments[1].status = InstalmentStatus.CANCELLED
    db.session.commit()
    first, second = _events(plan_ics(plan))
    assert str(first["status"]) == "CONFIRMED" and first.walk("VALARM")
    assert str(second["status"]) == "CANCELLED" and not second.walk("VALARM")


def test_a_spanish_debtor_gets_spanish_amounts_and_wording(make_account):
    plan = plan_rows(make_account(language="es"), [(DATES[0], 5000)])
    (event,) = _events(plan_ics(plan))
    # Spanish in the US writes dollars as the US does, not as Spain does ("50,00 US$").
    assert str(event["summary"]) == "Pago de $50.00 a Acme Bank"
    # An existing, translated label shows the Spanish catalog is in use.
    assert "Referencia de la cuenta: ACC-1" in str(event["description"])


def test_an_unsupported_language_falls_back_to_english(make_account):
    plan = plan_rows(make_account(language="de"), [(DATES[0], 5000)])
    (event,) = _events(plan_ics(plan))
    assert str(event["summary"]) == "Payment of $50.00 to Acme Bank"
