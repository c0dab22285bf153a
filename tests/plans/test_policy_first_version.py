"""Two requests needing a saved policy for a creditor with none both get version 1, not an error."""

from __future__ import annotations

import threading
import time

from sqlalchemy import func, select

from portal.accounts import policies
from portal.extensions import db
from portal.models import Creditor, CreditorPolicy


def test_two_first_visits_at_once_share_one_default_version(app):
    creditor = Creditor(slug="newco", name="New Co")
    db.session.add(creditor)
    db.session.commit()
    creditor_id = creditor.id
    barrier = threading.Barrier(2)
    versions, errors = [], []

    def visit():
        with app.app_context():
            try:
                barrier.wait()
                row = policies.in_force(db.session.get(Creditor, creditor_id))
                time.sleep(0.2)  # both have looked (and found none) before either commits
                versions.append(row.version)
                db.session.commit()
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(repr(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=visit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert versions == [1, 1]
    db.session.expire_all()
    count = db.session.scalar(
        select(func.count()).select_from(CreditorPolicy).where(CreditorPolicy.creditor_id == creditor_id)
    )
    assert count == 1
