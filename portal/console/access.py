"""Who may see what in the console: the signed-in person (Flask-Login, from the staff cookie's
server-held session), their role, and the creditors they are limited to."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort, g, redirect, request, session, url_for
from flask_login import LoginManager, current_user
from sqlalchemy import Select, select

from portal.console import staff_sessions
from portal.extensions import db
from portal.models import Account, Creditor, StaffRole, StaffUser

login_manager = LoginManager()
#: The key in the staff cookie that holds the session's random id.
SESSION_KEY = "staff_session"
#: Posts to the sign-in and set-up pages from one address: enough for typing mistakes, too few
#: to guess (the lock after STAFF_LOCK_AFTER wrong tries guards each person as well).
SIGN_IN_RATE = "20 per 10 minute"


@login_manager.request_loader
def _load(_request) -> StaffUser | None:
    record = staff_sessions.live(session.get(SESSION_KEY))
    if record is None:
        return None
    g.staff_session = record
    return record.staff


@login_manager.unauthorized_handler
def _sign_in_first():
    return redirect(url_for("console.sign_in", next=request.full_path.rstrip("?")))


def init_app(app) -> None:
    login_manager.init_app(app)
    # Flask-Login must not write to the debtor's cookie on the debtor's pages, nor keep a user id
    # in the staff cookie: the server-held session is the only proof of signing in.
    login_manager.session_protection = None
    app.config["REMEMBER_COOKIE_REFRESH_EACH_REQUEST"] = False


def staff() -> StaffUser:
    """The signed-in person (call only behind @signed_in)."""
    return current_user._get_current_object()


def signed_in(view: Callable) -> Callable:
    """The page needs a signed-in, active, set-up person."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        return view(*args, **kwargs)

    return wrapper


def requires(role: StaffRole) -> Callable:
    """The page needs *role* or higher; anyone lower is told it is not theirs (403)."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not current_user.may(role):
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorate


def creditor_ids() -> list[int]:
    """The creditors the signed-in person may see."""
    person = staff()
    if person.creditors:
        return [creditor.id for creditor in person.creditors]
    return list(db.session.scalars(select(Creditor.id)))


def creditors() -> list[Creditor]:
    ids = creditor_ids()
    return list(db.session.scalars(select(Creditor).where(Creditor.id.in_(ids)).order_by(Creditor.name)))


def scoped(query: Select) -> Select:
    """*query* over accounts, limited to the person's creditors."""
    person = staff()
    if not person.creditors:
        return query
    return query.where(Account.creditor_id.in_([creditor.id for creditor in person.creditors]))


def account_or_404(account_id: int) -> Account:
    """The account, if the person may see it; any other id is "not found", never "forbidden",
    so guessing ids tells nothing."""
    account = db.session.scalar(scoped(select(Account).where(Account.id == account_id)))
    if account is None:
        abort(404)
    return account


def of_account_or_404(model, row_id: int, account: Account):
    """The *model* row with *row_id* if it belongs to *account*; another account's id is "not
    found", like any id the person may not see."""
    row = db.session.scalar(select(model).where(model.id == row_id, model.account_id == account.id))
    if row is None:
        abort(404)
    return row


def creditor_or_404(slug: str) -> Creditor:
    creditor = db.session.scalar(select(Creditor).where(Creditor.slug == slug))
    if creditor is None or creditor.id not in creditor_ids():
        abort(404)
    return creditor
