"""Accessibility details in Chromium that axe cannot see: printing, forced colours, reduced
motion, 400 % zoom (1.4.10), target size (2.5.8), money read as one number, errors announced.
The session warning (2.2.1) is in test_session_warning.py."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from portal import clock
from tests.e2e.conftest import DESKTOP, PHONE
from tests.e2e.journey import (
    CARD_DECLINED_AT_CHARGE,
    CARD_OK,
    enter_card,
    expect_receipt,
    open_link,
    start_paying_in_full,
)
from tests.e2e.journey import sign_in as _sign_in  # the session tests share it
from tests.helpers.plans import make_plan

pytestmark = pytest.mark.e2e

CARD_DECLINED_AT_ATTACH = "4000000000000002"  # localstripe refuses it when saved to the customer
ZOOM_400 = {"width": 320, "height": 180}  # a 1280 x 720 window at 400 %
GUIDE_PAGES = ["/account", "/options", "/plan/new", "/pay", "/help/paying-online"]
# Money as the page writes it: "$1,060.25", "€50.00" or the Spanish "1060,25 US$" / "1.060,25 US$".
MONEY = (
    r"[A-Z]{0,3}[$€£¥] ?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d{2})?"
    r"|(?:\d{1,3}(?:[. ]\d{3})+|\d+),\d{2} ?[A-Z]{0,3}[$€£¥]"
)


# --- 2. Printing ------------------------------------------------------------------------------

NOT_PRINTED = (
    ".site-header .language-switch .skip-link button .button .step-indicator .footer-links .no-print".split()
)
SHOWN = """sels => sels.flatMap(s => [...document.querySelectorAll(s)]
    .filter(e => e.checkVisibility({visibilityProperty: true})).map(() => s))"""


def _assert_prints(page, table, amount, also_on_screen=()):
    on_screen = set(page.evaluate(SHOWN, NOT_PRINTED))
    assert set(NOT_PRINTED) - {".step-indicator"} | set(also_on_screen) <= on_screen, on_screen
    page.emulate_media(media="print")
    assert page.evaluate(SHOWN, NOT_PRINTED) == [], f"{page.url} prints page furniture"
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator(table).first).to_be_visible()
    expect(page.locator(table).first).to_contain_text(amount)
    assert page.pdf().startswith(b"%PDF")
    page.emulate_media(media="screen")


def test_receipt_plan_and_validation_page_print_without_page_furniture(
    live_portal, new_page, make_account, issue_link, localstripe
):
    """In print: no header, language switch, skip link, buttons, step indicator or footer links;
    the heading and the amounts (receipt list, plan schedule, itemisation table) are shown."""
    planned = make_account("ACC-2", email="plan@example.com")
    make_plan(localstripe, planned, count=3)
    page = new_page()
    _sign_in(page, live_portal, issue_link, planned)
    page.goto(live_portal + "/plan")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your payment plan")
    _assert_prints(page, "table", "$353.43")

    page = new_page()
    _sign_in(page, live_portal, issue_link, make_account())
    page.goto(live_portal + "/about-this-debt")
    _assert_prints(page, ".summary-table", "$1,060.25")
    page.goto(live_portal + "/account")
    start_paying_in_full(page)
    enter_card(page, CARD_OK)
    expect_receipt(page)
    _assert_prints(page, ".details-list", "$1,060.25", also_on_screen=[".step-indicator"])


# --- 3. Forced colours and 4. reduced motion --------------------------------------------------

TAB_STOP = """() => { const e = document.activeElement;
  if (!e || e === document.body || e.dataset.tabSeen) return null;
  e.dataset.tabSeen = '1'; const s = getComputedStyle(e);
  return {tag: e.tagName.toLowerCase(), text: (e.innerText || e.value || '').trim().slice(0, 30),
          style: s.outlineStyle, width: parseFloat(s.outlineWidth)}; }"""
BUTTON_BORDERS = """() => [...document.querySelectorAll('button, .button, input[type=submit]')]
  .filter(e => e.checkVisibility()).map(e => { const s = getComputedStyle(e);
    return {text: e.innerText.trim(), style: s.borderTopStyle, width: parseFloat(s.borderTopWidth)}; })"""


def _assert_focus_and_borders_in_forced_colours(page):
    page.emulate_media(forced_colors="active")
    assert page.evaluate("matchMedia('(forced-colors: active)').matches")
    stops = []
    for _ in range(80):
        page.keyboard.press("Tab")
        stop = page.evaluate(TAB_STOP)
        if stop is None:
            break
        stops.append(stop)
    assert {"a", "button"} <= {s["tag"] for s in stops}, stops
    faint = [s for s in stops if s["style"] == "none" or s["width"] < 2]
    assert faint == [], f"{page.url}: no visible focus indicator in forced colours: {faint}"
    buttons = page.evaluate(BUTTON_BORDERS)
    assert buttons and [b for b in buttons if b["style"] == "none" or b["width"] < 1] == [], buttons


def test_focus_and_button_edges_show_in_forced_colours(live_portal, new_page, make_account, issue_link):
    """With forced colours, every Tab stop (links and buttons included) on the identity page
    and the overview has an outline of 2px or more, and every button keeps a border."""
    account = make_account()
    page = new_page()
    open_link(page, live_portal + issue_link(account), check=False)
    page.get_by_role("link", name="Continue").or_(page.get_by_role("button", name="Continue")).click()
    expect(page.get_by_label("Day")).to_be_visible()
    _assert_focus_and_borders_in_forced_colours(page)
    page.emulate_media(forced_colors="none")
    page.get_by_label("Day").fill("27")
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year").fill("1980")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account with Acme Bank")
    _assert_focus_and_borders_in_forced_colours(page)


MOTION = """() => { const secs = v => v.split(',').map(x => x.trim())
    .map(x => x.endsWith('ms') ? parseFloat(x) / 1000 : (parseFloat(x) || 0));
  const moving = [];
  for (const e of document.querySelectorAll('*')) for (const pseudo of [null, '::before', '::after']) {
    const s = getComputedStyle(e, pseudo);
    if (pseudo && s.content === 'none') continue;
    const t = Math.max(...secs(s.transitionDuration)), a = Math.max(...secs(s.animationDuration));
    if (t > 0.01 || a > 0.01) moving.push(`${e.tagName}.${e.className}${pseudo || ''} ${t}s/${a}s`);
  }
  const html = getComputedStyle(document.documentElement).scrollBehavior;
  const body = getComputedStyle(document.body).scrollBehavior;
  return {moving, smooth: html === 'smooth' || body === 'smooth'}; }"""
PROBE = """() => { const p = document.createElement('div'); p.id = 'motion-probe';
  p.style.cssText = 'transition: opacity 1s; animation: spin 2s infinite';
  document.querySelector('main').append(p); }"""


def test_reduced_motion_stops_every_transition_and_animation(live_portal, new_page, make_account, issue_link):
    """With reduced motion, no element (nor ::before/::after) transitions or animates and
    scrolling is not smooth, on the overview, a form and the card page; the stylesheet's
    guard also stills motion a later change might add (the probe), and only under that setting."""
    page = new_page()
    _sign_in(page, live_portal, issue_link, make_account())
    for path in ("/account", "/dispute", "/pay"):
        page.goto(live_portal + path)
        page.evaluate(PROBE)
        page.emulate_media(reduced_motion="no-preference")
        assert page.evaluate(MOTION)["moving"], "the probe should move without the setting"
        page.emulate_media(reduced_motion="reduce")
        assert page.evaluate("matchMedia('(prefers-reduced-motion: reduce)').matches")
        assert page.evaluate(MOTION) == {"moving": [], "smooth": False}, path


# --- 5. 400 % zoom and 6. target size -----------------------------------------------------------

REFLOW = """() => { const root = document.documentElement, width = root.clientWidth, problems = [];
  if (root.scrollWidth > width) problems.push(`scrolls sideways: ${root.scrollWidth} > ${width}`);
  for (const e of [root, document.body]) { const s = getComputedStyle(e);
    if (/hidden|clip/.test(s.overflowX + s.overflowY)) problems.push(`${e.tagName} overflow ${s.overflow}`); }
  for (const e of document.body.querySelectorAll('*')) {
    if (!e.checkVisibility({visibilityProperty: true}) || e.closest('.visually-hidden, .skip-link')) continue;
    const r = e.getBoundingClientRect(), s = getComputedStyle(e);
    if (r.width <= 1 || r.height <= 1) continue;
    if (r.left < -0.5 || r.right > width + 0.5) problems.push(`off the side: ${e.tagName}.${e.className}`);
    if (/fixed|sticky/.test(s.position) && r.height > innerHeight / 2) problems.push(`covers: ${e.tagName}`);
    if (/hidden|clip/.test(s.overflowX) && !e.matches('input, select, textarea')
        && e.scrollWidth > e.clientWidth + 1) problems.push(`clipped: ${e.tagName}.${e.className}`);
  }
  window.scrollTo(0, root.scrollHeight);
  const footer = document.querySelector('.site-footer').getBoundingClientRect();
  if (footer.bottom > innerHeight + 1) problems.push('the end of the page cannot be scrolled to');
  window.scrollTo(0, 0);
  return problems; }"""


@pytest.fixture
def zoomed_page(browser):
    """A page in a 320 x 180 CSS-pixel viewport at the given device scale factor."""
    contexts = []

    def open_page(scale):
        context = browser.new_context(viewport=ZOOM_400, device_scale_factor=scale)
        context.set_default_timeout(15000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.mark.parametrize("scale", [1, 4], ids=["css-320x180", "scale-4"])
def test_pages_reflow_at_400_percent_zoom(live_portal, zoomed_page, scale, make_account, issue_link):
    """At 320 x 180 CSS px (400 % of 1280 x 720) nothing scrolls sideways, hangs off the edge,
    is clipped or covered, and the end of each page can be scrolled to."""
    page = zoomed_page(scale)
    _sign_in(page, live_portal, issue_link, make_account())
    for path in GUIDE_PAGES:
        page.goto(live_portal + path)
        assert page.evaluate("devicePixelRatio") == scale
        assert page.evaluate(REFLOW) == [], path
        assert_target_sizes(page)


TARGETS = """() => {
  const all = [...document.querySelectorAll('a[href], button, input:not([type=hidden]), select, '
                                            + 'textarea, summary, [tabindex]:not([tabindex="-1"])')]
    .filter(e => e.checkVisibility({visibilityProperty: true}) && !e.closest('#card-element'))
    .map(e => ({e, r: e.getBoundingClientRect()})).filter(t => t.r.width > 0 && t.r.right > 0);
  const blockOf = e => { let p = e.parentElement;
    while (p && getComputedStyle(p).display.startsWith('inline')) p = p.parentElement; return p; };
  const inSentence = e => getComputedStyle(e).display === 'inline' &&
    /[\\p{L}\\p{N}]/u.test(blockOf(e).innerText.replace(e.innerText, ''));
  const small = all.filter(t => (t.r.width < 24 || t.r.height < 24) && !inSentence(t.e));
  const centre = r => [r.left + r.width / 2, r.top + r.height / 2];
  const gap = ([x, y], r) => Math.hypot(Math.max(r.left - x, 0, x - r.right),
                                        Math.max(r.top - y, 0, y - r.bottom));
  return small.filter(t => all.some(o => o !== t && gap(centre(t.r), o.r) < 12)
      || small.some(o => o !== t && gap(centre(t.r), {left: centre(o.r)[0], right: centre(o.r)[0],
                                                      top: centre(o.r)[1], bottom: centre(o.r)[1]}) < 24))
    .map(t => `${t.e.tagName} "${(t.e.innerText || t.e.name || '').trim().slice(0, 30)}" `
              + `${Math.round(t.r.width)}x${Math.round(t.r.height)}`); }"""


def assert_target_sizes(page):
    """WCAG 2.5.8: each visible target is 24 x 24 CSS px or more, or is a link inside a sentence,
    or a 24 px circle centred on it touches no other target nor another small target's circle."""
    assert page.evaluate(TARGETS) == [], f"{page.url}: targets too small and too close"


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_targets_are_big_enough_or_far_enough_apart(
    live_portal, new_page, viewport, make_account, issue_link
):
    """Targets on the overview, options, plan builder, card page and paying-online guide pass 2.5.8."""
    page = new_page(viewport)
    _sign_in(page, live_portal, issue_link, make_account())
    for path in GUIDE_PAGES:
        page.goto(live_portal + path)
        expect(page.locator("main a, main button").first).to_be_visible()
        assert_target_sizes(page)


# --- 7. Money read as one number ----------------------------------------------------------------

AMOUNTS = """pattern => { const money = new RegExp(pattern, 'gu');
  const flat = s => s.replace(/[\\u00a0\\u202f]/g, ' ');
  const shown = flat(document.body.innerText).match(money) || [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const whole = [], spaced = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const parent = n.parentElement;
    if (!parent.checkVisibility({visibilityProperty: true}) || parent.closest('script, style')) continue;
    const found = flat(n.data).replace(/\\s+/g, ' ').match(money) || [];
    whole.push(...found);
    const s = getComputedStyle(parent);
    if (found.length && !/^(normal|0px)$/.test(s.letterSpacing)) spaced.push(`${found} ${s.letterSpacing}`);
  }
  const split = shown.filter(a => shown.filter(b => b === a).length > whole.filter(b => b === a).length);
  return {shown, split: [...new Set(split)], spaced}; }"""


def assert_amounts_whole(page) -> list[str]:
    """Every money amount on the page sits whole in one text node with no letter-spacing, so a
    screen reader reads it as one number. Returns the amounts found."""
    found = page.evaluate(AMOUNTS, MONEY)
    assert found["shown"], f"{page.url}: no amounts found"
    assert found["split"] == [], f"{page.url}: amounts split across elements: {found['split']}"
    assert found["spaced"] == [], f"{page.url}: amounts with letter-spacing: {found['spaced']}"
    return found["shown"]


def test_amounts_are_whole_on_overview_plan_review_and_receipt(
    live_portal, new_page, make_account, issue_link
):
    """English: the overview, the plan review and the receipt write each amount as one piece."""
    page = new_page()
    _sign_in(page, live_portal, issue_link, make_account())
    assert "$1,060.25" in assert_amounts_whole(page)
    page.goto(live_portal + "/plan/new")
    page.get_by_role("radio", name="Every month").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("radio", name="Choose the number of payments").check()
    page.get_by_role("textbox", name="Number of payments", exact=True).fill("3")
    page.get_by_role("button", name="Continue").click()
    first = clock.today()
    group = page.get_by_role("group", name="When do you want to make the first payment?")
    for label, value in (("Day", first.day), ("Month", first.month), ("Year", first.year)):
        group.get_by_label(label).fill(str(value))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your payment plan")
    assert "$353.43" in assert_amounts_whole(page)
    page.goto(live_portal + "/account")
    start_paying_in_full(page)
    enter_card(page, CARD_OK)
    expect_receipt(page)
    assert "$1,060.25" in assert_amounts_whole(page)


def test_spanish_amounts_are_whole(live_portal, new_page, make_account, issue_link):
    """US Spanish writes "$1,060.25" (es_US); the amount is still one piece."""
    page = new_page()
    _sign_in(page, live_portal, issue_link, make_account(language="es"), lang="es")
    amounts = assert_amounts_whole(page)
    assert "$1,060.25" in amounts, amounts
    start_paying_in_full(page, lang="es")
    enter_card(page, CARD_OK, lang="es")
    expect_receipt(page, lang="es")
    assert "$1,060.25" in assert_amounts_whole(page)


# --- 8. Errors announced --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "declined", [CARD_DECLINED_AT_CHARGE, CARD_DECLINED_AT_ATTACH], ids=["charge", "attach"]
)
def test_card_errors_are_announced_in_the_live_region(
    live_portal, new_page, declined, make_account, issue_link
):
    """#card-element-error is an assertive live region, present and empty before anything goes
    wrong; pressing Pay with no card, then a declined card, each put the message in it."""
    page = new_page()
    _sign_in(page, live_portal, issue_link, make_account())
    start_paying_in_full(page)
    live = page.locator("#card-element-error")
    assert live.get_attribute("role") == "alert" or live.get_attribute("aria-live") == "assertive"
    expect(live).to_be_empty()
    fieldset = page.locator("fieldset", has=page.locator("#card-element"))
    assert "card-element-error" in fieldset.get_attribute("aria-describedby").split()
    pay = page.get_by_role("button", name=re.compile(r"^Pay .+ now$"))
    pay.click()
    expect(live).not_to_be_empty()
    expect(live).to_be_visible()
    expect(pay).to_be_enabled()

    enter_card(page, declined)
    expect(page.get_by_role("alert").filter(has_text="There is a problem")).to_be_visible()
    live = page.locator("#card-element-error")
    assert live.get_attribute("role") == "alert" or live.get_attribute("aria-live") == "assertive"
    expect(live).to_contain_text("You have not been charged")


def test_identity_error_summary_is_an_alert_and_takes_focus(live_portal, new_page, make_account, issue_link):
    """Submitting the identity form empty gives an error summary with role=alert that has focus;
    its link moves focus into the field it names."""
    page = new_page()
    open_link(page, live_portal + issue_link(make_account()), check=False)
    page.get_by_role("link", name="Continue").or_(page.get_by_role("button", name="Continue")).click()
    page.get_by_role("button", name="Continue").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_have_attribute("role", "alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_be_focused()
    assert page.title().startswith("Error:")
    summary.get_by_role("link").first.click()
    # The first box a US reader fills: the month.
    expect(page.get_by_label("Month")).to_be_focused()
