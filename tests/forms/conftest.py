"""A bare Flask app for the form kit: Babel, the portal's templates, no database, so these tests
run in the fast tier."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask, render_template_string
from flask_babel import Babel
from werkzeug.datastructures import MultiDict

import portal
from portal.domain.languages import html_lang


@pytest.fixture
def kit_app():
    app = Flask("kit", template_folder=str(Path(portal.__file__).parent / "templates"))
    app.config.update(SECRET_KEY="kit tests", WTF_CSRF_ENABLED=False, TESTING=True)
    Babel(app)
    app.jinja_env.globals["html_lang"] = html_lang
    return app


@pytest.fixture
def posted(kit_app):
    """post(FormClass, pairs, **kwargs): the form made from a POST of *pairs* (name, value), validated;
    returns (form, whether it was valid). The pairs go to the form as they are, so they may hold
    what no browser could encode (a lone surrogate), as a form decoded by hand could."""
    contexts = []

    def post(form_class, pairs, **kwargs):
        context = kit_app.test_request_context("/", method="POST")
        context.push()
        contexts.append(context)
        form = form_class(formdata=MultiDict(pairs), **kwargs)
        return form, form.validate_on_submit()

    yield post
    for context in reversed(contexts):
        context.pop()


@pytest.fixture
def render(kit_app):
    """render(source, **context): *source* rendered with the kit's macros imported, in a request."""

    def render_source(source: str, **context) -> str:
        with kit_app.test_request_context("/"):
            return render_template_string(
                '{% from "macros/fields.html" import title_prefix, error_summary, text_input, '
                "money_input, textarea, date_input, radios, checkboxes %}" + source,
                **context,
            )

    return render_source
