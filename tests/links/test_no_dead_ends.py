"""Pages reached with nobody signed in say how to get in: the latest link, a new one, or a phone call."""

from __future__ import annotations

import pytest

NEW_LINK_WAY = "“Send me a new link” button"


@pytest.mark.parametrize("path", ["/help/call-back", "/contact-preferences/way"])
def test_a_page_that_needs_a_signed_in_person_says_how_to_get_a_link_or_call(client, app, path):
    page = client.get(path)
    assert page.status_code == 200
    text = page.text
    assert "Open the link in the" in text
    assert NEW_LINK_WAY in text
    assert app.config["COLLECTOR_PHONE"] in text


def test_session_ended_is_a_page_not_a_404(client, app):
    page = client.get("/session-ended")
    assert page.status_code == 200
    assert app.config["COLLECTOR_PHONE"] in page.text
