"""SQLAlchemy models, one module per aggregate; imported here so Alembic sees them all."""

from portal.models.accounts import Account, AccountStatus
from portal.models.events import AppendOnlyError, Event
from portal.models.links import MagicLink
from portal.models.payments import AttemptStatus, Payment, PaymentAttempt
from portal.models.people import Creditor, Debtor

__all__ = [
    "Account",
    "AccountStatus",
    "AppendOnlyError",
    "AttemptStatus",
    "Creditor",
    "Debtor",
    "Event",
    "MagicLink",
    "Payment",
    "PaymentAttempt",
]
