"""What the debtor reads in the Status column of their plan, from the instalment's state.

One answer for the plan page and the confirmation page. "Due" for a payment months away read
as if something were owed now, so a payment is Upcoming until its day, Due now from it until it is tried, and
Failed — action needed once a try has been refused (the overview says what to do).
"""

from __future__ import annotations

import enum
from datetime import date

from flask_babel import lazy_gettext as _l

from portal import clock
from portal.models import Instalment, InstalmentStatus


class ShownStatus(enum.StrEnum):
    PAID = "paid"
    UPCOMING = "upcoming"
    DUE_NOW = "due-now"
    FAILED = "failed"
    NOT_NEEDED = "not-needed"


WORDS = {
    ShownStatus.PAID: _l("Paid"),
    ShownStatus.UPCOMING: _l("Upcoming"),
    ShownStatus.DUE_NOW: _l("Due now"),
    ShownStatus.FAILED: _l("Failed — action needed"),
    ShownStatus.NOT_NEEDED: _l("Not needed"),
}


def shown_status(instalment: Instalment, today: date) -> ShownStatus:
    """The status a debtor reads for *instalment* on *today*."""
    if instalment.status is InstalmentStatus.PAID:
        return ShownStatus.PAID
    if instalment.status is InstalmentStatus.CANCELLED:
        return ShownStatus.NOT_NEEDED
    if instalment.status is InstalmentStatus.MISSED or instalment.attempts > 0:
        # Missed for good, or refused and waiting for its retry: either way the debtor can act.
        return ShownStatus.FAILED
    if instalment.due_date <= today:
        return ShownStatus.DUE_NOW  # its day has come and the runner has not tried it yet
    return ShownStatus.UPCOMING


def status_words(instalment: Instalment) -> str:
    """Template global: the words for *instalment*'s status on the portal's today."""
    return str(WORDS[shown_status(instalment, clock.today())])
