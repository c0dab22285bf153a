"""In Chromium, a US reader answers the date-of-birth question month first, typing into the boxes
in the order they stand (Tab from one to the next), and gets in; US Spanish asks month first too."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import check_page
from tests.e2e.journey import WORDS, open_link

pytestmark = pytest.mark.e2e

BORN = date(1980, 11, 3)  # 3 November: "11 3 1980" to a US reader, 11 March to a British one


def _type_into_the_boxes_in_order(page, question: str, *numbers: str) -> list[str]:
    """Type *numbers* from the first box on, moving with Tab; returns the boxes' labels in order."""
    boxes = page.get_by_role("group", name=question).get_by_role("textbox")
    labels = [box.evaluate("el => el.labels[0].textContent.trim()") for box in boxes.all()]
    boxes.first.focus()
    for i, number in enumerate(numbers):
        if i:
            page.keyboard.press("Tab")
        page.keyboard.type(number)
    return labels


@pytest.mark.parametrize(
    ("language", "browser_locale", "question"),
    [("en", "en-US", "What is your date of birth?"), ("es", "es-US", "¿Cuál es su fecha de nacimiento?")],
)
def test_a_us_reader_types_the_month_first_and_gets_in(
    live_portal, new_page, make_account, issue_link, language, browser_locale, question
):
    account = make_account(date_of_birth=BORN, language=language)
    page = new_page(locale=browser_locale)
    open_link(page, live_portal + issue_link(account))
    words = WORDS[language]
    page.get_by_role("button", name=words["continue"]).or_(
        page.get_by_role("link", name=words["continue"])
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(question)
    check_page(page)

    labels = _type_into_the_boxes_in_order(page, question, "11", "3", "1980")
    page.get_by_role("button", name=words["continue"]).click()

    assert labels == [words["month"], words["day"], words["year"]]
    expect(page).to_have_url(f"{live_portal}/account")
    check_page(page)
