"""What radios and checkboxes may add to each option: a hint under its label, described to
screen readers, and a block of the page's own after it (a further question, a note)."""

from __future__ import annotations

import re

from tests.forms.forms import ColourForm, ColoursForm


def _option(html: str, id_: str) -> str:
    return re.search(rf'<input[^>]*id="{id_}"[^>]*>', html).group(0)


def test_an_option_hint_is_shown_under_its_option_and_describes_it(posted, render):
    form, _valid = posted(ColourForm, [("colour", "green")])
    html = render('{{ radios(form.colour, option_hints={"green": "Like grass"}) }}', form=form)
    assert '<p class="hint radios__hint" id="colour-1-hint">Like grass</p>' in html
    green = _option(html, "colour-1")
    assert 'aria-describedby="colour-1-hint"' in green and " checked" in green
    # Only the option with a hint points at one; its hint sits after its own label.
    assert "aria-describedby" not in _option(html, "colour-0") + _option(html, "colour-2")
    assert html.index('for="colour-1"') < html.index('id="colour-1-hint"') < html.index('id="colour-2"')


def test_checkboxes_take_option_hints_too(posted, render):
    form, _valid = posted(ColoursForm, [])
    html = render('{{ checkboxes(form.colours, option_hints={"blue": "Like the sea"}) }}', form=form)
    assert '<p class="hint checkboxes__hint" id="colours-2-hint">Like the sea</p>' in html
    assert 'aria-describedby="colours-2-hint"' in _option(html, "colours-2")


def test_a_call_block_is_rendered_after_each_option_with_its_value(posted, render):
    form, _valid = posted(ColourForm, [("colour", "red")])
    html = render(
        "{% call(value) radios(form.colour) %}"
        '{% if value == "blue" %}<div id="blue-more">Which blue?</div>{% endif %}'
        "<i>after {{ value }}</i>"
        "{% endcall %}",
        form=form,
    )
    assert re.findall(r"<i>after (\w+)</i>", html) == ["red", "green", "blue"]
    assert html.count('id="blue-more"') == 1
    assert html.index('for="colour-2"') < html.index('id="blue-more"') < html.index("</fieldset>")
    assert html.index("<i>after red</i>") < html.index('id="colour-1"')


def test_without_a_call_block_or_hints_nothing_is_added(posted, render):
    form, _valid = posted(ColourForm, [("colour", "red")])
    html = render("{{ radios(form.colour) }}", form=form)
    assert "radios__hint" not in html and "aria-describedby" not in html
