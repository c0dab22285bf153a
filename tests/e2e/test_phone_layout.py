"""On a phone the amount and the next step come first, the header is one row, and tables read
without broken words, in every language (issue 15, section 3); the agency's look is its own
(section 4): its colour reaches the page through /brand.css and /favicon.ico answers."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import check_no_sideways_scroll
from tests.e2e.journey import sign_in
from tests.helpers.plans import make_plan

pytestmark = pytest.mark.e2e

PHONE_390 = {"width": 390, "height": 844}
PHONE_320 = {"width": 320, "height": 640}
LANGUAGES = ["en", "es", "zh_Hant", "vi"]
# The overview's first action in each language, and how its amount sentence starts.
PAY_IN_FULL = {"en": "Pay in full", "es": "Pagar el total", "zh_Hant": None, "vi": None}
PAGES_WITH_TABLES = ["/account", "/about-this-debt", "/plan"]

# For every table cell: does its text fit (no sideways overflow), and does every word sit on one
# line? A word the browser cut in two ("Paym/ent") has a Range with two client rectangles.
BROKEN_WORDS = """() => {
  const broken = [];
  for (const cell of document.querySelectorAll('main table th, main table td')) {
    if (cell.scrollWidth > cell.clientWidth + 1) broken.push(`${cell.textContent.trim()} (too wide)`);
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement.closest('.visually-hidden')) continue;
      const re = /\\S+/g;
      let m;
      while ((m = re.exec(node.data)) !== null) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const rects = [...range.getClientRects()].filter(r => r.width > 0);
        // Chinese is written without spaces and wraps between any two characters, as it should.
        const cjk = /[\\u3400-\\u9fff\\uff00-\\uffef\\u3000-\\u303f]/.test(m[0]);
        if (rects.length > 1 && !cjk) broken.push(m[0]);
      }
    }
  }
  return broken;
}"""


def _switch(page, live_portal: str, language: str, path: str) -> None:
    """Choose the language the way the header's links do, and come back to *path*."""
    page.goto(f"{live_portal}/language/{language}?next={path}")
    expect(page.locator("html")).to_have_attribute("lang", language.replace("_", "-"))


@pytest.fixture
def planned(make_account, localstripe):
    account = make_account("ACC-2", email="plan@example.com")
    make_plan(localstripe, account, count=3)
    return account


@pytest.mark.parametrize("language", LANGUAGES)
def test_on_a_phone_the_amount_and_the_first_action_are_on_the_first_screen(
    live_portal, new_page, make_account, issue_link, language
):
    account = make_account()
    page = new_page(viewport=PHONE_390)
    sign_in(page, live_portal, issue_link, account)
    _switch(page, live_portal, language, "/account")

    amount = page.locator(".amount-owed")
    expect(amount).to_be_visible()
    expect(amount).to_contain_text(re.compile(r"1[.,]?060[.,]25"))
    first_action = page.locator("main .option__title a").first
    if PAY_IN_FULL[language]:
        expect(first_action).to_have_text(PAY_IN_FULL[language])
    expect(first_action).to_have_attribute("href", "/pay")
    box = first_action.bounding_box()
    assert box and box["y"] + box["height"] <= PHONE_390["height"], f"{language}: Pay in full at {box}"
    figure = amount.bounding_box()
    assert figure and figure["y"] + figure["height"] <= PHONE_390["height"] / 2, (
        f"{language}: amount at {figure}"
    )
    # The amount is the biggest text in <main> (the h1 names the creditor; the figure is larger).
    sizes = page.evaluate(
        "() => [...document.querySelectorAll('main *')].filter(e => e.checkVisibility())"
        ".map(e => [e.className, parseFloat(getComputedStyle(e).fontSize)])"
    )
    biggest = max(size for _, size in sizes)
    assert float(amount.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) == biggest


@pytest.mark.parametrize("language", LANGUAGES)
def test_on_a_phone_the_header_is_one_row(live_portal, new_page, make_account, issue_link, language):
    page = new_page(viewport=PHONE_390)
    sign_in(page, live_portal, issue_link, make_account())
    _switch(page, live_portal, language, "/account")

    header = page.locator(".site-header__inner")
    parts = [".site-name", ".language-switch__toggle", ".sign-out button"]
    boxes = [page.locator(f".site-header {part}").bounding_box() for part in parts]
    assert all(boxes), boxes
    # One row: each part's vertical middle lies within every other part's height.
    middles = [b["y"] + b["height"] / 2 for b in boxes]
    for box in boxes:
        assert all(box["y"] <= middle <= box["y"] + box["height"] for middle in middles), boxes
    height = header.bounding_box()["height"]
    assert height <= 80, f"{language}: the header is {height}px high"
    check_no_sideways_scroll(page)

    # The languages are one tap away, without JavaScript, and take the reader back to this page.
    toggle = page.locator(".language-switch__toggle")
    toggle.click()
    spanish = page.get_by_role("navigation").get_by_role("link", name="Español")
    if language == "es":
        spanish = page.get_by_role("navigation").get_by_role("link", name="English")
    expect(spanish).to_be_visible()
    assert spanish.bounding_box()["height"] >= 44
    spanish.click()
    expect(page).to_have_url(f"{live_portal}/account")


@pytest.mark.parametrize("language", LANGUAGES)
def test_at_320_pixels_no_table_breaks_a_word(live_portal, new_page, planned, issue_link, language):
    page = new_page(viewport=PHONE_320)
    sign_in(page, live_portal, issue_link, planned)
    for path in PAGES_WITH_TABLES:
        _switch(page, live_portal, language, path)
        expect(page.locator("main table").first).to_be_visible()
        broken = page.evaluate(BROKEN_WORDS)
        assert broken == [], f"{language} {path}: words broken or cells too narrow: {broken}"
        check_no_sideways_scroll(page)


def test_the_plan_statuses_say_paid_and_upcoming_not_due(live_portal, new_page, planned, issue_link):
    page = new_page(viewport=PHONE_320)
    sign_in(page, live_portal, issue_link, planned)
    page.goto(live_portal + "/plan")
    statuses = page.locator("main table tbody td[data-label='Status']").all_inner_texts()
    assert statuses and set(statuses) <= {"Paid", "Upcoming", "Due now", "Failed — action needed"}, statuses
    assert "Upcoming" in statuses
    # Stacked, each cell shows its column's name before its value.
    label = page.locator("main table tbody td[data-label='Status']").first.evaluate(
        "e => getComputedStyle(e, '::before').content"
    )
    assert label == '"Status"'


def test_the_favicon_and_the_brand_stylesheet_answer(live_portal, new_page, app):
    page = new_page()
    icon = page.request.get(live_portal + "/favicon.ico")
    assert icon.status == 200
    assert icon.headers["content-type"].startswith("image/")
    brand = page.request.get(live_portal + "/brand.css")
    assert brand.status == 200
    assert brand.headers["content-type"].startswith("text/css")
    assert f"--brand: {app.config['BRAND_COLOUR']};" in brand.text()

    page.goto(live_portal + "/")
    colour = page.evaluate("getComputedStyle(document.querySelector('.site-header')).backgroundColor")
    red, green, blue = (int(app.config["BRAND_COLOUR"][i : i + 2], 16) for i in (1, 3, 5))
    assert colour == f"rgb({red}, {green}, {blue})"
