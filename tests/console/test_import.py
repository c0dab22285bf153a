"""Importing accounts in the console: the command's checks and report, limited to one of the
person's creditors, each account's timeline naming the staff member, and the rows not imported
downloadable (formula-safe) from this sign-in only, for a day."""

from __future__ import annotations

import csv
import io
import os
import re
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from portal.extensions import db
from portal.models import Account, Creditor, Event
from tests.collector.conftest import COLUMNS, account_row


@pytest.fixture(autouse=True)
def imports_folder(app, tmp_path):
    """The results are kept here, not in the checkout's instance folder."""
    folder = tmp_path / "console-imports"
    app.config["CONSOLE_IMPORTS_FOLDER"] = str(folder)
    return folder


@pytest.fixture
def creditors(make_account):
    """Acme Bank (with account ACC-1) and Beta Loans, each already known to the portal."""
    make_account("B-1", "beta", "Beta Loans", full_name="John Roe", email="john@example.com")
    return make_account().creditor


def _csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _upload(client, data: bytes, creditor="acme", name="accounts.csv", encoding="auto"):
    # The body is built in memory: given a big file, the test client spools it to a temporary
    # file it never closes (a ResourceWarning), as tests/disputes/test_document_page.py says.
    boundary, body = encode_multipart(
        MultiDict({"creditor": creditor, "encoding": encoding, "file": FileStorage(io.BytesIO(data), name)})
    )
    return client.post("/console/import", data=body, content_type=f"multipart/form-data; boundary={boundary}")


def _references() -> list[str]:
    db.session.expire_all()
    return sorted(db.session.scalars(select(Account.reference)))


GOOD = account_row(reference="NEW-1", full_name="Nina New", email="nina@example.com")
FORMULA = account_row(reference="BAD-1", full_name='=HYPERLINK("http://evil")', email="not-an-email")
NEGATIVE = account_row(reference="BAD-2", principal="-5.00")
OTHER = account_row(reference="THEIRS-1", creditor="beta", creditor_name="Beta Loans")
UPDATE = account_row(reference="ACC-1", email="jane.new@example.com", principal="1000.00", interest="50.25")


def test_good_and_bad_rows_are_shown_by_line_and_the_bad_ones_download_formula_safe(
    creditors, make_staff, console_sign_in
):
    person = make_staff(creditors=["acme"])  # an agent: importing is day-to-day work
    client = console_sign_in(person)
    page = client.get("/console/import")
    assert page.status_code == 200 and "Acme Bank" in page.text and "Beta Loans" not in page.text

    answer = _upload(client, _csv([GOOD, FORMULA, NEGATIVE, OTHER, UPDATE]))

    assert answer.status_code == 302
    token = answer.headers["Location"].rsplit("/", 1)[-1]
    assert _references() == ["ACC-1", "B-1", "NEW-1"]  # THEIRS-1 never imported
    assert db.session.scalar(select(Account).where(Account.reference == "B-1")).creditor.slug == "beta"
    result = client.get(answer.headers["Location"]).text
    assert "Created: 1" in result and "Updated: 1" in result and "Not imported: 3" in result
    rows = dict(re.findall(r'<th scope="row">(\d+)</th>\s*<td>(.*?)</td>', result, re.S))
    assert "email is not an email address" in rows["3"]
    assert "principal is negative" in rows["4"]
    assert "creditor is not the creditor this import is for" in rows["5"]
    assert "acme/NEW-1" in rows["2"] and "acme/ACC-1" in rows["6"]
    assert "Nina" not in result and "HYPERLINK" not in result  # lines and columns, never values

    new = db.session.scalar(select(Account).where(Account.reference == "NEW-1"))
    (imported,) = db.session.scalars(select(Event).where(Event.account_id == new.id)).all()
    assert imported.kind == "account_imported"
    assert imported.actor == f"staff:{person.id}" and imported.data == {"by": person.email}
    old = db.session.scalar(select(Account).where(Account.reference == "ACC-1"))
    updated = db.session.scalar(
        select(Event).where(Event.account_id == old.id, Event.kind == "account_updated")
    )
    assert updated.actor == f"staff:{person.id}" and "email" in updated.data["changed"]

    download = client.get(f"/console/import/{token}/rows-not-imported.csv")
    assert download.status_code == 200 and download.mimetype == "text/csv"
    assert download.headers["Content-Disposition"] == 'attachment; filename="rows-not-imported.csv"'
    table = list(csv.reader(io.StringIO(download.data.decode("utf-8-sig"))))
    assert table[0] == ["reason", *COLUMNS]
    assert [row[0] for row in table[1:]] == [
        "email is not an email address",
        "principal is negative",
        "creditor is not the creditor this import is for",
    ]
    formula = dict(zip(table[0], table[1], strict=True))
    assert formula["full_name"] == '\'=HYPERLINK("http://evil")' and formula["reference"] == "BAD-1"
    negative = dict(zip(table[0], table[2], strict=True))
    assert negative["principal"] == "'-5.00" and negative["email"] == "jane@example.com"


def test_the_rows_not_imported_are_this_sign_ins_only_and_kept_for_a_day(
    creditors, make_staff, console_sign_in, imports_folder
):
    person = make_staff(creditors=["acme"])
    client = console_sign_in(person)
    token = _upload(client, _csv([FORMULA])).headers["Location"].rsplit("/", 1)[-1]
    assert client.get(f"/console/import/{token}/rows-not-imported.csv").status_code == 200

    # The same person signed in elsewhere, or anyone else, finds nothing under that name.
    elsewhere = console_sign_in(person)
    someone = console_sign_in(make_staff(email="other@example.com"))
    for other in (elsewhere, someone):
        assert other.get(f"/console/import/{token}").status_code == 404
        assert other.get(f"/console/import/{token}/rows-not-imported.csv").status_code == 404
    for guessed in ("..%2F..%2Fportal.db", "x" * 24, token[:-1] + ".."):
        assert client.get(f"/console/import/{guessed}/rows-not-imported.csv").status_code == 404

    kept = sorted(path.suffix for path in Path(imports_folder).iterdir())
    assert kept == [".csv", ".json"]
    assert all(os.stat(path).st_mode & 0o077 == 0 for path in Path(imports_folder).iterdir())
    day_ago = time.time() - 24 * 60 * 60 - 60
    for path in Path(imports_folder).iterdir():
        os.utime(path, (day_ago, day_ago))
    assert client.get(f"/console/import/{token}/rows-not-imported.csv").status_code == 404
    assert list(Path(imports_folder).iterdir()) == []


def test_a_creditor_the_person_may_not_see_cannot_be_chosen(creditors, make_staff, console_sign_in):
    client = console_sign_in(make_staff(creditors=["acme"]))

    refused = _upload(client, _csv([OTHER]), creditor="beta")

    assert refused.status_code == 400 and "Choose the creditor the accounts are owed to" in refused.text
    assert _references() == ["ACC-1", "B-1"]
    assert db.session.scalar(select(Creditor).where(Creditor.slug == "beta")).name == "Beta Loans"


@pytest.mark.parametrize(
    ("data", "name", "said"),
    [
        (b"reference,creditor\nX-1,acme\n", "short.csv", "the header row lacks columns: full_name"),
        (b"PK\x03\x04\x14\x00\x06\x00rest of a workbook", "accounts.xlsx", "this is a spreadsheet workbook"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "photo.png", "the file is not text in the encoding chosen"),
        (b"", "empty.csv", "the file is empty: expected a header row"),
    ],
)
def test_a_file_that_is_not_an_accounts_csv_is_refused_as_a_whole(
    creditors, make_staff, console_sign_in, data, name, said
):
    client = console_sign_in(make_staff())
    refused = _upload(client, data, name=name)
    assert refused.status_code == 400
    beside = re.search(r'<p class="error-message" id="file-error">(.*?)</p>', refused.text, re.S)
    assert beside and "Nothing was imported" in beside.group(1) and said in beside.group(1)
    assert '<a href="#file">' in refused.text
    assert _references() == ["ACC-1", "B-1"]


def test_a_file_not_in_utf_8_says_so_and_imports_when_its_encoding_is_chosen(
    creditors, make_staff, console_sign_in
):
    client = console_sign_in(make_staff())
    latin = _csv([account_row(reference="ES-1", full_name="José Núñez")]).decode().encode("latin-1")

    refused = _upload(client, latin)
    assert refused.status_code == 400
    assert "the file is not text in the encoding chosen (line 2)" in refused.text
    assert "ES-1" not in _references()

    assert _upload(client, latin, encoding="latin-1").status_code == 302
    account = db.session.scalar(select(Account).where(Account.reference == "ES-1"))
    assert account.debtor.full_name == "José Núñez"


def test_no_file_chosen_is_asked_for(creditors, make_staff, console_sign_in):
    client = console_sign_in(make_staff())
    refused = client.post(
        "/console/import", data={"creditor": "acme", "encoding": "auto"}, content_type="multipart/form-data"
    )
    assert refused.status_code == 400 and "Choose the CSV file to import" in refused.text


@pytest.mark.parametrize("csrf_on", [False, True], ids=["in the form", "in the CSRF check"])
def test_a_file_over_the_upload_limit_is_refused_with_the_limit_named(
    app, creditors, make_staff, console_sign_in, csrf_on
):
    """The body is refused where it is first read: by the form, or (in production) by the CSRF
    check before the page runs; either way the import page says why."""
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    client = console_sign_in(make_staff())
    app.config["WTF_CSRF_ENABLED"] = csrf_on
    rows = [account_row(reference=f"BIG-{n}", full_name="x" * 150) for n in range(5000)]

    refused = _upload(client, _csv(rows))

    assert refused.status_code == 413
    assert "The file is larger than 1 MB, so nothing was imported" in refused.text
    assert _references() == ["ACC-1", "B-1"]


def test_a_result_needs_a_sign_in(creditors, client):
    answer = client.get("/console/import/" + "a" * 24)
    assert answer.status_code == 302 and "/console/sign-in" in answer.headers["Location"]


def test_two_people_importing_the_same_new_row_at_once_create_it_once(creditors, make_staff, console_sign_in):
    clients = [console_sign_in(make_staff(email=f"agent{n}@example.com")) for n in range(2)]
    data = _csv([GOOD])
    start = threading.Barrier(2)
    answers: list = [None, None]

    def upload(index):
        start.wait(timeout=30)
        answers[index] = _upload(clients[index], data)

    threads = [threading.Thread(target=upload, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert [answer.status_code for answer in answers] == [302, 302]
    (account,) = db.session.scalars(select(Account).where(Account.reference == "NEW-1")).all()
    events = db.session.scalars(select(Event).where(Event.account_id == account.id)).all()
    assert [event.kind for event in events] == ["account_imported"]
    results = [clients[n].get(answers[n].headers["Location"]).text for n in range(2)]
    assert sum("Created: 1" in result for result in results) == 1
    # The other found it made (unchanged), or lost the race to the unique reference and says so.
    (other,) = [result for result in results if "Created: 1" not in result]
    assert "Unchanged: 1" in other or "the database refused the row (IntegrityError)" in other
