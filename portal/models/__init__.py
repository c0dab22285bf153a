"""SQLAlchemy models, one module per aggregate; imported here so Alembic sees them all."""

from portal.models import statuses  # noqa: F401  (guards the status every new row starts in)
from portal.models.accounts import Account, AccountStatus
from portal.models.card_setups import UsedSetupIntent
from portal.models.contact import OptOut
from portal.models.drafts import Draft
from portal.models.events import AppendOnlyError, Event, TimelineHead
from portal.models.links import MagicLink
from portal.models.messages import Campaign, Message, MessageStatus
from portal.models.payments import AttemptStatus, Payment, PaymentAttempt, Purpose
from portal.models.people import Creditor, Debtor
from portal.models.plans import (
    CreditorPolicy,
    Instalment,
    InstalmentStatus,
    Plan,
    PlanKind,
    PlanStatus,
)
from portal.models.requests import (
    Dispute,
    DisputeReason,
    DisputeStatus,
    Offer,
    OfferStatus,
    RequestKind,
    RequestStatus,
    SupportRequest,
)
from portal.models.sessions import DebtorSession
from portal.models.staff import StaffAudit, StaffRole, StaffSession, StaffUser

# The API's keys and kept answers, and webhooks out: imported so Alembic sees their tables.
from portal.models import api, webhooks  # noqa: F401, E402  isort: skip

__all__ = [
    "Account",
    "Campaign",
    "Message",
    "MessageStatus",
    "AccountStatus",
    "AppendOnlyError",
    "AttemptStatus",
    "Creditor",
    "CreditorPolicy",
    "Draft",
    "Instalment",
    "InstalmentStatus",
    "OptOut",
    "Plan",
    "PlanKind",
    "PlanStatus",
    "Purpose",
    "Debtor",
    "DebtorSession",
    "Dispute",
    "DisputeReason",
    "DisputeStatus",
    "Offer",
    "OfferStatus",
    "RequestKind",
    "RequestStatus",
    "SupportRequest",
    "StaffAudit",
    "StaffRole",
    "StaffSession",
    "StaffUser",
    "UsedSetupIntent",
    "Event",
    "TimelineHead",
    "MagicLink",
    "Payment",
    "PaymentAttempt",
]
