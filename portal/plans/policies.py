"""Reading and writing creditor policies. A change always writes a new version."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from portal.domain.policy import Policy, PolicyError, check_against_balance, validate
from portal.extensions import db
from portal.models import Account, AccountStatus, Creditor, CreditorPolicy
from portal.models.types import utcnow


def current(creditor: Creditor) -> CreditorPolicy:
    """The creditor's newest policy version; a creditor with none gets the defaults as version 1."""
    row = _newest(creditor)
    if row is None:
        # Two first visits at once both find none: the second insert does nothing (instead of
        # failing the request on the unique version), and both read the one row back.
        db.session.flush()
        insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
        db.session.execute(
            insert(CreditorPolicy)
            .values(creditor_id=creditor.id, version=1, settings=Policy().to_dict(), created_at=utcnow())
            .on_conflict_do_nothing(index_elements=["creditor_id", "version"])
        )
        row = _newest(creditor)
    return row


def _newest(creditor: Creditor) -> CreditorPolicy | None:
    return db.session.scalars(
        select(CreditorPolicy)
        .where(CreditorPolicy.creditor_id == creditor.id)
        .order_by(CreditorPolicy.version.desc())
        .limit(1)
    ).first()


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
