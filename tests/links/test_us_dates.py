"""The identity question asks the date of birth in the order the reader writes dates: a US reader
born on 3 November types 11, 3, 1980 into the boxes as they stand, and gets in."""

from __future__ import annotations

import re
from datetime import date

import pytest

from portal.extensions import db
from tests.links.conftest import link_for

BORN = date(1980, 11, 3)


def _boxes(page: str) -> list[str]:
    """The names the date boxes are posted under, in the order they stand on the page."""
    return re.findall(r'<input class="input width-\d[^"]*" id="dob-[a-z]+" name="([a-z]+)"', page)


def _typed_as_they_stand(page: str, *numbers: str) -> dict[str, str]:
    """What a person posts who types *numbers* into the boxes one after another, as they see them."""
    return dict(zip(_boxes(page), numbers, strict=True))


@pytest.fixture
def born_in_november(make_account):
    def make(country: str = "US", language: str | None = None):
        account = make_account(date_of_birth=BORN, language=language)
        account.creditor.country = country
        db.session.commit()
        return account

    return make


def test_a_us_reader_types_the_month_first_and_gets_in(opened, born_in_november, client):
    account = born_in_november("US")
    opened(account)
    page = client.get("/verify").text
    assert _boxes(page) == ["month", "day", "year"]
    labels = re.findall(r'<label class="label" for="dob-[a-z]+">(\w+)</label>', page)
    assert labels == ["Month", "Day", "Year"]
    assert "For example, 3 27 1980. We ask so that only you can see this account." in page

    response = client.post("/verify", data=_typed_as_they_stand(page, "11", "3", "1980"))

    assert response.status_code == 303 and response.headers["Location"].endswith("/account")
    assert link_for(account).failed_attempts == 0


def test_for_a_british_account_the_same_typing_is_another_day_and_a_wrong_answer(
    opened, born_in_november, client
):
    account = born_in_november("GB")
    opened(account)
    page = client.get("/verify").text
    assert _boxes(page) == ["day", "month", "year"]
    assert "For example, 27 3 1980." in page

    wrong = client.post("/verify", data=_typed_as_they_stand(page, "11", "3", "1980"))  # 11 March
    assert wrong.status_code == 400 and link_for(account).failed_attempts == 1
    right = client.post("/verify", data=_typed_as_they_stand(page, "3", "11", "1980"))
    assert right.status_code == 303 and right.headers["Location"].endswith("/account")


def test_a_us_readers_error_names_the_parts_in_their_order_and_links_to_the_month(
    opened, born_in_november, client
):
    account = born_in_november("US")
    opened(account)
    response = client.post("/verify", data={"month": "11", "day": "", "year": "1980"})
    assert response.status_code == 400
    summary = re.search(r'<div class="error-summary".*?</div>', response.text, re.S).group(0)
    assert '<a href="#dob-month">Your date of birth must include a month, day and year</a>' in summary
    assert link_for(account).failed_attempts == 0


def test_a_us_reader_who_types_the_day_first_by_habit_is_told_the_date_is_not_real(
    opened, born_in_november, client
):
    # 27 in the month box is no date at all: an error to fix, not one of the five wrong answers.
    account = born_in_november("US")
    opened(account)
    page = client.get("/verify").text
    response = client.post("/verify", data=_typed_as_they_stand(page, "27", "3", "1980"))
    assert response.status_code == 400
    assert "Your date of birth must be a real date" in response.text
    assert link_for(account).failed_attempts == 0
