"""Runs of one-question pages: answers kept on the server per account, the next page, the back link."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.guidance.questions import Question, Run
from portal.models import Draft

RUN = Run(
    "example",
    (
        Question("disputes.dispute_form", "reason"),
        Question("disputes.details", "details"),
        Question("disputes.evidence", "document"),
    ),
    check="disputes.check",
)


def test_answers_are_kept_per_account_and_run(make_account):
    one, two = make_account(reference="ONE-1"), make_account(reference="TWO-2")
    RUN.save(one, reason="not_mine")
    db.session.commit()
    assert RUN.answers(one) == {"reason": "not_mine"}
    assert RUN.answers(two) == {}
    other = Run("other", RUN.questions, RUN.check)
    assert other.answers(one) == {}


def test_saving_again_replaces_only_that_answer_and_survives_a_new_session(make_account):
    account = make_account()
    RUN.save(account, reason="other", details="Long text " * 600)
    db.session.commit()
    RUN.save(account, reason="wrong_amount")
    db.session.commit()
    db.session.expire_all()
    kept = RUN.answers(account)
    assert kept["reason"] == "wrong_amount"
    assert kept["details"] == "Long text " * 600  # far more than a cookie could hold
    assert len(db.session.scalars(select(Draft).where(Draft.account_id == account.id)).all()) == 1


def test_forget_and_clear(make_account):
    account = make_account()
    RUN.save(account, reason="other", details="x", document="")
    RUN.forget(account, "details")
    db.session.commit()
    assert RUN.answers(account) == {"reason": "other", "document": ""}
    RUN.clear(account)
    db.session.commit()
    assert RUN.answers(account) == {}
    assert db.session.scalars(select(Draft)).all() == []


@pytest.mark.parametrize(
    ("answers", "skip", "expected"),
    [
        ({}, (), "disputes.dispute_form"),
        ({"reason": "x"}, (), "disputes.details"),
        ({"reason": "x", "details": ""}, (), "disputes.evidence"),  # an empty answer is still an answer
        ({"reason": "x", "details": ""}, ("disputes.evidence",), None),
        ({"details": "", "document": ""}, (), "disputes.dispute_form"),
        ({"reason": "x", "details": "y", "document": ""}, (), None),
    ],
)
def test_the_first_unanswered_question(answers, skip, expected):
    assert RUN.unanswered(answers, skip) == expected


def test_the_first_unanswered_question_before_a_page():
    answers = {"reason": "x"}
    assert RUN.unanswered(answers, before="disputes.dispute_form") is None
    assert RUN.unanswered(answers, before="disputes.evidence") == "disputes.details"
    assert RUN.unanswered({}, before="disputes.details") == "disputes.dispute_form"
    assert RUN.unanswered({"reason": "x", "details": ""}, before="disputes.evidence") is None


def test_next_page_goes_to_the_check_page_once_everything_is_answered(app):
    with app.test_request_context():
        assert RUN.next_page({"reason": "x"}).headers["Location"] == "/dispute/details"
        done = RUN.next_page({"reason": "x", "details": "", "document": ""})
        assert done.status_code == 303
        assert done.headers["Location"] == "/dispute/check"


def test_back_goes_to_the_question_before_skipping_what_does_not_apply():
    assert RUN.back("disputes.dispute_form") is None
    assert RUN.back("disputes.details") == "disputes.dispute_form"
    assert RUN.back("disputes.check") == "disputes.evidence"
    assert RUN.back("disputes.check", skip=("disputes.evidence",)) == "disputes.details"
