"""What a signed-in page asks the database: the link, its account, the person and the creditor
come in one statement (issue 16 counts statements per page; bench/pages.py reports them)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event

from portal.extensions import db


@pytest.fixture
def statements(app):
    seen: list[str] = []

    def note(_conn, _cursor, statement, *_args):
        seen.append(" ".join(statement.split()))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", note)
    yield seen
    event.remove(engine, "before_cursor_execute", note)


@pytest.mark.parametrize("path", ["/account", "/options", "/about-this-debt"])
def test_the_link_account_person_and_creditor_are_read_together(
    make_account, sign_in, client, statements, path
):
    sign_in(make_account())
    statements.clear()

    assert client.get(path).status_code == 200

    reads = [s for s in statements if s.startswith("SELECT")]
    alone = [
        s for s in reads if re.match(r"SELECT (debtors|creditors)\.id\b.* FROM (debtors|creditors) WHERE", s)
    ]
    assert alone == [], alone
    (link_read,) = [s for s in reads if "FROM magic_links" in s and "magic_links.public_id =" in s]
    assert "JOIN accounts" in link_read and "JOIN debtors" in link_read and "JOIN creditors" in link_read
