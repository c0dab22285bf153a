"""A row with a status can only be created in a state its transition table lets it start in."""

from __future__ import annotations

import pytest

from portal.domain.transitions import MACHINES, REQUEST, TransitionError
from portal.extensions import db
from portal.models import Dispute, DisputeReason, RequestKind, SupportRequest
from portal.models.statuses import MACHINE_OF, starting_status


def test_every_status_table_guards_a_model_and_every_default_is_a_start():
    assert set(MACHINE_OF.values()) == set(MACHINES)
    for model, machine in MACHINE_OF.items():
        assert starting_status(model) in machine.starts, model.__name__
        values = {str(v) for v in model.__table__.c.status.type.enums}
        assert values == set(machine.states), model.__name__


def test_a_row_created_in_a_state_that_is_not_a_start_is_refused_and_nothing_is_written(app, make_account):
    account = make_account()
    db.session.add(
        Dispute(account_id=account.id, reason=DisputeReason.NOT_MINE, reference="D-1", status="upheld")
    )
    with pytest.raises(TransitionError):
        db.session.flush()
    db.session.rollback()
    assert db.session.query(Dispute).count() == 0


def test_a_support_request_starts_open_and_is_done_once(app, make_account):
    account = make_account()
    request = SupportRequest(account_id=account.id, kind=RequestKind.PROMISE)
    db.session.add(request)
    db.session.commit()
    assert request.status == "open"
    REQUEST.move(request, "done")
    with pytest.raises(TransitionError):
        REQUEST.move(request, "open")
