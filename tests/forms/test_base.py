"""The base form: errors in field order, the first of each field, the security token, and a post
with no fields."""

from __future__ import annotations

from flask_wtf.csrf import generate_csrf
from werkzeug.datastructures import MultiDict

from tests.forms.forms import ColoursForm, TwoQuestionsForm


def test_the_summary_lists_each_fields_first_error_in_field_order(posted):
    form, valid = posted(TwoQuestionsForm, [("colour", "pink")])
    assert not valid
    form.add_error(form.name, "A second error about the name")
    assert form.name.errors == ["Enter a name", "A second error about the name"]
    assert form.error_summary() == [("name", "Enter a name"), ("colour-0", "Choose a colour")]


def test_an_error_found_after_the_checks_links_to_its_option(posted):
    form, valid = posted(TwoQuestionsForm, [("name", "Ana"), ("colour", "red")])
    assert valid
    form.add_error(form.colour, "Red does not match our records", value="red")
    assert form.error_summary() == [("colour-0", "Red does not match our records")]
    form.colour.error_value = None
    form.add_error(form.colour, "again", value="green")
    assert form.error_summary()[0][0] == "colour-1"


def test_a_post_without_its_security_token_reads_nothing_and_says_so_by_the_first_field(kit_app):
    kit_app.config["WTF_CSRF_ENABLED"] = True
    with kit_app.test_request_context("/", method="POST", data={"colour": "pink"}):
        form = TwoQuestionsForm()
        assert not form.validate_on_submit()
        assert form.error_summary() == [("name", "Something went wrong with the form. Please try again.")]
        assert form.colour.errors == []


def test_a_post_with_its_security_token_is_read(kit_app):
    kit_app.config["WTF_CSRF_ENABLED"] = True
    with kit_app.test_request_context("/", method="POST"):
        # The token is kept in the session of this request, so the form checks it against that.
        data = {"csrf_token": generate_csrf(), "name": "Ana", "colour": "red"}
        form = TwoQuestionsForm(formdata=MultiDict(data))
        assert form.validate_on_submit() and form.error_summary() == []


def test_a_post_with_no_fields_is_an_answer_not_the_starting_values(kit_app):
    # Flask-WTF alone reads an empty post as no post: nothing ticked would keep the boxes ticked.
    with kit_app.test_request_context("/", method="POST", data={}):
        form = ColoursForm(colours={"red"})
        assert form.validate_on_submit() and form.colours.data == frozenset()


def test_a_get_is_not_a_submission(kit_app):
    with kit_app.test_request_context("/?name=Ana"):
        form = TwoQuestionsForm(formdata=None, name="Ana")
        assert not form.validate_on_submit() and form.error_summary() == []
        assert form.name.shown() == "Ana"


def test_explicit_form_data_is_read_as_given(kit_app):
    with kit_app.test_request_context("/", method="POST", data={"name": "Posted"}):
        form = TwoQuestionsForm(formdata=MultiDict({"name": "Given", "colour": "red"}))
        assert form.validate() and form.name.data == "Given"


def test_a_form_without_questions_is_refused_without_its_token(kit_app):
    from portal.forms.base import Form

    kit_app.config["WTF_CSRF_ENABLED"] = True
    with kit_app.test_request_context("/", method="POST", data={"x": "1"}):
        form = Form()
        assert not form.validate_on_submit()
        assert form.csrf_token.errors and form.error_summary() == []
