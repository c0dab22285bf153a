"""The page check every test client runs: it passes a good page and names what is wrong with a bad one."""

from __future__ import annotations

import pytest
from flask import Flask, Response

from tests.helpers.page_check import PageCheckingClient, PageProblem, english_left_over, problems

GOOD = '<!doctype html><html lang="{lang}"><head><title>{title}</title></head><body>{body}</body></html>'


def page(body="<h1>Your account</h1>", title="Your account – Portal", lang="en") -> str:
    return GOOD.format(lang=lang, title=title, body=body)


def test_a_good_page_passes():
    assert problems(page()) == []


def test_two_h1s_fail():
    assert problems(page("<h1>One</h1><h1>Two</h1>")) == ["2 <h1> elements, not one"]


def test_no_h1_fails():
    assert problems(page("<p>Nothing</p>")) == ["0 <h1> elements, not one"]


def test_a_missing_or_empty_title_fails():
    assert problems(page(title="  ")) == ["no <title>, or an empty one"]
    assert problems(page().replace("<title>Your account – Portal</title>", "")) == [
        "no <title>, or an empty one"
    ]


def test_a_page_without_a_language_fails():
    assert problems(page().replace(' lang="en"', "")) == ["no <html lang>"]


def _english_sentence(locale: str) -> str:
    return next(f for f in english_left_over(locale) if "'" not in f and "&" not in f)


@pytest.mark.parametrize(("locale", "lang"), [("es", "es"), ("vi", "vi"), ("zh_Hant", "zh-Hant")])
def test_english_from_the_catalog_on_a_translated_page_fails(locale, lang):
    sentence = _english_sentence(locale)
    found = problems(page(f"<h1>Hola</h1><p>{sentence}</p>", lang=lang))
    assert found == [f"English on a {lang} page: {sentence!r}"]


def test_the_same_english_on_an_english_page_passes():
    assert problems(page(f"<h1>Hi</h1><p>{_english_sentence('es')}</p>")) == []


def test_english_only_in_a_script_or_an_attribute_is_not_shown_text():
    sentence = _english_sentence("es")
    body = f'<h1>Hola</h1><script>var s = "{sentence}";</script><input value="{sentence}">'
    assert problems(page(body, lang="es")) == []


def _app(body: str, mimetype: str = "text/html", status: int = 200) -> Flask:
    app = Flask(__name__)
    app.test_client_class = PageCheckingClient
    app.add_url_rule("/", "page", lambda: Response(body, status=status, mimetype=mimetype))
    return app


def test_the_client_names_the_url_and_the_problem():
    client = _app(page("<h1>One</h1><h1>Two</h1>")).test_client()
    with pytest.raises(PageProblem, match=r"GET /\?x=1 \(200\): 2 <h1> elements, not one"):
        client.get("/?x=1")


def test_error_pages_are_checked_too():
    with pytest.raises(PageProblem, match=r"\(404\): no <title>"):
        _app("<html lang='en'><h1>x</h1></html>", status=404).test_client().get("/")


@pytest.mark.parametrize("mimetype", ["application/json", "text/calendar", "text/plain", "application/pdf"])
def test_other_content_types_are_not_pages(mimetype):
    assert _app("<h1>One</h1><h1>Two</h1>", mimetype=mimetype).test_client().get("/").status_code == 200


def test_a_redirect_is_not_a_page():
    assert _app("<h1>One</h1><h1>Two</h1>", status=303).test_client().get("/").status_code == 303


def test_every_apps_test_client_checks_its_pages():
    """tests/conftest.py makes it the client of every app, so no test has to ask for the check."""
    assert isinstance(Flask(__name__).test_client(), PageCheckingClient)
