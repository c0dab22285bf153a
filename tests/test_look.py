"""The agency's own look (portal/look.py): its colour as /brand.css, its favicon, its logo, and
the page furniture that must not repeat itself."""

from __future__ import annotations

import pytest

from portal.look import brand_css, image_origins
from portal.security import content_security_policy


def test_brand_css_carries_the_configured_colour_and_may_be_cached(app, client):
    app.config["BRAND_COLOUR"] = "#5b2a86"
    response = client.get("/brand.css")
    assert response.status_code == 200
    assert response.mimetype == "text/css"
    assert "--brand: #5b2a86;" in response.text
    assert "--brand-dark: #40" in response.text  # 30 % towards black
    assert "no-store" not in response.headers["Cache-Control"]
    assert "public" in response.headers["Cache-Control"]


def test_every_page_links_the_brand_stylesheet_with_its_version(client):
    page = client.get("/").text
    assert '<link rel="stylesheet" href="/brand.css?v=' in page
    assert '<link rel="icon" href="/favicon.ico" type="image/svg+xml">' in page


def test_a_versioned_brand_stylesheet_is_kept_a_year_and_answers_304_when_unchanged(client):
    page = client.get("/").text
    href = page.split('<link rel="stylesheet" href="/brand.css', 1)[1].split('"', 1)[0]
    first = client.get("/brand.css" + href)
    assert first.cache_control.max_age == 365 * 24 * 60 * 60
    again = client.get("/brand.css" + href, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_the_favicon_is_an_image_in_the_brand_colour(app, client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert app.config["BRAND_COLOUR"] in response.text
    assert ">E</text>" in response.text  # Example Recovery Services


def test_a_configured_favicon_is_where_favicon_ico_leads(app, client):
    app.config["FAVICON_URL"] = "/static/agency.ico"
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response.headers["Location"] == "/static/agency.ico"
    assert '<link rel="icon" href="/static/agency.ico">' in client.get("/").text


def test_a_logo_shows_beside_the_name_and_an_https_logo_is_allowed_by_the_csp(app, client):
    app.config["COLLECTOR_LOGO_URL"] = "https://cdn.example.com/agency/logo.svg"
    page = client.get("/").text
    assert '<img class="site-name__logo" src="https://cdn.example.com/agency/logo.svg" alt="">' in page
    assert image_origins(app.config) == ["https://cdn.example.com"]
    csp = content_security_policy("n", app.config)
    assert "img-src 'self' data: https://cdn.example.com;" in csp


def test_without_a_logo_the_csp_allows_only_this_site_s_images(app):
    assert "img-src 'self' data:;" in content_security_policy("n", app.config)


def test_brand_css_is_plain_custom_properties():
    assert brand_css("#0b5c5a") == (
        "/* Generated from BRAND_COLOUR (portal/look.py). */\n"
        ":root {\n  --brand: #0b5c5a;\n  --brand-dark: #08403f;\n  --brand-tint: #e7efee;\n}\n"
    )


def test_the_overview_shows_our_contact_details_once(client, make_account, sign_in):
    sign_in(make_account())
    page = client.get("/account").text
    assert page.count('href="tel:') == 1
    assert page.count('href="mailto:') == 1


def test_contact_details_shown_only_without_javascript_leave_the_footer_its_own(
    client, make_account, sign_in
):
    sign_in(make_account())
    main, footer = client.get("/pay").text.split('<footer class="site-footer">', 1)
    assert 'href="tel:' in main.split("<noscript>", 1)[1].split("</noscript>", 1)[0]
    assert 'href="tel:' in footer


@pytest.mark.parametrize("path", ["/favicon.ico", "/brand.css", "/static/css/portal.css"])
def test_what_the_browser_fetches_beside_a_page_never_rewrites_the_session_cookie(
    make_account, sign_in, client, path
):
    """Chromium fetches the favicon while a form is being sent; a cookie in its answer would be
    the older copy and undo what the form saved (the affordability check lost its first answer)."""
    sign_in(make_account())

    answer = client.get(path)
    answer.close()  # a static file's answer streams the file

    assert answer.status_code == 200
    assert answer.headers.getlist("Set-Cookie") == []
    assert client.get("/account").status_code == 200  # still signed in
