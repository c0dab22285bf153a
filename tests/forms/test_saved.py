"""Filling a form from answers saved in a draft: shown again, and checked again as if posted."""

from __future__ import annotations

from datetime import date

from portal.forms.saved import from_saved
from tests.forms.forms import PlanForm


def test_saved_answers_are_shown_again(kit_app):
    with kit_app.test_request_context("/"):
        form = from_saved(PlanForm, {"first": date(2027, 4, 15), "colours": ["blue", "red"]})
    assert form.first.data == date(2027, 4, 15)
    assert [form.first.shown(part) for part in ("day", "month", "year")] == ["15", "4", "2027"]
    assert form.colours.data == {"red", "blue"}
    assert form.error_summary() == []


def test_a_saved_answer_no_longer_right_shows_its_error(kit_app):
    with kit_app.test_request_context("/"):
        form = from_saved(PlanForm, {"first": date(2025, 12, 1)})
    assert form.error_summary() == [("first-day", "The date of the first payment must be in the future")]
    assert form.first.shown("year") == "2025"


def test_a_saved_answer_that_is_not_one_asks_again(kit_app):
    with kit_app.test_request_context("/"):
        form = from_saved(PlanForm, {"first": None})
    assert form.error_summary() == [("first-day", "Enter the date of the first payment")]


def test_a_question_not_answered_yet_is_no_error(kit_app):
    with kit_app.test_request_context("/"):
        form = from_saved(PlanForm, {"colours": []})
    assert form.first.errors == [] and form.error_summary() == []
    assert form.colours.data == frozenset()
