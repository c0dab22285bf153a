"""Two requests for a new link on one account at the same moment send at most one link."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from sqlalchemy import func, select

from portal.extensions import db
from portal.links import new_link, service
from portal.models import MagicLink, Message
from tests.helpers.records import events

MORNING = datetime(2027, 1, 15, 14, 0, tzinfo=UTC)  # 09:00 in New York


def test_two_simultaneous_requests_for_one_account_send_one_link(app, make_account, mailbox):
    account = make_account()
    link = service.issue(account)
    db.session.commit()
    public_id = link.public_id
    start = threading.Barrier(2)
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def ask() -> None:
        with app.app_context():
            try:
                found = new_link.link_from(None, public_id)
                start.wait(timeout=30)
                outcomes.append(new_link.request_new_link(found, MORNING))
                db.session.commit()
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)
                db.session.rollback()
            finally:
                db.session.remove()

    threads = [threading.Thread(target=ask) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sorted(outcomes) == ["sent", "too_soon"]
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Message.id)).where(Message.kind == "link")) == 1
    assert len(mailbox.wait_for(1)) == 1
    assert len(events(account, "new_link_requested")) == 2
    # The one sent carries the only link issued besides the one the requests came from.
    assert db.session.scalar(select(func.count(MagicLink.id)).where(MagicLink.account_id == account.id)) == 2
