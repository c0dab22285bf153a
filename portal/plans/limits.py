"""Plain words for each policy limit a choice can break, naming the limit."""

from __future__ import annotations

from flask_babel import gettext as _

from portal.domain.money import Money
from portal.domain.policy import OutsidePolicy
from portal.i18n import money


def explain(error: OutsidePolicy, currency: str) -> str:
    limit = error.limit
    amount = money(Money(limit, currency)) if isinstance(limit, int) else ""
    messages = {
        "below_instalment_minimum": _("Each payment must be at least %(amount)s.", amount=amount),
        "below_part_minimum": _("The smallest amount you can pay now is %(amount)s.", amount=amount),
        "too_many_instalments": _("A plan can have at most %(num)s payments.", num=limit),
        "too_long": _("A plan can last at most %(num)s days.", num=limit),
        "first_date_too_late": _("The first payment must be within %(num)s days from today.", num=limit),
        "first_date_in_past": _("The first payment cannot be in the past."),
        "frequency_not_allowed": _("Choose one of the ways to pay shown."),
        "down_payment_required": _("This plan needs a first payment of at least %(amount)s.", amount=amount),
        "down_payment_invalid": _("The first payment must be less than the whole amount."),
        "amount_is_whole_balance": _("That is the whole amount you owe. Choose Pay in full instead."),
        "choose_count_or_amount": _("Choose either a number of payments or an amount for each payment."),
    }
    return messages.get(error.code, _("This choice is not available online."))
