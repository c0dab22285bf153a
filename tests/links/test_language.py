"""Language: the switch, its refusal to send people off-site, and the debtor's own language."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.helpers.pages import html_lang

pytestmark = pytest.mark.usefixtures("fresh_g_per_request")


def test_the_switch_sets_spanish_and_goes_back(client, opened, make_account):
    opened(make_account())
    response = client.get("/language/es?next=/start")
    assert response.status_code == 303
    assert urlsplit(response.headers["Location"]).path == "/start"
    assert html_lang(client.get("/start").text) == "es"


def test_the_switch_back_to_english(client, app):
    client.get("/language/es?next=/")
    assert html_lang(client.get("/").text) == "es"
    client.get("/language/en?next=/")
    assert html_lang(client.get("/").text) == "en"


def test_an_unsupported_language_is_ignored(client, app):
    client.get("/language/xx?next=/")
    assert html_lang(client.get("/").text) == "en"


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "//evil.example/start",
        "https://evil.example/",
        "/\\evil.example",
        "http:evil.example",
        "javascript:alert(1)",
        "evil.example",
        "/\t/evil.example",
        "/\t\t/evil.example",
    ],  # browsers drop tabs: "/\t/x" is "//x"
)
def test_the_switch_never_sends_people_off_site(client, app, target):
    response = client.get("/language/es", query_string={"next": target})
    assert response.status_code == 303
    location = response.headers["Location"]
    parts = urlsplit(location)
    assert parts.netloc in ("", "localhost")
    assert "evil" not in location
    assert parts.scheme in ("", "http")


@pytest.mark.parametrize("target", ["/\r/evil.example", "/\n/evil.example", "/start\r\nSet-Cookie: x=1"])
def test_a_next_with_a_line_break_goes_back_to_the_site(client, app, target):
    response = client.get("/language/es", query_string={"next": target})
    assert response.status_code == 303
    assert "evil" not in response.headers["Location"]
    assert "Set-Cookie: x" not in str(response.headers)


def test_the_debtors_language_sets_html_lang(sign_in, make_account, client):
    sign_in(make_account(language="es"))
    page = client.get("/account", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert page.status_code == 200
    assert html_lang(page.text) == "es"


def test_the_debtors_language_applies_before_the_identity_check(opened, make_account, client):
    opened(make_account(language="es"))
    assert html_lang(client.get("/start").text) == "es"
    assert html_lang(client.get("/verify").text) == "es"


def test_without_a_language_the_browser_decides(sign_in, make_account, client):
    sign_in(make_account(language=None))
    assert html_lang(client.get("/account").text) == "en"
    assert html_lang(client.get("/account", headers={"Accept-Language": "es-MX,es;q=0.9"}).text) == "es"


def test_the_switch_overrides_the_debtors_language(sign_in, make_account, client):
    sign_in(make_account(language="es"))
    client.get("/language/en?next=/account")
    assert html_lang(client.get("/account").text) == "en"


def test_the_chosen_language_survives_signing_in(opened, make_account, client):
    opened(make_account(language=None))
    client.get("/language/es?next=/verify")
    client.post("/verify", data={"day": "27", "month": "3", "year": "1980"})
    assert html_lang(client.get("/account").text) == "es"
