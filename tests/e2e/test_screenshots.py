"""Screenshots of the debtor's main pages at 390 px and 1280 px, for docs/LOOK.md.

Every run takes them (a journey through the pages at both widths, each shot checked); they go
into docs/screenshots only when asked, so an ordinary run writes nothing into the checkout:

    SCREENSHOTS=1 .venv/bin/python -m pytest -q tests/e2e/test_screenshots.py
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.journey import CARD_OK, enter_card, expect_receipt, sign_in, start_paying_in_full
from tests.helpers.plans import make_plan

pytestmark = pytest.mark.e2e

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
SIZES = {"390": {"width": 390, "height": 844}, "1280": {"width": 1280, "height": 900}}


@pytest.fixture
def out(tmp_path) -> Path:
    return DOCS if os.environ.get("SCREENSHOTS") == "1" else tmp_path


def _shoot(page, name: str, width: str, out: Path) -> None:
    page.wait_for_load_state("load")
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{name}-{width}.png"
    page.screenshot(path=str(path), full_page=True)
    header = path.read_bytes()[:24]
    # A PNG whose IHDR says the page's width: the shot is of the page at the size asked for.
    assert header[:8] == b"\x89PNG\r\n\x1a\n" and int.from_bytes(header[16:20], "big") == int(width)


@pytest.mark.parametrize("width", SIZES)
def test_screenshots(live_portal, new_page, make_account, issue_link, localstripe, width, out):
    page = new_page(viewport=SIZES[width])
    sign_in(page, live_portal, issue_link, make_account())
    _shoot(page, "overview", width, out)
    page.goto(live_portal + "/options")
    _shoot(page, "options", width, out)
    page.goto(live_portal + "/account")
    start_paying_in_full(page)
    _shoot(page, "pay", width, out)
    enter_card(page, CARD_OK)
    expect_receipt(page)
    _shoot(page, "receipt", width, out)

    planned = make_account("ACC-2", email="plan@example.com")
    make_plan(localstripe, planned, count=3)
    page = new_page(viewport=SIZES[width])
    sign_in(page, live_portal, issue_link, planned)
    page.goto(live_portal + "/plan")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    _shoot(page, "plan", width, out)
    page.goto(live_portal + "/about-this-debt")
    _shoot(page, "about-this-debt", width, out)
    page.goto(live_portal + "/dispute/document")
    _shoot(page, "dispute-document", width, out)
