"""The form of a check page: only the token, whose trouble links to the send button."""

from __future__ import annotations

from portal.forms.base import FORM_TROUBLE
from portal.forms.send import SendForm


def test_a_good_post_sends(posted):
    form, valid = posted(SendForm, [])
    assert valid and form.error_summary() == []


def test_a_missing_token_is_the_forms_trouble_linked_to_the_button(kit_app, posted):
    kit_app.config["WTF_CSRF_ENABLED"] = True
    form, valid = posted(SendForm, [])
    assert not valid
    assert form.error_summary() == [("send", str(FORM_TROUBLE))]
