"""Pages and our own assets are sent compressed to a browser that asks for it, except where that
would open the BREACH side channel: a page answering a cross-site request, or a browser that does
not say where the request came from (portal/compression.py)."""

from __future__ import annotations

import gzip
import re

import pytest

from portal.compression import may_compress

GZIP = {"Accept-Encoding": "gzip"}


@pytest.mark.parametrize("site", ["same-origin", "none"])
def test_a_page_asked_for_from_the_portal_or_by_the_person_comes_compressed(
    make_account, sign_in, client, site
):
    sign_in(make_account())
    plain = client.get("/account")

    answer = client.get("/account", headers={**GZIP, "Sec-Fetch-Site": site})

    assert answer.status_code == 200
    assert answer.headers["Content-Encoding"] == "gzip"
    assert int(answer.headers["Content-Length"]) == len(answer.data) < len(plain.data) / 2
    html = gzip.decompress(answer.data).decode()
    assert "<h1" in html and "You owe" in html
    assert {"Accept-Encoding", "Sec-Fetch-Site"} <= set(answer.vary)


@pytest.mark.parametrize("headers", [{"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "same-site"}, {}])
def test_a_page_asked_for_by_another_site_or_an_unknown_one_comes_uncompressed(
    make_account, sign_in, client, headers
):
    sign_in(make_account())

    answer = client.get("/account", headers={**GZIP, **headers})

    assert answer.status_code == 200
    assert "Content-Encoding" not in answer.headers
    assert "You owe" in answer.text
    assert "Sec-Fetch-Site" in answer.vary


def test_our_stylesheets_and_scripts_come_compressed_whoever_asks(client):
    page = client.get("/")
    assets = sorted(set(re.findall(r'(?:href|src)="(/static/[^"?]+)', page.text)))
    assert any(a.endswith(".css") for a in assets), assets
    for asset in [*assets, "/brand.css"]:
        with (
            client.get(asset) as plain,
            client.get(asset, headers={**GZIP, "Sec-Fetch-Site": "cross-site"}) as answer,
        ):
            assert answer.status_code == 200, asset
            if len(plain.data) >= 500:  # too small to be worth it below that
                assert answer.headers.get("Content-Encoding") == "gzip", asset
                assert gzip.decompress(answer.data) == plain.data, asset


def test_a_browser_that_accepts_no_compression_gets_the_page_as_it_is(make_account, sign_in, client):
    sign_in(make_account())

    answer = client.get("/account", headers={"Sec-Fetch-Site": "same-origin"})

    assert "Content-Encoding" not in answer.headers and "You owe" in answer.text


def test_the_rule_itself():
    assert may_compress("/account", "same-origin") and may_compress("/l/abc", "none")
    assert not may_compress("/account", "cross-site") and not may_compress("/account", None)
    assert may_compress("/static/portal.css", None) and may_compress("/brand.css", "cross-site")
