"""Migration 3c5e9a1d7b42 on a database that already has data: every creditor gets policy version 1
(so no page has to write it) and accounts an earlier import left owing less than was paid are
flagged for a person."""

from __future__ import annotations

import json

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from portal.domain.policy import Policy
from portal.extensions import db

BEFORE = "addcea223916"


def test_upgrade_backfills_version_1_and_flags_overpaid_accounts(app):
    db.session.remove()
    downgrade(revision=BEFORE)
    with db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO creditors (id, slug, name, timezone, created_at) VALUES "
                "(1, 'acme', 'Acme', 'UTC', '2026-01-01'), (2, 'globex', 'Globex', 'UTC', '2026-01-01')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO creditor_policies (creditor_id, version, settings, created_at) "
                "VALUES (2, 1, '{}', '2026-01-01'), (2, 2, '{}', '2026-01-02')"
            )
        )
        conn.execute(text("INSERT INTO debtors (id, full_name, created_at) VALUES (1, 'J', '2026-01-01')"))
        for account_id, principal in ((1, 4000), (2, 9000)):
            conn.execute(
                text(
                    "INSERT INTO accounts (id, creditor_id, debtor_id, reference, currency, principal, "
                    "interest, fees, forgiven, on_hold, status, created_at, updated_at) VALUES (:id, 1, 1, "
                    ":ref, 'USD', :principal, 0, 0, 0, false, 'open', '2026-01-01', '2026-01-01')"
                ),
                {"id": account_id, "ref": f"A-{account_id}", "principal": principal},
            )
            conn.execute(
                text(
                    "INSERT INTO payments (account_id, stripe_payment_intent_id, amount, currency, method, "
                    "paid_at) VALUES (:id, :pi, 5000, 'USD', 'card', '2026-01-02')"
                ),
                {"id": account_id, "pi": f"pi_{account_id}"},
            )

    upgrade()

    with db.engine.connect() as conn:
        versions = conn.execute(
            text("SELECT creditor_id, version FROM creditor_policies ORDER BY creditor_id, version")
        ).all()
        flags = conn.execute(
            text("SELECT reference, needs_review, review_reason FROM accounts ORDER BY id")
        ).all()
        (settings,) = conn.execute(text("SELECT settings FROM creditor_policies WHERE creditor_id = 1")).one()
    assert [tuple(v) for v in versions] == [(1, 1), (2, 1), (2, 2)]
    assert [tuple(f) for f in flags] == [
        ("A-1", True, "paid more than owed: an earlier import lowered the amounts"),
        ("A-2", False, None),
    ]
    stored = settings if isinstance(settings, dict) else json.loads(settings)
    # The migration's frozen defaults read as today's defaults (settings added since, such as
    # contact_limit_7d, take their default when a stored version lacks them).
    assert Policy.from_dict(stored) == Policy()
    assert stored.items() <= Policy().to_dict().items()
