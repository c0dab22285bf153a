"""The Staff page's forms: invite a person, change what they may do."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.console.access import creditors
from portal.forms.base import Form
from portal.forms.choices import CheckboxesField, RadiosField
from portal.forms.fields import TextField

ROLES = [
    ("agent", _l("Agent: works accounts")),
    (
        "supervisor",
        _l("Supervisor: also decides offers and disputes, refunds, runs campaigns, edits policies"),
    ),
    ("admin", _l("Admin: also manages staff")),
]


def _creditor_choices():
    return [(creditor.slug, creditor.name) for creditor in creditors()]


def _role():
    return RadiosField(_l("Role"), choices=ROLES, required=_l("Choose a role"))


def _creditors():
    return CheckboxesField(
        _l("Creditors they may see"),
        choices=_creditor_choices,
    )


class RightsForm(Form):
    role = _role()
    creditors = _creditors()


class InviteForm(Form):
    email = TextField(_l("Email address"), required=_l("Enter their email address"))
    role = _role()
    creditors = _creditors()
