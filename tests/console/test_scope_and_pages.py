"""Today, Find and the account page: each shows only the creditors a person may see, answers
"not found" for any other id, and the debtor's and the staff's sessions never cross."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from portal.extensions import db
from portal.models import Event, Message, Offer, SupportRequest
from portal.models.requests import RequestKind


def _two_creditors(make_account):
    ours = make_account("A-1", "acme", "Acme Bank", full_name="Jane Doe", email="jane@example.com")
    theirs = make_account("B-1", "beta", "Beta Loans", full_name="John Roe", email="john@example.com")
    return ours, theirs


def test_a_person_limited_to_one_creditor_never_sees_another(make_account, make_staff, console_sign_in):
    ours, theirs = _two_creditors(make_account)
    client = console_sign_in(make_staff(creditors=["acme"]))
    assert client.get(f"/console/accounts/{ours.id}").status_code == 200
    for account_id in (theirs.id, theirs.id + 100, 0):
        assert client.get(f"/console/accounts/{account_id}").status_code == 404
    assert client.post(f"/console/accounts/{theirs.id}/notes", data={"note": "x"}).status_code == 404
    assert (
        client.post(f"/console/accounts/{theirs.id}/send-link", data={"channel": "email"}).status_code == 404
    )
    found = client.get("/console/find?q=john@example.com").text
    assert "John Roe" not in found and "No account matches" in found
    assert "Jane Doe" in client.get("/console/find?q=jane").text


def test_someone_with_every_creditor_finds_by_reference_name_email_and_phone(
    make_account, make_staff, console_sign_in
):
    ours, theirs = _two_creditors(make_account)
    theirs.debtor.phone = "+12025550143"
    db.session.commit()
    client = console_sign_in(make_staff())
    for text in ("b-1", "roe", "JOHN@example.com", "(202) 555-0143"):
        page = client.get("/console/find", query_string={"q": text}).text
        assert "John Roe" in page and "Jane Doe" not in page, text


def test_the_debtors_session_reaches_no_console_page_and_the_staffs_is_no_debtors(
    client, make_account, sign_in, make_staff, console_sign_in
):
    account = make_account()
    sign_in(account)
    assert client.get("/account").status_code == 200
    answer = client.get("/console/")
    assert answer.status_code == 302 and "/console/sign-in" in answer.headers["Location"]
    assert client.get(f"/console/accounts/{account.id}").status_code == 302

    staff_client = console_sign_in(make_staff())
    assert staff_client.get("/console/").status_code == 200
    assert staff_client.get("/account").status_code != 200
    cookie = staff_client.get_cookie("portal_staff", path="/console")
    assert (
        cookie is not None and cookie.path == "/console" and cookie.http_only and cookie.same_site == "Strict"
    )
    # The staff cookie's value under the debtor's cookie name (or the reverse) does not verify.
    swapped = client.application.test_client()
    swapped.set_cookie("session", cookie.value)
    assert swapped.get("/account").status_code != 200
    debtor_cookie = client.get_cookie("session")
    other = client.application.test_client()
    other.set_cookie("portal_staff", debtor_cookie.value, path="/console")
    assert other.get("/console/").status_code == 302


def test_a_note_and_a_link_sent_from_the_account_page_are_on_the_record(
    make_account, make_staff, console_sign_in, mailbox
):
    account = make_account()
    person = make_staff()
    client = console_sign_in(person)
    noted = client.post(f"/console/accounts/{account.id}/notes", data={"note": "Called, left a message."})
    assert noted.status_code == 302
    empty = client.post(f"/console/accounts/{account.id}/notes", data={"note": "  "})
    assert empty.status_code == 400 and "Write the note" in empty.text
    sent = client.post(f"/console/accounts/{account.id}/send-link", data={"channel": "email"})
    assert sent.status_code == 302
    message = db.session.scalar(select(Message).where(Message.account_id == account.id))
    assert message.kind == "link" and message.channel == "email"
    events = {e.kind: e for e in db.session.scalars(select(Event).where(Event.account_id == account.id))}
    assert events["note_added"].data == {"by": person.email, "note": "Called, left a message."}
    assert events["note_added"].actor == f"staff:{person.id}"
    assert events["staff_sent_link"].data["message_id"] == message.id
    page = client.get(f"/console/accounts/{account.id}").text
    assert "Called, left a message." in page and "note_added" in page


def test_a_refused_channel_says_why_and_sends_nothing(make_account, make_staff, console_sign_in):
    account = make_account(email=None)
    client = console_sign_in(make_staff())
    refused = client.post(f"/console/accounts/{account.id}/send-link", data={"channel": "email"})
    assert refused.status_code == 409 and "nothing on record to send it to" in refused.text
    assert db.session.scalar(select(Message)) is None


def test_today_lists_what_needs_a_person_in_order_with_why(make_account, make_staff, console_sign_in):
    promised = make_account("P-1", full_name="Pat Promise")
    offered = make_account("O-1", full_name="Olive Offer")
    make_account("X-1", "beta", "Beta Loans", full_name="Xavier Elsewhere")
    db.session.add(
        SupportRequest(
            account=promised,
            kind=RequestKind.PROMISE,
            promise_date=date.today() - timedelta(days=1),
            promise_amount=500,
        )
    )
    db.session.add(Offer(account=offered, amount=1000, frequency="monthly", start_date=date.today()))
    db.session.commit()
    page = console_sign_in(make_staff(creditors=["acme"])).get("/console/").text
    assert page.index("Pat Promise") < page.index("Olive Offer")
    assert "Promised to pay by" in page and "Offer waiting since" in page and "days left to answer" in page
    assert "Xavier Elsewhere" not in page


def test_today_takes_the_same_number_of_queries_for_many_accounts_as_for_few(
    app, make_account, make_staff, console_sign_in
):
    from sqlalchemy import event

    client = console_sign_in(make_staff())

    def queries_for_today() -> int:
        seen = []

        def count(*_args):
            seen.append(1)

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert client.get("/console/").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(seen)

    def add(n: int, start: int) -> None:
        for i in range(start, start + n):
            account = make_account(f"P-{i}", full_name=f"Person {i}", email=f"p{i}@example.com")
            db.session.add(
                SupportRequest(
                    account=account, kind=RequestKind.PROMISE, promise_date=date.today(), promise_amount=100
                )
            )
        db.session.commit()

    add(2, 0)
    few = queries_for_today()
    add(10, 2)
    assert queries_for_today() == few
