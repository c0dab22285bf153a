"""POST /api/v1/accounts and /accounts/batch: the CSV import's checks and re-import rule, the
key's creditor only, each batch item on its own, one account however often it is sent."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal import timeline
from portal.api import keys
from portal.extensions import db
from portal.models import Account, Creditor, Event, Payment
from portal.models.types import utcnow
from tests.api.seeding import bearer


def _body(reference="NEW-1", **overrides):
    body = {
        "reference": reference,
        "full_name": "Ada Lovelace",
        "currency": "USD",
        "principal": "1234.50",
        "interest": "10.00",
        "fees": "0",
        "email": "ada@example.com",
        "date_of_birth": "1980-12-10",
        "postal_code": "10001",
    }
    return body | overrides


@pytest.fixture
def headers(make_account):
    account = make_account()  # creditor acme, reference ACC-1
    _key, token = keys.create(account.creditor, "system")
    db.session.commit()
    return bearer(token)


def test_a_new_reference_creates_the_account_and_its_first_event(client, headers):
    answer = client.post("/api/v1/accounts", json=_body(), headers=headers)
    assert answer.status_code == 201, answer.json
    account = answer.json["account"]
    assert answer.json["outcome"] == "created"
    assert answer.headers["Location"].endswith(f"/api/v1/accounts/{account['id']}")
    assert account["principal"] == "1234.50" and account["total"] == "1244.50"
    assert account["creditor"] == "acme" and "date_of_birth" not in account
    stored = db.session.get(Account, account["id"])
    assert stored.principal == 123450 and stored.debtor.date_of_birth.isoformat() == "1980-12-10"
    (event,) = db.session.scalars(select(Event).where(Event.account_id == stored.id))
    assert event.kind == "account_imported" and event.actor.startswith("api:")
    assert [checked.breaks for checked in timeline.verify([stored.id])] == [[]]


def test_the_same_body_again_is_unchanged_and_writes_nothing(client, headers):
    client.post("/api/v1/accounts", json=_body(), headers=headers)
    events = db.session.scalar(select(func.count(Event.id)))
    again = client.post("/api/v1/accounts", json=_body(), headers=headers)
    assert again.status_code == 200 and again.json["outcome"] == "unchanged"
    assert db.session.scalar(select(func.count(Event.id))) == events


def test_a_change_updates_and_says_which_columns(client, headers):
    created = client.post("/api/v1/accounts", json=_body(), headers=headers).json["account"]
    changed = client.post("/api/v1/accounts", json=_body(fees="5.00", phone="+12025550123"), headers=headers)
    assert changed.status_code == 200 and changed.json["outcome"] == "updated"
    assert changed.json["changed"] == ["fees", "phone"] and changed.json["review"] is None
    assert changed.json["account"]["id"] == created["id"] and changed.json["account"]["fees"] == "5.00"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"principal": "12,50"}, "principal"),
        ({"principal": "1.005"}, "principal"),
        ({"currency": "XYZ"}, "currency"),
        ({"email": "not an address"}, "email"),
        ({"date_of_birth": "10/12/1980"}, "date_of_birth"),
        ({"timezone": "Mars/Base"}, "timezone"),
        ({"principal": "0", "interest": "0"}, None),
    ],
)
def test_a_value_the_import_refuses_is_a_422_naming_the_field(client, headers, overrides, field):
    answer = client.post("/api/v1/accounts", json=_body(**overrides), headers=headers)
    assert answer.status_code == 422
    assert answer.json["error"]["code"] == "invalid"
    assert answer.json["error"].get("field") == field
    assert db.session.scalar(select(func.count(Account.id)).where(Account.reference == "NEW-1")) == 0


def test_a_missing_required_field_and_an_unknown_one_are_422(client, headers):
    body = _body()
    del body["full_name"]
    missing = client.post("/api/v1/accounts", json=body, headers=headers)
    assert missing.status_code == 422 and missing.json["error"]["field"] == "full_name"
    unknown = client.post("/api/v1/accounts", json=_body(creditor="someone-else"), headers=headers)
    assert unknown.status_code == 422 and unknown.json["error"]["field"] == "creditor"


def test_lowering_the_debt_below_what_was_paid_is_refused_and_a_raise_is_flagged(client, headers):
    created = client.post("/api/v1/accounts", json=_body(), headers=headers).json["account"]
    db.session.add(
        Payment(
            account_id=created["id"],
            stripe_payment_intent_id="pi_paid_api",
            amount=50000,
            currency="USD",
            paid_at=utcnow(),
        )
    )
    db.session.commit()
    refused = client.post("/api/v1/accounts", json=_body(principal="100.00", interest="0"), headers=headers)
    assert refused.status_code == 409 and refused.json["error"]["code"] == "change_refused"
    assert db.session.get(Account, created["id"]).principal == 123450
    raised = client.post("/api/v1/accounts", json=_body(principal="1300.00"), headers=headers)
    assert raised.status_code == 200 and raised.json["review"]
    assert raised.json["account"]["needs_review"] is True


def test_a_batch_applies_each_item_alone_and_says_what_became_of_each(client, headers):
    items = [_body("B-1"), _body("B-2", principal="abc"), _body("B-3"), _body("B-1", fees="1.00")]
    answer = client.post("/api/v1/accounts/batch", json={"accounts": items}, headers=headers)
    assert answer.status_code == 200, answer.json
    assert (answer.json["created"], answer.json["rejected"]) == (2, 2)
    outcomes = [(r["index"], r["reference"], r["outcome"], r["field"]) for r in answer.json["results"]]
    assert outcomes == [
        (0, "B-1", "created", None),
        (1, "B-2", "rejected", "principal"),
        (2, "B-3", "created", None),
        (3, "B-1", "rejected", "reference"),
    ]
    references = set(db.session.scalars(select(Account.reference)))
    assert references == {"ACC-1", "B-1", "B-3"}


def test_a_batch_over_the_limit_or_empty_is_refused_whole(client, headers):
    too_many = [_body(f"R-{n}") for n in range(501)]
    assert (
        client.post("/api/v1/accounts/batch", json={"accounts": too_many}, headers=headers).status_code == 422
    )
    assert client.post("/api/v1/accounts/batch", json={"accounts": []}, headers=headers).status_code == 422
    assert db.session.scalar(select(func.count(Account.id))) == 1


def test_an_account_is_made_for_the_keys_creditor_only(client, headers, make_account):
    make_account("ACC-1", creditor_slug="other", creditor_name="Other Bank")
    answer = client.post("/api/v1/accounts", json=_body("ACC-1", full_name="Someone Else"), headers=headers)
    assert answer.status_code == 200 and answer.json["account"]["creditor"] == "acme"
    other = db.session.scalar(
        select(Account).join(Creditor).where(Creditor.slug == "other", Account.reference == "ACC-1")
    )
    assert other.debtor.full_name == "Jane Doe"


def test_a_key_without_the_write_scope_is_refused(client, make_account):
    account = make_account()
    _key, token = keys.create(account.creditor, "reader", ["accounts:read"])
    db.session.commit()
    answer = client.post("/api/v1/accounts", json=_body(), headers=bearer(token))
    assert answer.status_code == 403 and answer.json["error"]["code"] == "insufficient_scope"


def test_what_the_debt_is_for_is_written_and_read_back(client, headers):
    body = _body(
        description="Emergency room visit",
        service_date="2025-03-14",
        original_account_number="****1234",
    )
    created = client.post("/api/v1/accounts", json=body, headers=headers)
    assert created.status_code == 201, created.json
    account = created.json["account"]
    assert account["description"] == "Emergency room visit"
    assert account["service_date"] == "2025-03-14"
    assert account["original_account_number"] == "****1234"
    read = client.get(f"/api/v1/accounts/{account['id']}", headers=headers).json
    assert {key: read[key] for key in ("description", "service_date", "original_account_number")} == {
        "description": "Emergency room visit",
        "service_date": "2025-03-14",
        "original_account_number": "****1234",
    }
    changed = client.post("/api/v1/accounts", json=body | {"description": "ER visit"}, headers=headers)
    assert changed.json["outcome"] == "updated" and changed.json["changed"] == ["description"]


def test_an_account_without_them_reads_them_as_null(client, headers):
    account = client.post("/api/v1/accounts", json=_body(), headers=headers).json["account"]
    assert account["description"] is None
    assert account["service_date"] is None and account["original_account_number"] is None


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"service_date": "2999-01-01"}, "service_date"),
        ({"service_date": "14/03/2025"}, "service_date"),
        ({"description": "x" * 501}, "description"),
        ({"original_account_number": "9" * 51}, "original_account_number"),
    ],
)
def test_a_refused_description_or_service_date_is_a_422_naming_the_field(client, headers, overrides, field):
    answer = client.post("/api/v1/accounts", json=_body(**overrides), headers=headers)
    assert answer.status_code == 422, answer.json
    assert answer.json["error"].get("field") == field
    assert db.session.scalar(select(func.count(Account.id)).where(Account.reference == "NEW-1")) == 0


def test_the_contract_describes_what_the_debt_is_for(client):
    schemas = client.get("/api/v1/openapi.json").json["components"]["schemas"]
    written = next(schema for name, schema in schemas.items() if name.startswith("AccountIn"))
    read = schemas["Account"]
    for field in ("description", "service_date", "original_account_number"):
        assert field in written["properties"], field
        assert field in read["properties"] and field in read.get("required", []), field
    assert read["properties"]["service_date"].get("format") == "date"
