"""Reading and writing creditor policies. A change always writes a new version."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.domain.policy import Policy, PolicyError, check_against_balance, validate
from portal.extensions import db
from portal.models import Account, AccountStatus, Creditor, CreditorPolicy


def current(creditor: Creditor) -> CreditorPolicy:
    """The creditor's newest policy version; a creditor with none gets the defaults as version 1."""
    row = db.session.scalars(
        select(CreditorPolicy)
        .where(CreditorPolicy.creditor_id == creditor.id)
        .order_by(CreditorPolicy.version.desc())
        .limit(1)
    ).first()
    if row is None:
        row = CreditorPolicy(creditor=creditor, version=1, settings=Policy().to_dict())
        db.session.add(row)
        db.session.flush()
    return row


def rules(row: CreditorPolicy) -> Policy:
    return Policy.from_dict(row.settings)


def largest_open_balance(creditor: Creditor) -> int:
    accounts = db.session.scalars(
        select(Account).where(Account.creditor_id == creditor.id, Account.status == AccountStatus.OPEN)
    ).all()
    return max((a.balance.minor for a in accounts), default=0)


def change(creditor: Creditor, changes: dict) -> CreditorPolicy:
    """Write a new version with *changes* applied; raise PolicyError naming every bad value."""
    base = rules(current(creditor)).to_dict()
    unknown = sorted(set(changes) - set(base))
    if unknown:
        raise PolicyError("unknown setting: " + ", ".join(unknown))
    try:
        policy = Policy.from_dict({**base, **changes})
    except (TypeError, ValueError) as error:
        raise PolicyError(str(error)) from None
    problems = validate(policy) + check_against_balance(policy, largest_open_balance(creditor))
    if problems:
        raise PolicyError("; ".join(problems))
    version = (
        db.session.scalar(
            select(func.max(CreditorPolicy.version)).where(CreditorPolicy.creditor_id == creditor.id)
        )
        or 0
    ) + 1
    row = CreditorPolicy(creditor=creditor, version=version, settings=policy.to_dict())
    db.session.add(row)
    db.session.flush()
    return row
