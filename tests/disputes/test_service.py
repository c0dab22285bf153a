"""Opening a dispute: a unique reference people can read aloud, a hold, and a timeline entry."""

from __future__ import annotations

import re

import pytest
from sqlalchemy.exc import IntegrityError

from portal.disputes import service
from portal.extensions import db
from portal.models import Dispute, DisputeReason, DisputeStatus
from tests.helpers.records import events

REFERENCE = re.compile(r"^D-[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{6}$")


def test_references_use_only_characters_nobody_misreads():
    references = {service.new_reference() for _ in range(500)}
    assert all(REFERENCE.match(r) for r in references)
    assert not any(set(r[2:]) & set("IL01O") for r in references)
    assert len(references) > 490, "references are random"


def test_a_reference_already_used_is_never_given_again(make_account, monkeypatch):
    drawn = iter(["D-AAAAAA", "D-AAAAAA", "D-AAAAAA", "D-BBBBBB"])
    monkeypatch.setattr(service, "new_reference", lambda: next(drawn))
    first = service.open_dispute(make_account("ACC-1"), DisputeReason.NOT_MINE, "")
    db.session.commit()
    second = service.open_dispute(make_account("ACC-2", full_name="Sam Lee"), DisputeReason.NOT_MINE, "")
    db.session.commit()
    assert (first.reference, second.reference) == ("D-AAAAAA", "D-BBBBBB")


def test_the_database_refuses_a_repeated_reference(make_account):
    one, two = make_account("ACC-1"), make_account("ACC-2", full_name="Sam Lee")
    db.session.add(Dispute(account_id=one.id, reference="D-CCCCCC", reason=DisputeReason.OTHER))
    db.session.commit()
    db.session.add(Dispute(account_id=two.id, reference="D-CCCCCC", reason=DisputeReason.OTHER))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_opening_holds_the_account_and_notes_it_without_the_persons_words(make_account):
    account = make_account()
    dispute = service.open_dispute(account, DisputeReason.WRONG_AMOUNT, "The fees are wrong.")
    db.session.commit()

    db.session.expire_all()
    assert account.on_hold is True
    assert dispute.status is DisputeStatus.OPEN and dispute.details == "The fees are wrong."
    (event,) = events(account, "dispute_opened")
    assert event.actor == "debtor"
    assert event.data == {"reference": dispute.reference, "reason": "wrong_amount", "evidence": False}


def test_one_dispute_at_a_time(make_account, open_dispute):
    account = make_account()
    first = open_dispute(account)
    with pytest.raises(service.AlreadyOpen) as caught:
        service.open_dispute(account, DisputeReason.OTHER, "again")
    assert caught.value.dispute.id == first.id


def test_a_resolved_dispute_cannot_be_resolved_again(make_account, open_dispute):
    dispute = open_dispute(make_account())
    service.resolve(dispute, DisputeStatus.REJECTED, "Verified with the creditor.")
    db.session.commit()
    with pytest.raises(service.AlreadyResolved):
        service.resolve(dispute, DisputeStatus.UPHELD, "Changed my mind.")
    with pytest.raises(ValueError):
        service.resolve(open_dispute(make_account("ACC-2", full_name="Sam Lee")), DisputeStatus.OPEN, "")


def test_references_are_found_as_a_collector_types_them(make_account, open_dispute):
    dispute = open_dispute(make_account())
    assert service.find(f"  {dispute.reference.lower()} ").id == dispute.id
    assert service.find("D-ZZZZZZ") is None
