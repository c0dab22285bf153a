"""Reading and writing creditor policies. A change always writes a new version; a read never writes."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from portal.domain.policy import Policy, PolicyError, balance_problems, problems_of, read_typed
from portal.extensions import db
from portal.models import Account, AccountStatus, Creditor, CreditorPolicy
from portal.models.types import utcnow


class PolicyConflict(PolicyError):
    """Another change to the same creditor's policy was saved at the same moment; nothing was saved."""


class NothingToChange(PolicyError):
    """The change asked for sets nothing new; nothing was saved."""


#: The key in a version's settings that says who wrote it; Policy.from_dict ignores it.
MADE_BY = "made_by"


def _newest(creditor_id: int) -> CreditorPolicy | None:
    return db.session.scalars(
        select(CreditorPolicy)
        .where(CreditorPolicy.creditor_id == creditor_id)
        .order_by(CreditorPolicy.version.desc())
        .limit(1)
    ).first()


def current(creditor: Creditor) -> CreditorPolicy:
    """The creditor's newest policy version; with none saved, the defaults as an unsaved version 1.

    Pages call this on every view, so it never writes: two first views at once used to race to
    insert version 1.
    """
    row = _newest(creditor.id)
    return row if row is not None else defaults(creditor.id)


def defaults(creditor_id: int) -> CreditorPolicy:
    """The defaults as an unsaved version 1: the policy of a creditor that has saved none."""
    return CreditorPolicy(creditor_id=creditor_id, version=1, settings=Policy().to_dict())


def in_force(creditor: Creditor) -> CreditorPolicy:
    """The newest version as a saved row, for a plan or a settlement to point at; the defaults
    are written as version 1 first if the creditor has none, once however many ask at once."""
    row = _newest(creditor.id)
    if row is not None:
        return row
    insert = {"postgresql": postgresql_insert, "sqlite": sqlite_insert}[db.session.get_bind().dialect.name]
    db.session.execute(
        insert(CreditorPolicy)
        .values(creditor_id=creditor.id, version=1, settings=Policy().to_dict(), created_at=utcnow())
        .on_conflict_do_nothing(index_elements=["creditor_id", "version"])
    )
    return _newest(creditor.id)


def saved(row: CreditorPolicy, creditor: Creditor) -> CreditorPolicy:
    """*row* if it is saved; else (the unsaved defaults from current) the version now in force."""
    return row if row.id is not None else in_force(creditor)


def rules(row: CreditorPolicy) -> Policy:
    return Policy.from_dict(row.settings)


def largest_open_balance(creditor: Creditor) -> int:
    accounts = db.session.scalars(
        select(Account).where(Account.creditor_id == creditor.id, Account.status == AccountStatus.OPEN)
    ).all()
    return max((a.balance.minor for a in accounts), default=0)


def lock(creditor: Creditor) -> None:
    """Hold the creditor's row until the transaction ends, so policy changes queue one behind the
    other (PostgreSQL; SQLite lets one writer in at a time anyway)."""
    db.session.execute(select(Creditor.id).where(Creditor.id == creditor.id).with_for_update())


def made_by(row: CreditorPolicy) -> dict | None:
    """Who wrote the version ({"actor": "staff:12", "by": email}); None for the defaults and for
    versions written by set-policy on the server."""
    return row.settings.get(MADE_BY)


def change_typed(
    creditor: Creditor,
    given: dict,
    *,
    made_by: dict | None = None,
    based_on: int | None = None,
    only_differences: bool = False,
) -> CreditorPolicy:
    """Write a new version from settings as a person types them (set-policy's options, the
    console's form): the one way both read, check and save a change.

    *based_on*: the version the person was looking at; PolicyConflict if another was saved since.
    *only_differences*: drop values equal to the current ones (a form posts every setting).
    NothingToChange if nothing is left to change; PolicyError naming every bad value.
    """
    lock(creditor)  # before reading the currency the amounts are typed in
    now = rules(current(creditor)).to_dict()
    changes = read_typed(given, now["currency"])
    if only_differences:
        changes = {name: value for name, value in changes.items() if not _same(name, now.get(name), value)}
    if not changes:
        raise NothingToChange("nothing to change")
    return change(creditor, changes, made_by=made_by, based_on=based_on)


def _same(name: str, before, after) -> bool:
    # The order frequencies are listed in means nothing; the order of retry days does.
    if name == "frequencies":
        return set(before or ()) == set(after)
    return before == after


def change(
    creditor: Creditor, changes: dict, *, made_by: dict | None = None, based_on: int | None = None
) -> CreditorPolicy:
    """Write a new version with *changes* applied; raise PolicyError naming every bad value, or
    PolicyConflict if another change took the same version number first, or (given *based_on*)
    if the newest version is not that one. *made_by* is kept with the version (see MADE_BY)."""
    lock(creditor)
    base_row = in_force(creditor)
    if based_on is not None and base_row.version != based_on:
        raise PolicyConflict(f"version {base_row.version} was saved after version {based_on}")
    base = rules(base_row).to_dict()
    unknown = sorted(set(changes) - set(base))
    if unknown:
        raise PolicyError("unknown setting: " + ", ".join(unknown))
    try:
        policy = Policy.from_dict({**base, **changes})
    except (TypeError, ValueError) as error:
        raise PolicyError(str(error)) from None
    problems = problems_of(policy) + balance_problems(policy, largest_open_balance(creditor))
    if problems:
        raise PolicyError.of(problems)
    settings = policy.to_dict() | ({MADE_BY: made_by} if made_by else {})
    # The number follows the version the change was made from, never a later read of the newest:
    # where the lock does not hold (SQLite), a run that read an older base then conflicts and
    # starts again instead of writing over the change that came between.
    version = base_row.version + 1
    insert = {"postgresql": postgresql_insert, "sqlite": sqlite_insert}[db.session.get_bind().dialect.name]
    inserted = db.session.execute(
        insert(CreditorPolicy)
        .values(creditor_id=creditor.id, version=version, settings=settings, created_at=utcnow())
        .on_conflict_do_nothing(index_elements=["creditor_id", "version"])
        .returning(CreditorPolicy.id)
    ).scalar()
    if inserted is None:
        raise PolicyConflict(f"another change saved version {version} at the same moment")
    return db.session.get(CreditorPolicy, inserted)
