"""One creditor's key never reaches another creditor's data. Every /api/v1 route with an id in
its path (found in the app's URL map, so a route added later is tried too) is asked, with every
method it takes, for the other creditor's ids: each answer is a 404 no different from the answer
for an id nobody has, without a byte of the other creditor's data, and nothing is changed."""

from __future__ import annotations

import re

import pytest

from portal.api.blueprint import PREFIX
from tests.api.seeding import seed_creditor

#: A value that is nobody's id (the largest a path's integer takes).
NOBODYS = 2147483647
#: Bodies for writing routes whose smallest valid body (built from the document) is refused by a
#: rule the document cannot state; keyed by (method, rule). Empty while none needs one.
BODIES: dict[tuple[str, str], dict] = {}


@pytest.fixture
def two_creditors(make_account):
    return seed_creditor(make_account, "alpha"), seed_creditor(make_account, "bravo")


def _routes_with_ids(app) -> list[tuple[str, str, list[str]]]:
    found = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(PREFIX) and rule.arguments:
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                found.append((method, rule.rule, sorted(rule.arguments)))
    return found


def _path(rule: str, ids: dict) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: str(ids[m.group(1)]), rule)


def _openapi_path(rule: str) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def _smallest(schema: dict, document: dict):
    """The smallest value *schema* (JSON Schema from the document) takes: required fields only."""
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    kinds = schema.get("type", "object")
    kind = next(k for k in kinds if k != "null") if isinstance(kinds, list) else kinds
    if "enum" in schema:
        return next(v for v in schema["enum"] if v is not None)
    if kind == "object":
        properties = schema.get("properties", {})
        return {name: _smallest(properties[name], document) for name in schema.get("required", [])}
    if kind == "array":
        return [_smallest(schema.get("items", {}), document) for _ in range(schema.get("minItems", 0))]
    if kind in ("integer", "number"):
        return max(schema.get("minimum", 1), 1)
    if kind == "boolean":
        return False
    formats = {"date": "2027-01-01", "date-time": "2027-01-01T12:00:00+00:00", "email": "a@example.com"}
    if schema.get("format") in formats:
        return formats[schema["format"]]
    if schema.get("pattern") == r"^[0-9]+(\.[0-9]+)?$":
        return "1.00"
    return "x" * max(schema.get("minLength", 1), 1)


def _body(method: str, rule: str, document: dict):
    if (method, rule) in BODIES:
        return BODIES[(method, rule)]
    operation = document["paths"].get(_openapi_path(rule), {}).get(method.lower(), {})
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    return _smallest(content["schema"], document) if content else None


def test_every_route_with_an_id_answers_404_for_another_creditors_ids(app, client, two_creditors, table_rows):
    mine, theirs = two_creditors
    document = client.get(f"{PREFIX}/openapi.json").json
    routes = _routes_with_ids(app)
    unknown = sorted({name for _, _, names in routes for name in names} - set(theirs.ids))
    assert unknown == [], f"seed the other creditor's {unknown} in tests/api/seeding.py"
    assert len(routes) >= 8  # the routes of this issue at least; more as they are added
    before = table_rows()

    for method, rule, _ in routes:
        body = _body(method, rule, document)
        answer = client.open(_path(rule, theirs.ids), method=method, json=body, headers=mine.headers)
        nobody = client.open(
            _path(rule, dict.fromkeys(theirs.ids, NOBODYS)), method=method, json=body, headers=mine.headers
        )
        text = answer.get_data(as_text=True)
        assert answer.status_code == 404, (method, rule, answer.status_code, text)
        assert answer.json["error"]["code"] == "not_found", (method, rule)
        assert answer.get_data() == nobody.get_data(), (method, rule)
        leaked = [secret for secret in theirs.secrets if secret in text]
        assert leaked == [], (method, rule, leaked)

    # Methods a route does not take answer alike for any id (405), whoever owns it.
    for rule in {rule for _, rule, _ in routes}:
        for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
            answer = client.open(_path(rule, theirs.ids), method=method, json={}, headers=mine.headers)
            nobody = client.open(
                _path(rule, dict.fromkeys(theirs.ids, NOBODYS)), method=method, json={}, headers=mine.headers
            )
            assert answer.status_code in (404, 405, 422), (method, rule, answer.status_code)
            assert answer.get_data() == nobody.get_data(), (method, rule)
    assert table_rows() == before, "a request with another creditor's id changed something"


def test_with_its_own_ids_the_same_key_reads_every_route(app, client, two_creditors):
    """The other side of the test above: the ids and key are real, so the 404s mean something."""
    mine, theirs = two_creditors
    for method, rule, _ in _routes_with_ids(app):
        if method != "GET":
            continue
        answer = client.get(_path(rule, mine.ids), headers=mine.headers)
        assert answer.status_code == 200, (rule, answer.status_code, answer.get_data(as_text=True))
        text = answer.get_data(as_text=True)
        assert [s for s in theirs.secrets if s in text] == [], rule


def test_lists_show_only_the_keys_creditor(app, client, two_creditors):
    mine, theirs = two_creditors
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(PREFIX) or rule.arguments or "GET" not in rule.methods:
            continue
        answer = client.get(rule.rule, headers=mine.headers)
        assert answer.status_code == 200, rule.rule
        text = answer.get_data(as_text=True)
        if rule.rule != f"{PREFIX}/openapi.json":
            assert [s for s in theirs.secrets if s in text] == [], rule.rule
            assert mine.account.reference in text or rule.rule != f"{PREFIX}/accounts"
