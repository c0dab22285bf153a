"""The creditor's policy through the API: the version in force with every limit (amounts as decimal
strings), its versions a page at a time, and a change that writes a new version exactly as
`set-policy` does (the rest carried over, every bad value refused and named); two changes at once
are saved one after the other, or, with based_on, the second is refused."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.accounts import policies
from portal.api import keys
from portal.extensions import db
from portal.models import CreditorPolicy
from tests.api.racing import ROUNDS, at_once, post, statuses
from tests.api.seeding import bearer

DEFAULTS = {
    "version": 1,
    "saved_at": None,
    "made_by": None,
    "currency": "USD",
    "part_payments": True,
    "part_minimum": "10.00",
    "settlement": True,
    "settlement_max_discount_pct": 20,
    "settlement_days": 30,
    "instalments": True,
    "frequencies": ["weekly", "every_two_weeks", "monthly"],
    "instalment_minimum": "25.00",
    "max_instalments": 24,
    "max_duration_days": 730,
    "first_payment_within_days": 30,
    "down_payment_required": False,
    "down_payment_minimum": "0.00",
    "small_final_payment": True,
    "grace_days": 3,
    "retry_days": [3, 7],
    "misses_before_broken": 2,
    "hardship_pause_days": 30,
    "contact_limit_7d": 3,
}


def _key(creditor, scopes=None) -> tuple[str, dict]:
    key, token = keys.create(creditor, "collection system", scopes)
    db.session.commit()
    return key.prefix, bearer(token)


@pytest.fixture
def acme(make_account):
    """A creditor whose largest open balance is 1,060.25 USD."""
    return make_account().creditor


def _versions(creditor) -> list[CreditorPolicy]:
    db.session.expire_all()
    return db.session.scalars(
        select(CreditorPolicy)
        .where(CreditorPolicy.creditor_id == creditor.id)
        .order_by(CreditorPolicy.version)
    ).all()


def test_a_creditor_that_never_changed_its_policy_reads_the_defaults_as_version_1(client, acme):
    _prefix, headers = _key(acme)

    assert client.get("/api/v1/policy", headers=headers).json == DEFAULTS
    assert client.get("/api/v1/policy/versions", headers=headers).json == {
        "data": [DEFAULTS],
        "next_cursor": None,
    }
    assert _versions(acme) == []  # reading writes nothing


def test_a_change_writes_a_new_version_as_set_policy_does_the_rest_carried_over(client, runner, make_account):
    by_command = make_account("A-1", "alpha", "Alpha Bank").creditor
    by_api = make_account("B-1", "bravo", "Bravo Bank", email="b@example.com").creditor
    prefix, headers = _key(by_api)

    typed = runner.invoke(
        args=[
            "set-policy",
            "alpha",
            "--part-minimum",
            "12.5",
            "--max-instalments",
            "12",
            "--frequencies",
            "monthly,weekly",
            "--retry-days",
            "2,5,9",
            "--down-payment-required",
            "yes",
        ]
    )
    answer = client.post(
        "/api/v1/policy",
        json={
            "part_minimum": "12.5",
            "max_instalments": 12,
            "frequencies": ["monthly", "weekly"],
            "retry_days": [2, 5, 9],
            "down_payment_required": True,
        },
        headers=headers,
    )

    assert typed.exit_code == 0, typed.output
    assert answer.status_code == 201, answer.json
    (*_, commanded), (*_, posted) = _versions(by_command), _versions(by_api)
    assert (commanded.version, posted.version) == (2, 2)  # the defaults were written down as 1 first
    assert policies.rules(posted) == policies.rules(commanded)
    assert policies.made_by(posted) == {"actor": f"api:{prefix}", "by": "API key collection system"}
    expected = {
        **DEFAULTS,
        "version": 2,
        "made_by": f"api:{prefix}",
        "part_minimum": "12.50",
        "max_instalments": 12,
        "frequencies": ["monthly", "weekly"],
        "retry_days": [2, 5, 9],
        "down_payment_required": True,
    }
    assert answer.json["saved_at"] is not None
    assert {**answer.json, "saved_at": None} == expected
    assert client.get("/api/v1/policy", headers=headers).json == answer.json
    listed = client.get("/api/v1/policy/versions", headers=headers).json["data"]
    assert [(v["version"], v["made_by"], v["part_minimum"]) for v in listed] == [
        (1, None, "10.00"),
        (2, f"api:{prefix}", "12.50"),
    ]


def test_versions_are_paged_oldest_first_and_each_creditors_are_its_own(client, acme, make_account):
    other = make_account("B-1", "bravo", "Bravo Bank", email="b@example.com").creditor
    _prefix, headers = _key(acme)
    _prefix, their_headers = _key(other)
    for days in (4, 5, 6):
        assert client.post("/api/v1/policy", json={"grace_days": days}, headers=headers).status_code == 201
    assert client.post("/api/v1/policy", json={"grace_days": 9}, headers=their_headers).status_code == 201

    first = client.get("/api/v1/policy/versions?limit=3", headers=headers).json
    rest = client.get(f"/api/v1/policy/versions?limit=3&cursor={first['next_cursor']}", headers=headers).json

    assert [(v["version"], v["grace_days"]) for v in first["data"] + rest["data"]] == [
        (1, 3),
        (2, 4),
        (3, 5),
        (4, 6),
    ]
    assert rest["next_cursor"] is None
    assert client.get("/api/v1/policy", headers=headers).json["grace_days"] == 6
    assert client.get("/api/v1/policy", headers=their_headers).json["grace_days"] == 9


@pytest.mark.parametrize(
    ("change", "code", "field", "words"),
    [
        ({"settlement_max_discount_pct": 150}, "invalid", "settlement_max_discount_pct", "between 0 and 100"),
        ({"part_minimum": "2000.00"}, "invalid", "part_minimum", "above the largest balance owed"),
        ({"part_minimum": "12.345"}, "invalid", "part_minimum", "more than 2 decimal places for USD"),
        ({"part_minimum": "ten"}, "invalid", "part_minimum", "is not an amount"),
        ({"retry_days": [7, 3]}, "invalid", "retry_days", "retry_days must be increasing"),
        ({"currency": "ZZZ", "part_minimum": "5"}, "invalid", "currency", "not a known ISO 4217 code"),
        ({"frequencies": ["weekly", "fortnightly"]}, "invalid", "frequencies.1", "Must be one of"),
        ({"grace_days": "2"}, "invalid", "grace_days", "Not a valid integer"),
        ({"grace_days": 10**12}, "invalid", "grace_days", "less than or equal to 1000000"),
        ({"colour": "blue"}, "invalid", "colour", "Unknown field"),
        ({}, "nothing_to_change", None, "at least one setting"),
        ({"based_on": 1}, "nothing_to_change", None, "at least one setting"),
    ],
)
def test_a_bad_change_is_a_422_naming_the_field_and_nothing_is_saved(
    client, acme, change, code, field, words
):
    _prefix, headers = _key(acme)

    answer = client.post("/api/v1/policy", json=change, headers=headers)

    assert answer.status_code == 422, answer.json
    error = answer.json["error"]
    assert (error["code"], error.get("field")) == (code, field) and words in error["message"]
    assert _versions(acme) == []


def test_every_bad_value_is_named_in_the_message(client, acme):
    _prefix, headers = _key(acme)
    answer = client.post(
        "/api/v1/policy", json={"settlement_max_discount_pct": 101, "part_minimum": "5000"}, headers=headers
    )
    assert answer.status_code == 422 and answer.json["error"]["field"] == "settlement_max_discount_pct"
    assert "part_minimum" in answer.json["error"]["message"]


def test_a_change_based_on_an_older_version_is_refused(client, acme):
    _prefix, headers = _key(acme)
    assert client.post("/api/v1/policy", json={"grace_days": 4}, headers=headers).json["version"] == 2

    stale = client.post("/api/v1/policy", json={"grace_days": 5, "based_on": 1}, headers=headers)
    fresh = client.post("/api/v1/policy", json={"grace_days": 5, "based_on": 2}, headers=headers)

    assert stale.status_code == 409 and stale.json["error"]["code"] == "policy_conflict"
    assert fresh.status_code == 201 and fresh.json["version"] == 3
    assert [(row.version, row.settings["grace_days"]) for row in _versions(acme)] == [(1, 3), (2, 4), (3, 5)]


def test_reading_and_changing_need_the_policies_scopes(client, acme):
    _p, reader = _key(acme, ["policies:read"])
    _p, stranger = _key(acme, ["requests:read", "requests:write"])

    assert client.get("/api/v1/policy", headers=reader).status_code == 200
    for answer in (
        client.get("/api/v1/policy", headers=stranger),
        client.get("/api/v1/policy/versions", headers=stranger),
        client.post("/api/v1/policy", json={"grace_days": 4}, headers=reader),
    ):
        assert answer.status_code == 403 and answer.json["error"]["code"] == "insufficient_scope"
    assert _versions(acme) == []


def test_two_changes_at_once_are_saved_one_after_the_other(app, make_account):
    """Two keys change different settings at the same moment: both are saved, as consecutive
    versions, and the newest keeps both changes (neither is lost to the other)."""
    for round_number in range(ROUNDS):
        creditor = make_account(f"R-{round_number}", f"c{round_number}", "Round Bank").creditor
        _p, first = _key(creditor)
        _p, second = _key(creditor)

        answers = at_once(
            app,
            [
                post("/api/v1/policy", {"grace_days": 9}, first),
                post("/api/v1/policy", {"settlement_days": 45}, second),
            ],
        )

        assert statuses(answers) == [201, 201], answers
        assert sorted(a.json["version"] for a in answers) == [2, 3]
        newest = policies.rules(_versions(creditor)[-1])
        assert (newest.grace_days, newest.settlement_days) == (9, 45)


def test_two_changes_based_on_one_version_at_once_save_one(app, make_account):
    """Both made from version 1 and sent at the same moment: one is saved as version 2, the other
    is refused (409 policy_conflict) rather than saved over it."""
    for round_number in range(ROUNDS):
        creditor = make_account(f"R-{round_number}", f"c{round_number}", "Round Bank").creditor
        _p, headers = _key(creditor)

        answers = at_once(
            app,
            [
                post("/api/v1/policy", {"grace_days": 9, "based_on": 1}, headers),
                post("/api/v1/policy", {"grace_days": 5, "based_on": 1}, headers),
            ],
        )

        assert statuses(answers) == [201, 409], answers
        assert next(a for a in answers if a.status_code == 409).json["error"]["code"] == "policy_conflict"
        saved = _versions(creditor)
        assert [row.version for row in saved] == [1, 2]
        winner = 9 if answers[0].status_code == 201 else 5
        assert saved[-1].settings["grace_days"] == winner
