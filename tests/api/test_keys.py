"""API keys: `create-api-key` prints a key once and keeps only its SHA-256; `revoke-api-key` stops
it at once; a key made with scopes does only that; `list-api-keys` shows keys without their
secret; and anything but a live key in a well-formed header is a 401 in the API's JSON shape."""

from __future__ import annotations

import hashlib
import re

import pytest

from portal.extensions import db
from portal.models.api import ApiKey
from tests.api.seeding import bearer


@pytest.fixture
def account(make_account):
    return make_account()


def _create(runner, *args) -> str:
    result = runner.invoke(args=["create-api-key", "--creditor", "acme", *args])
    assert result.exit_code == 0, result.output
    (token,) = re.findall(r"^dpk_\S+$", result.output, flags=re.MULTILINE)
    return token


def test_a_key_is_printed_once_and_only_its_sha256_is_kept(runner, client, account, table_rows):
    token = _create(runner, "--name", "Latitude nightly")

    (key,) = db.session.scalars(db.select(ApiKey)).all()
    assert key.key_hash == hashlib.sha256(token.encode()).hexdigest()
    assert (
        key.name == "Latitude nightly"
        and key.creditor.slug == "acme"
        and token.startswith(f"dpk_{key.prefix}_")
    )
    stored = repr(table_rows())
    assert token not in stored and token.split("_", 2)[2] not in stored
    assert client.get("/api/v1/accounts", headers=bearer(token)).status_code == 200


def test_a_revoked_key_is_refused_at_once(runner, client, account):
    token = _create(runner)
    prefix = token.split("_")[1]
    assert client.get(f"/api/v1/accounts/{account.id}", headers=bearer(token)).status_code == 200

    result = runner.invoke(args=["revoke-api-key", prefix])

    assert result.exit_code == 0 and result.output.strip() == f"API key {prefix} revoked"
    answer = client.get(f"/api/v1/accounts/{account.id}", headers=bearer(token))
    assert answer.status_code == 401 and answer.json["error"]["code"] == "unauthorized"
    assert answer.headers["WWW-Authenticate"] == 'Bearer realm="api"'
    assert runner.invoke(args=["revoke-api-key", "nosuchprefix"]).exit_code != 0


def test_a_key_without_a_scope_is_refused_what_needs_it(runner, client, account):
    token = _create(runner, "--scope", "accounts:read")

    assert client.get(f"/api/v1/accounts/{account.id}/events", headers=bearer(token)).status_code == 200
    answer = client.post(f"/api/v1/accounts/{account.id}/links", json={}, headers=bearer(token))

    assert answer.status_code == 403
    assert answer.json["error"] == {
        "code": "insufficient_scope",
        "message": "This API key lacks the scope links:write.",
    }
    send = client.post(f"/api/v1/accounts/{account.id}/links/send", json={}, headers=bearer(token))
    assert send.status_code == 403 and send.json["error"]["code"] == "insufficient_scope"


def test_an_unknown_scope_or_creditor_makes_no_key(runner, account):
    assert (
        runner.invoke(args=["create-api-key", "--creditor", "acme", "--scope", "everything"]).exit_code != 0
    )
    result = runner.invoke(args=["create-api-key", "--creditor", "nobody"])
    assert result.exit_code != 0 and "No creditor 'nobody'" in result.output
    assert db.session.scalars(db.select(ApiKey)).all() == []


def test_the_list_shows_each_key_without_its_secret(runner, make_account):
    make_account()
    make_account("B-1", "bravo", "Bravo Credit")
    first = _create(runner, "--name", "Collect!", "--scope", "accounts:read", "--scope", "links:write")
    second = runner.invoke(args=["create-api-key", "--creditor", "bravo"]).output.strip().splitlines()[-1]
    runner.invoke(args=["revoke-api-key", first.split("_")[1]])

    listed = runner.invoke(args=["list-api-keys"]).output.splitlines()
    only_bravo = runner.invoke(args=["list-api-keys", "--creditor", "bravo"]).output.splitlines()

    assert len(listed) == 2 and len(only_bravo) == 1
    assert listed[0].startswith(f"{first.split('_')[1]}  acme  Collect!  accounts:read links:write  made ")
    assert re.search(r"revoked \d{4}-\d\d-\d\d \d\d:\d\d$", listed[0])
    assert listed[1].startswith(f"{second.split('_')[1]}  bravo  collection system  ") and listed[1].endswith(
        "live"
    )
    assert only_bravo == [listed[1]]
    assert first not in "\n".join(listed) and second not in "\n".join(listed)


def _malformed(token: str) -> list[dict[str, str]]:
    prefix, secret = token.split("_")[1], token.split("_", 2)[2]
    return [
        {},
        {"Authorization": ""},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer "},
        {"Authorization": f"Basic {token}"},
        {"Authorization": token},
        {"Authorization": f"Token {token}"},
        {"Authorization": "Bearer dpk_"},
        {"Authorization": "Bearer dpk__"},
        {"Authorization": f"Bearer dpk_{prefix}"},
        {"Authorization": f"Bearer dpk_{prefix}_"},
        {"Authorization": f"Bearer dpk_{prefix}_{secret[:-1]}"},
        {"Authorization": f"Bearer dpk_{prefix}_{secret}x"},
        {"Authorization": f"Bearer xyz_{prefix}_{secret}"},
        {"Authorization": f"Bearer {secret}"},
        {"Authorization": "Bearer " + "A" * 10000},
        {"Authorization": f"Bearer {token} {token}"},
    ]


def test_anything_but_a_live_key_is_a_json_401(runner, client, account):
    token = _create(runner)

    for headers in _malformed(token):
        for method, path in (("GET", "/api/v1/accounts"), ("POST", f"/api/v1/accounts/{account.id}/links")):
            answer = client.open(path, method=method, headers=headers, json={})
            assert answer.status_code == 401, (headers, answer.status_code)
            assert answer.is_json and answer.json["error"]["code"] == "unauthorized"
            assert token.split("_", 2)[2] not in answer.get_data(as_text=True)
    # The scheme's name is case-insensitive (RFC 9110); the document needs no key.
    assert client.get("/api/v1/accounts", headers={"Authorization": f"bearer {token}"}).status_code == 200
    assert client.get("/api/v1/openapi.json").status_code == 200
