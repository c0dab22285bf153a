"""POST /api/v1/accounts/import: the key's creditor's CSV file streamed into the same importer as
the command; rows of another creditor rejected by line; the same file again changes nothing; a
file that is not text refused as a whole."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from portal.api import keys
from portal.extensions import db
from portal.models import Account, Event
from tests.collector.conftest import COLUMNS, account_row


def _csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _post(client, token: str, body: bytes, **query):
    return client.post(
        "/api/v1/accounts/import",
        data=body,
        query_string=query,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "text/csv"},
    )


def test_a_file_imports_for_the_keys_creditor_only_and_again_changes_nothing(client, make_account):
    creditor = make_account().creditor  # acme, with ACC-1
    key, token = keys.create(creditor, "collection system")
    db.session.commit()
    body = _csv(
        [
            account_row(reference="NEW-1"),
            account_row(reference="THEIRS-1", creditor="beta"),
            account_row(reference="BAD-1", principal="abc"),
        ]
    )

    first = _post(client, token, body)
    again = _post(client, token, body)

    assert first.status_code == 200, first.json
    assert (first.json["created"], first.json["rejected"], first.json["unchanged"]) == (1, 2, 0)
    assert first.json["rejections"] == [
        {"line": 3, "reason": "creditor is not the creditor this import is for"},
        {
            "line": 4,
            "reason": "principal is not an amount like 1234.50 (a comma may only separate thousands)",
        },
    ]
    assert (again.json["created"], again.json["unchanged"]) == (0, 1)
    new = db.session.scalar(select(Account).where(Account.reference == "NEW-1"))
    (event,) = db.session.scalars(select(Event).where(Event.account_id == new.id)).all()
    assert (event.kind, event.actor) == ("account_imported", f"api:{key.prefix}")
    assert db.session.scalar(select(Account).where(Account.reference == "THEIRS-1")) is None


def test_a_file_that_is_not_text_is_refused_as_a_whole(client, make_account):
    _key, token = keys.create(make_account().creditor, "collection system")
    db.session.commit()
    answer = _post(
        client, token, _csv([account_row(reference="ES-1", full_name="José")]).decode().encode("latin-1")
    )
    assert answer.status_code == 422
    assert answer.json["error"]["code"] == "unreadable_file"
    assert "line 2" in answer.json["error"]["message"]
    assert (
        _post(client, token, b"", encoding="latin-1").json["error"]["message"].startswith("the file is empty")
    )
