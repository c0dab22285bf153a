"""Every console POST needs its form's security token, and no console page is ever cached."""

from __future__ import annotations

import re


def _console_posts(app) -> list[str]:
    paths = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("console.") and "POST" in rule.methods:
            # Any id will do: the token is checked before the page looks anything up.
            paths.append(re.sub(r"<(?:int:)?(\w+)>", "1", rule.rule))
    return paths


def test_every_console_post_without_its_token_is_refused(app, make_account, make_staff, console_sign_in):
    make_account()
    client = console_sign_in(make_staff("admin@example.com", "admin"))
    paths = _console_posts(app)
    assert "/console/sign-in" in paths and "/console/sign-out" in paths
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        for path in paths:
            answer = client.post(path, data={})
            assert answer.status_code == 400, f"{path} answered {answer.status_code} without a token"
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_console_pages_are_never_stored(make_account, make_staff, console_sign_in):
    account = make_account()
    client = console_sign_in(make_staff("admin@example.com", "admin"))
    for path in (
        "/console/",
        f"/console/accounts/{account.id}",
        "/console/find?q=jane",
        "/console/staff",
        "/console/me",
    ):
        answer = client.get(path)
        assert answer.status_code == 200, path
        assert answer.headers["Cache-Control"] == "no-store", path
    assert client.application.test_client().get("/console/sign-in").headers["Cache-Control"] == "no-store"
