"""The one set of field macros: each field's label, hint, error beside it (linked from the summary)
and what was typed or chosen, shown again."""

from __future__ import annotations

import re

from tests.forms.forms import (
    AmountForm,
    BareDateForm,
    ColourForm,
    ColoursForm,
    FirstDateForm,
    NoteForm,
    SecretForm,
    TextForm,
)


def _input(html: str, id_: str) -> str:
    return re.search(rf'<input[^>]*id="{id_}"[^>]*>', html).group(0)


def test_the_summary_links_each_error_to_its_field_and_the_title_says_error(posted, render):
    form, _valid = posted(ColourForm, [("colour", "blue")])
    html = render(
        "<title>{{ title_prefix(errors) }}Colour</title>{{ error_summary(errors) }}",
        errors=form.error_summary(),
    )
    assert "<title>Error: Colour</title>" in html
    assert re.findall(r'<li><a href="#([^"]+)">([^<]+)</a></li>', html) == [("colour-2", "Blue is sold out")]
    html = render("<title>{{ title_prefix([]) }}Colour</title>{{ error_summary([]) }}")
    assert html.strip() == "<title>Colour</title>"


def test_a_text_input_with_an_error_shows_it_beside_what_was_typed(posted, render):
    form, _valid = posted(TextForm, [("name", "Anastasia Maria")])
    html = render('{{ text_input(form.name, hint_text="Your full name", heading=True) }}', form=form)
    assert (
        '<h1 class="label-heading"><label class="label label--heading" for="name">Name</label></h1>' in html
    )
    assert '<p class="hint" id="name-hint">Your full name</p>' in html
    assert (
        '<p class="error-message" id="name-error"><span class="visually-hidden">Error:</span> '
        "Name must be 10 characters or fewer</p>"
    ) in html
    field = _input(html, "name")
    assert 'name="name" type="text" value="Anastasia Maria"' in field
    assert 'aria-describedby="name-hint name-error"' in field and 'aria-invalid="true"' in field


def test_a_text_input_without_an_error_is_plain(posted, render):
    form, _valid = posted(TextForm, [("name", "Ana")])
    html = render("{{ text_input(form.name) }}", form=form)
    assert '<label class="label" for="name">Name</label>' in html
    assert "error" not in html and "aria-describedby" not in html
    assert 'value="Ana"' in html


def test_an_answer_never_sent_back_renders_empty(posted, render):
    form, _valid = posted(SecretForm, [("code", "90210")])
    form.add_error(form.code, "That code does not match")
    html = render('{{ text_input(form.code, autocomplete="postal-code", spellcheck=False) }}', form=form)
    assert "90210" not in html and 'value=""' in html
    assert 'autocomplete="postal-code"' in html and 'spellcheck="false"' in html


def test_a_money_input_asks_for_a_decimal_and_keeps_what_was_typed(posted, render):
    form, _valid = posted(AmountForm, [("amount", "12,,5")])
    field = _input(render("{{ money_input(form.amount) }}", form=form), "amount")
    assert 'value="12,,5"' in field and 'inputmode="decimal"' in field and "width-10" in field


def test_a_textarea_keeps_what_was_typed_with_its_error(posted, render):
    form, _valid = posted(NoteForm, [("note", "a\x0bb")])
    html = render("{{ textarea(form.note, rows=6) }}", form=form)
    assert re.search(
        r'<textarea class="input input--error" id="note" name="note" rows="6"[^>]*>a\x0bb</textarea>', html
    )
    assert 'id="note-error"' in html


def test_a_date_input_has_three_boxes_and_its_error_by_the_first(posted, render):
    form, _valid = posted(FirstDateForm, [("first-day", "31"), ("first-month", "2"), ("first-year", "2027")])
    html = render('{{ date_input(form.first, hint_text="For example, 4 15 2027") }}', form=form)
    # The kit's app speaks plain "en", which writes the month first: the month box leads.
    assert '<fieldset class="fieldset" aria-describedby="first-hint first-month-error">' in html
    assert '<legend class="legend legend--medium">First payment</legend>' in html
    assert 'id="first-month-error"' in html
    assert html.index('id="first-month"') < html.index('id="first-day"') < html.index('id="first-year"')
    for part, typed in (("day", "31"), ("month", "2"), ("year", "2027")):
        box = _input(html, f"first-{part}")
        assert f'name="first-{part}"' in box and f'value="{typed}"' in box and 'aria-invalid="true"' in box


def test_a_date_of_birth_is_never_sent_back_and_asks_the_browser_for_it(posted, render):
    form, _valid = posted(BareDateForm, [("day", "14"), ("month", "11"), ("year", "1937")])
    html = render(
        '{{ date_input(form.dob, "Date of birth?", heading=True, autocomplete="bday") }}', form=form
    )
    assert (
        '<legend class="legend legend--heading"><h1 class="legend__heading">Date of birth?</h1></legend>'
        in html
    )
    box = _input(html, "dob-day")
    assert 'name="day"' in box and 'value=""' in box and 'autocomplete="bday-day"' in box
    assert "1937" not in html


def test_radios_keep_the_choice_and_put_the_error_first(posted, render):
    form, _valid = posted(ColourForm, [("colour", "blue")])
    html = render('{{ radios(form.colour, hint_text="Pick one") }}', form=form)
    assert '<fieldset class="fieldset" aria-describedby="colour-hint colour-0-error">' in html
    assert 'id="colour-0-error"' in html
    assert re.findall(
        r'<input class="radios__input" type="radio" id="(colour-\d)" name="colour" value="(\w+)"( checked)?>',
        html,
    ) == [
        ("colour-0", "red", ""),
        ("colour-1", "green", ""),
        ("colour-2", "blue", " checked"),
    ]
    assert '<label class="radios__label" for="colour-2">Blue</label>' in html


def test_checkboxes_keep_every_box_ticked(posted, render):
    form, _valid = posted(ColoursForm, [("colours", "red"), ("colours", "blue")])
    html = render("{{ checkboxes(form.colours, heading=True) }}", form=form)
    assert '<h1 class="legend__heading">Colours</h1>' in html
    ticked = re.findall(r'type="checkbox" id="colours-\d" name="colours" value="(\w+)" checked', html)
    assert ticked == ["red", "blue"]


def test_options_named_in_their_own_language_say_so(kit_app, render):
    from flask_babel import lazy_gettext as _l

    from portal.forms.base import Form
    from portal.forms.choices import RadiosField

    class LanguageForm(Form):
        language = RadiosField(
            _l("Language"),
            choices=[("en", "English"), ("es", "Español")],
            required="Choose",
            labels_in_own_language=True,
        )

    with kit_app.test_request_context("/"):
        html = render("{{ radios(form.language) }}", form=LanguageForm(language="es"))
    assert '<label class="radios__label" for="language-1" lang="es">Español</label>' in html
    assert re.search(r'value="es" checked', html)
