"""Every row with a status is created in a state its table lets it start in
(portal/domain/transitions.py); later changes go through the table's `move`."""

from __future__ import annotations

from sqlalchemy import event

from portal.domain import transitions
from portal.models.accounts import Account
from portal.models.payments import PaymentAttempt, PaymentRefund
from portal.models.plans import Instalment, Plan
from portal.models.requests import Dispute, Offer, SupportRequest

MACHINE_OF = {
    Account: transitions.ACCOUNT,
    PaymentAttempt: transitions.ATTEMPT,
    Plan: transitions.PLAN,
    Instalment: transitions.INSTALMENT,
    Offer: transitions.OFFER,
    Dispute: transitions.DISPUTE,
    SupportRequest: transitions.REQUEST,
    PaymentRefund: transitions.REFUND,
}


def starting_status(model: type) -> str:
    """The status a new row of *model* gets when none is given: its column's default."""
    return str(model.__table__.c.status.default.arg)


def _check_start(mapper, connection, row) -> None:
    machine = MACHINE_OF[mapper.class_]
    machine.check_start(row.status if row.status is not None else starting_status(mapper.class_))


for _model in MACHINE_OF:
    event.listen(_model, "before_insert", _check_start)
