"""The console's blueprint and its navigation; its pages live in the modules
`portal.console.init_app` imports."""

from __future__ import annotations

from flask import Blueprint, current_app, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal import clock
from portal.models import StaffRole

bp = Blueprint("console", __name__, url_prefix="/console")

#: (endpoint, link text, the least role that sees it), in the order of the navigation.
NAVIGATION = (
    ("console.today", _l("Today"), StaffRole.AGENT),
    ("console.find", _l("Find an account"), StaffRole.AGENT),
    ("console.queues", _l("Queues"), StaffRole.AGENT),
    ("console.results", _l("Results"), StaffRole.AGENT),
    ("console.policies", _l("Policies"), StaffRole.AGENT),
    ("console.import_accounts", _l("Import"), StaffRole.AGENT),
    ("console.staff_list", _l("Staff"), StaffRole.ADMIN),
    ("console.connections", _l("Connections"), StaffRole.ADMIN),
    ("console.my_account", _l("Your sign-in"), StaffRole.AGENT),
)


#: Pages that act on one account, linked from its page: (endpoint taking account_id, link text,
#: the least role that sees it). Each page module appends its own.
ACCOUNT_ACTIONS: list[tuple[str, object, StaffRole]] = []


@bp.context_processor
def _navigation():
    def console_nav():
        return [
            (endpoint, text, role)
            for endpoint, text, role in NAVIGATION
            if endpoint in current_app.view_functions and current_user.may(role)
        ]

    def account_actions(account):
        return [
            (url_for(endpoint, account_id=account.id), text)
            for endpoint, text, role in ACCOUNT_ACTIONS
            if current_user.may(role)
        ]

    return {"console_nav": console_nav, "account_actions": account_actions, "now": clock.now}
