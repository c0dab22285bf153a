"""The plan's Status column: Paid, Upcoming, Due now, Failed — action needed, Not needed."""

from datetime import date

import pytest

from portal.models import Instalment, InstalmentStatus
from portal.plans.shown_status import ShownStatus, shown_status

TODAY = date(2027, 3, 10)


def _instalment(status=InstalmentStatus.SCHEDULED, due=TODAY, attempts=0):
    return Instalment(
        number=1, due_date=due, amount=1000, status=status, next_attempt_on=due, attempts=attempts
    )


@pytest.mark.parametrize(
    ("instalment", "shown"),
    [
        (_instalment(InstalmentStatus.PAID, due=date(2027, 2, 10), attempts=1), ShownStatus.PAID),
        (_instalment(due=date(2027, 6, 10)), ShownStatus.UPCOMING),  # months away: not "Due"
        (_instalment(due=date(2027, 3, 11)), ShownStatus.UPCOMING),
        (_instalment(due=TODAY), ShownStatus.DUE_NOW),
        (_instalment(due=TODAY, attempts=1), ShownStatus.FAILED),  # refused, waiting for its retry
        (_instalment(InstalmentStatus.MISSED, due=date(2027, 2, 10), attempts=3), ShownStatus.FAILED),
        (_instalment(InstalmentStatus.CANCELLED, due=date(2027, 6, 10)), ShownStatus.NOT_NEEDED),
    ],
)
def test_each_instalment_reads_as_the_debtor_would_expect(instalment, shown):
    assert shown_status(instalment, TODAY) is shown


def test_the_plan_page_says_upcoming_for_later_payments(client, make_account, sign_in, localstripe):
    from tests.helpers.plans import make_plan

    account = make_account()
    make_plan(localstripe, account, count=3)
    sign_in(account)
    page = client.get("/plan").text
    assert page.count('<td data-label="Status">Upcoming</td>') == 2
    assert ">Due<" not in page
