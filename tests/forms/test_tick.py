"""One box to tick (TickField, the checkbox macro): ticked, or unticked, which is an error only
when the box is required."""

from __future__ import annotations

import re

from tests.forms.forms import AgreeForm, NewsForm


def _box(html: str) -> str:
    return re.search(r'<input class="checkboxes__input"[^>]*>', html).group(0)


def test_a_ticked_box_is_true(posted):
    form, valid = posted(AgreeForm, [("agree", "yes")])
    assert valid and form.agree.data is True and form.error_summary() == []


def test_a_box_posts_its_own_value(posted):
    form, valid = posted(NewsForm, [("news", "1")])
    assert valid and form.news.data is True
    form, valid = posted(NewsForm, [("news", "yes")])  # not the box's value: not ticked
    assert valid and form.news.data is False


def test_an_unticked_required_box_is_its_error_linked_to_the_box(posted, render):
    form, valid = posted(AgreeForm, [])
    assert not valid and form.agree.data is False
    assert form.error_summary() == [("agree", "Tick the box to agree")]
    html = render('{% from "macros/fields.html" import checkbox %}{{ checkbox(form.agree) }}', form=form)
    assert '<p class="error-message" id="agree-error">' in html and "Tick the box to agree" in html
    box = _box(html)
    assert 'id="agree" name="agree" value="yes"' in box and " checked" not in box
    assert re.search(r'aria-describedby="\s*agree-error"', box)
    assert 'aria-invalid="true"' in box


def test_an_unticked_box_that_is_not_required_is_an_answer(posted, render):
    form, valid = posted(NewsForm, [])
    assert valid and form.news.data is False and form.error_summary() == []
    html = render('{% from "macros/fields.html" import checkbox %}{{ checkbox(form.news) }}', form=form)
    assert "error" not in html and " checked" not in _box(html)


def test_a_ticked_box_is_shown_ticked(posted, render):
    form, _valid = posted(AgreeForm, [("agree", "yes")])
    html = render('{% from "macros/fields.html" import checkbox %}{{ checkbox(form.agree) }}', form=form)
    assert " checked" in _box(html) and '<label class="checkboxes__label" for="agree">I agree</label>' in html
