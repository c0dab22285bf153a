"""Free text with characters no field accepts, and numbers written in odd digits: each is an error
at its field (400 with the error summary), never a 500, and nothing stored breaks a later page."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import Draft

#: (a page to answer first, its data), the free-text page, its field.
FREE_TEXT = [
    (None, "/offer/new/note", "note"),
    (None, "/cant-pay/call-back/what-is-happening", "explanation"),
    (("/dispute", {"reason": "other"}), "/dispute/details", "details"),
    (None, "/contact-preferences/time", "times"),
]
REFUSED = ["a\x00b", "\x00", "a\x07b", "a\x1bb", "a\x9bb", "a\ufffeb", "a\uffffb", "a\x7fb"]


@pytest.fixture
def signed_in(make_account, sign_in, client):
    account = make_account()
    sign_in(account)
    return account


@pytest.mark.parametrize(("first", "url", "field"), FREE_TEXT)
@pytest.mark.parametrize("typed", REFUSED)
def test_a_control_character_is_refused_at_the_field(client, signed_in, first, url, field, typed):
    if first:
        assert client.post(*first[:1], data=first[1]).status_code == 303
    before = {d.run: dict(d.answers) for d in db.session.scalars(select(Draft))}
    response = client.post(url, data={field: typed})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "error-summary-title" in page and f'href="#{field}"' in page
    assert "character we cannot accept" in page
    db.session.expire_all()
    assert {d.run: dict(d.answers) for d in db.session.scalars(select(Draft))} == before


@pytest.mark.parametrize(("first", "url", "field"), FREE_TEXT)
def test_line_breaks_and_tabs_are_still_fine_where_text_has_lines(client, signed_in, first, url, field):
    if first:
        client.post(first[0], data=first[1])
    response = client.post(url, data={field: "Mornings\tbest.\r\nNot Fridays."})
    assert response.status_code == 303, response.get_data(as_text=True)


def test_a_draft_saved_with_nul_before_the_fix_asks_again_instead_of_failing(client, signed_in):
    """Such drafts exist on PostgreSQL (its JSON type keeps \\u0000): every visit and the send failed."""
    assert client.post("/dispute", data={"reason": "other"}).status_code == 303
    assert client.post("/dispute/details", data={"details": "fine"}).status_code == 303
    draft = db.session.scalar(select(Draft).where(Draft.run == "dispute"))
    draft.answers = {**draft.answers, "details": "I never\x00 had this account"}
    db.session.commit()

    for page in ("/account", "/dispute", "/dispute/details", "/dispute/document"):
        assert client.get(page).status_code < 500, page
    response = client.get("/dispute/check")
    assert response.status_code == 303 and response.headers["Location"].endswith("/dispute/details")
    assert client.post("/dispute/check", data={}).status_code == 303
    # Answering again (without the NUL) and sending works.
    assert client.post("/dispute/details", data={"details": "I never had this account"}).status_code == 303
    client.post("/dispute/document", data={"without": "1"})
    response = client.post("/dispute/check", data={})
    assert response.status_code == 303 and response.headers["Location"].endswith("/dispute/received")


@pytest.mark.parametrize("count", ["²", "٣", "১২", "9" * 5000, "1e3", "-3", " 6\x00"])
def test_the_number_of_payments_in_odd_digits_is_an_error_not_a_500(client, signed_in, count):
    assert client.post("/plan/new", data={"frequency": "monthly"}).status_code == 303
    response = client.post("/plan/new/payments", data={"method": "count", "count": count})
    assert response.status_code == 400
    assert 'href="#count"' in response.get_data(as_text=True)


@pytest.mark.parametrize("amount", ["9" * 5000, "²", "1" + "0" * 30])
def test_an_amount_of_any_length_is_an_error_not_a_500(client, signed_in, amount):
    client.post("/plan/new", data={"frequency": "monthly"})
    response = client.post("/plan/new/payments", data={"method": "amount", "amount": amount})
    assert response.status_code == 400
    assert 'href="#amount"' in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("day", "month", "year"),
    [
        ("1" + "0" * 30, "1", "2027"),
        ("²", "1", "2027"),
        ("1", "٣", "2027"),
        ("1", "1", "٢٠٢٧"),
        ("1", "99999", "2027"),
    ],
)
def test_a_date_in_odd_or_huge_digits_is_an_error_not_a_500(client, signed_in, day, month, year):
    client.post("/plan/new", data={"frequency": "monthly"})
    client.post("/plan/new/payments", data={"method": "count", "count": "6"})
    response = client.post(
        "/plan/new/first-payment-date", data={"first-day": day, "first-month": month, "first-year": year}
    )
    assert response.status_code == 400
    assert 'href="#first-month"' in response.get_data(as_text=True)
    response = client.post(
        "/cant-pay/promise", data={"date-day": day, "date-month": month, "date-year": year}
    )
    assert response.status_code == 400
    assert 'href="#date-month"' in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/receipt/{}", "/plan/attempts/{}/confirm", "/pay/attempts/{}/complete"])
@pytest.mark.parametrize("number", [2**31, 10**30])
def test_an_id_too_large_for_the_database_is_a_404_not_a_500(client, signed_in, path, number):
    method = "POST" if path.endswith("complete") else "GET"
    assert client.open(path.format(number), method=method).status_code == 404
    assert client.get("/account").status_code == 200
