"""The debtor's journeys by keyboard alone in Chromium: Tab, Shift+Tab, Enter, Space and typing,
never a click or a fill. Every step checks where focus goes: the skip link first, the fields of a
form in DOM order ending on its button, the error summary after a bad submission, and a visible
focus indicator on everything that takes focus."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from portal import clock
from portal.accounts import policies
from portal.extensions import db
from portal.models import Dispute, Payment, Plan, PlanStatus
from tests.e2e.journey import CARD_OK

pytestmark = pytest.mark.e2e

# One key per element, shared by the focus reader and the list of a form's stops.
_KEY = """
const __key = el => el.id ? '#' + el.id
  : el.tagName.toLowerCase() + '[' + (el.getAttribute('name') || el.getAttribute('placeholder') || '') + ']:'
    + (el.getAttribute('href') || (el.textContent || '').replace(/\\s+/g, ' ').trim().slice(0, 40));
const __focusable = 'a[href], button, input, select, textarea, summary, [tabindex]';
const __transparent = c => c === 'transparent' || /rgba\\(.*,\\s*0\\)$/.test(c);
const __style = el => { const s = getComputedStyle(el); return {
  outlineStyle: s.outlineStyle, outlineWidth: s.outlineWidth, outlineColor: s.outlineColor,
  boxShadow: s.boxShadow, backgroundColor: s.backgroundColor}; };
"""

# What has focus: tag, role, accessible name (aria-label, aria-labelledby, labels, text,
# placeholder), and whether it looks different from when it had no focus. The resting style of
# every focusable element is remembered on each read, while it does not have focus.
READ_FOCUS = (
    "() => {"
    + _KEY
    + """
  window.__kbRest = window.__kbRest || new WeakMap();
  const active = document.activeElement;
  for (const e of document.querySelectorAll(__focusable)) {
    if (e !== active) window.__kbRest.set(e, __style(e));
  }
  if (!active || active === document.body) return null;
  const el = active, tag = el.tagName.toLowerCase(), type = (el.getAttribute('type') || '').toLowerCase();
  const text = s => (s || '').replace(/\\s+/g, ' ').trim();
  let role = el.getAttribute('role');
  if (!role) {
    if (tag === 'a' && el.hasAttribute('href')) role = 'link';
    else if (tag === 'button' || tag === 'summary') role = 'button';
    else if (tag === 'input' && ['submit', 'button', 'file'].includes(type)) role = 'button';
    else if (tag === 'input' && (type === 'radio' || type === 'checkbox')) role = type;
    else if (tag === 'input' || tag === 'textarea') role = 'textbox';
    else if (tag === 'select') role = 'combobox';
    else role = tag;
  }
  let name = text(el.getAttribute('aria-label'));
  if (!name && el.getAttribute('aria-labelledby')) {
    name = text(el.getAttribute('aria-labelledby').split(/\\s+/)
      .map(id => (document.getElementById(id) || {}).textContent).join(' '));
  }
  if (!name && el.labels && el.labels.length) name = text([...el.labels].map(l => l.textContent).join(' '));
  if (!name && ['link', 'button'].includes(role)) name = text(el.textContent);
  if (!name) name = text(el.getAttribute('placeholder') || el.getAttribute('title'));
  const now = __style(el), rest = window.__kbRest.get(el);
  const outline = now.outlineStyle !== 'none' && parseFloat(now.outlineWidth) > 0
    && !__transparent(now.outlineColor);
  const shadow = now.boxShadow !== 'none' && (!rest || rest.boxShadow !== now.boxShadow);
  const background = !!rest && !__transparent(now.backgroundColor)
    && rest.backgroundColor !== now.backgroundColor;
  return {key: __key(el), tag, id: el.id, role, name, href: el.getAttribute('href') || '',
          summary: el.hasAttribute('data-error-summary'), inSummary: !!el.closest('[data-error-summary]'),
          indicator: outline || shadow || background, style: JSON.stringify({now, rest})};
}"""
)

# The stops Tab should make in a form, in DOM order: rendered, enabled, not tabindex=-1, and one
# per radio group (the checked radio, else the group's first).
FORM_STOPS = (
    "form => {"
    + _KEY
    + """
  const stops = [];
  for (const e of form.querySelectorAll(__focusable)) {
    if (e.disabled || e.tabIndex < 0 || e.type === 'hidden' || !e.getClientRects().length) continue;
    if (e.type === 'radio') {
      const group = [...form.querySelectorAll('input[type=radio]')].filter(r => r.name === e.name);
      if (e !== (group.find(r => r.checked) || group[0])) continue;
    }
    stops.push(__key(e));
  }
  return stops;
}"""
)


@dataclass
class Focus:
    key: str
    tag: str
    id: str
    role: str
    name: str
    href: str
    summary: bool
    inSummary: bool  # noqa: N815 - the name the page script returns
    indicator: bool
    style: str

    def __str__(self) -> str:
        return f"{self.role} {self.name!r} ({self.key})"


class Keyboard:
    """page.keyboard, plus a trail of every element that had focus and checks on each one."""

    def __init__(self, page: Page):
        self.page = page
        self.trail: list[Focus] = []

    def read(self) -> Focus | None:
        data = self.page.evaluate(READ_FOCUS)
        if data is None:
            return None
        focus = Focus(**data)
        assert focus.indicator, f"{self.page.url}: {focus} has no visible focus indicator: {focus.style}"
        if not self.trail or self.trail[-1].key != focus.key:
            self.trail.append(focus)
        return focus

    def press(self, key: str) -> Focus | None:
        self.page.keyboard.press(key)
        return self.read()

    def tab_to(self, role: str, name, presses: int = 40, here: bool = False) -> Focus:
        """Press Tab until the focused element has this role and name (a string or a regex)."""
        start = len(self.trail)
        focus = self.read() if here else None
        for _ in range(presses + 1):
            if (
                focus
                and focus.role == role
                and (name.search(focus.name) if isinstance(name, re.Pattern) else focus.name == name)
            ):
                return focus
            focus = self.press("Tab")
        seen = ", ".join(str(f) for f in self.trail[start:])
        raise AssertionError(f"{self.page.url}: {presses} Tabs never reached {role} {name!r}; went to {seen}")

    def type_into(self, name, text: str) -> None:
        """Tab to a text field (unless focus is there already) and type; record where focus ends."""
        self.tab_to("textbox", name, here=True)
        self.page.keyboard.type(text)
        self.read()

    def follow(self, key: str = "Enter") -> None:
        """Press a key that loads another page, and wait for it."""
        with self.page.expect_navigation():
            self.page.keyboard.press(key)

    def arrive(self, heading) -> None:
        """A new page: the first Tab lands on the skip link, and Enter on it focuses <main>."""
        expect(self.page.get_by_role("heading", level=1)).to_have_text(heading)
        assert self.read() is None, f"{self.page.url}: something had focus before the first Tab"
        first = self.press("Tab")
        assert first and (first.role, first.name) == ("link", "Skip to main content"), (
            f"{self.page.url}: the first Tab landed on {first}, not the skip link"
        )
        main = self.press("Enter")
        assert main and (main.tag, main.id) == ("main", "main"), f"{self.page.url}: skip link focused {main}"

    def arrive_at_error(self, heading, first_error: str) -> None:
        """An error page: focus is on the summary, Tab reaches its first link, Enter its field."""
        expect(self.page.get_by_role("heading", level=1)).to_have_text(heading)
        assert self.page.title().startswith("Error:")
        summary = self.read()
        assert summary and summary.summary and summary.role == "alert", (
            f"{self.page.url}: after a bad submission focus is on {summary}, not the error summary"
        )
        link = self.press("Tab")
        assert link and link.role == "link" and link.inSummary, f"Tab from the summary went to {link}"
        assert link.name == first_error, f"the first error link is {link.name!r}"
        field = self.press("Enter")
        assert field and field.id == link.href.removeprefix("#"), f"{link} moved focus to {field}"

    def mark(self) -> int:
        return len(self.trail)

    def assert_form_order(self, since: int, form: str) -> list[str]:
        """Focus since the mark visited exactly the form's stops, in DOM order, ending on submit."""
        expected = self.page.locator(form).evaluate(FORM_STOPS)
        visited = [f.key for f in self.trail[since:]]
        if expected and expected[0] in visited:  # what came before the form is not its business
            visited = visited[visited.index(expected[0]) :]
        assert visited == expected, f"{self.page.url} {form}: focus went {visited}\n  not {expected}"
        assert self.trail[-1].tag == "button", f"the last stop in {form} is {self.trail[-1]}"
        return expected


def _sign_in(kb: Keyboard, url: str, *, wrong_first: bool) -> None:
    """Open the link (typed into the address bar), confirm identity, reach the overview."""
    kb.page.goto(url)
    kb.arrive("A message about an account in your name")
    kb.tab_to("link", "Continue")
    kb.follow()

    form = "main form[method=post]"
    kb.arrive("What is your date of birth?")
    if wrong_first:
        since = kb.mark()
        kb.tab_to("button", "Continue")
        forward = kb.assert_form_order(since, form)[:-1]
        # Backwards too: Shift+Tab from the button visits the same stops in reverse.
        back = [kb.press("Shift+Tab").key for _ in forward]
        assert back == forward[::-1], f"Shift+Tab went {back}, not back through {forward}"
        kb.tab_to("button", "Continue")
        kb.follow()  # nothing typed
        kb.arrive_at_error("What is your date of birth?", "Enter your date of birth")
    since = kb.mark() - (1 if wrong_first else 0)  # after an error, from the field its link focused
    # A US reader's order: month, day, year.
    kb.type_into("Month", "3")
    kb.press("Tab")
    kb.type_into("Day", "27")
    kb.press("Tab")
    kb.type_into("Year", "1980")
    kb.tab_to("button", "Continue")
    kb.assert_form_order(since, form)
    kb.follow()
    kb.arrive("Your account with Acme Bank")


def _enter_card(kb: Keyboard) -> None:
    """The stand-in card fields move focus on by themselves once a field is full, as Stripe's do."""
    for field, value in (("number", CARD_OK), ("exp_month", "12"), ("exp_year", "30"), ("cvc", "123")):
        kb.type_into(field, value)
    kb.type_into("postal_code", "60614")


def test_an_instalment_plan_by_keyboard_alone(live_portal, new_page, make_account, issue_link):
    """Link to agreed plan without a pointer: errors on the identity check and the plan builder
    are summarised, focused and lead to their field; every form is visited in DOM order."""
    account = make_account(principal=30000, interest=0, fees=0)
    policies.change(account.creditor, {"instalments": True, "frequencies": ["monthly"]})
    db.session.commit()
    kb = Keyboard(new_page())
    _sign_in(kb, live_portal + issue_link(account), wrong_first=True)

    kb.tab_to("link", "See other ways to pay")
    kb.follow()
    kb.arrive("Choose how to pay")
    kb.tab_to("link", "Pay in installments")
    kb.follow()

    form = "main form[method=post]"
    kb.arrive("How often do you want to pay?")
    since = kb.mark()
    kb.tab_to("button", "Continue")
    kb.assert_form_order(since, form)
    kb.follow()  # nothing chosen
    kb.arrive_at_error("How often do you want to pay?", "Choose how often you want to pay")

    since = kb.mark() - 1  # from the field the error link focused
    kb.press("Space")  # "Every month", the only frequency the policy allows
    kb.tab_to("button", "Continue")
    kb.assert_form_order(since, form)
    kb.follow()

    kb.arrive("How do you want to set the payments?")
    since = kb.mark()
    kb.tab_to("radio", "Choose the number of payments")
    kb.press("Space")
    kb.type_into("Number of payments", "3")
    kb.tab_to("button", "Continue")
    kb.assert_form_order(since, form)
    kb.follow()

    kb.arrive("When do you want to make the first payment?")
    since = kb.mark()
    today = clock.today()
    kb.tab_to("textbox", "Month")
    kb.type_into("Month", str(today.month))
    kb.press("Tab")
    kb.type_into("Day", str(today.day))
    kb.press("Tab")
    kb.type_into("Year", str(today.year))
    kb.tab_to("button", "Continue")
    kb.assert_form_order(since, form)
    kb.follow()

    kb.arrive("Check your payment plan")
    expect(kb.page.get_by_role("table", name="Your payments").get_by_role("row")).to_have_count(4)
    since = kb.mark()
    _enter_card(kb)
    kb.tab_to("checkbox", re.compile(r"^I agree to this plan"))
    kb.press("Space")
    kb.tab_to("button", "Agree and set up the plan")
    kb.assert_form_order(since, "#setup-form")
    kb.follow()

    kb.arrive("Your payment plan is set up")
    db.session.expire_all()
    (plan,) = db.session.scalars(db.select(Plan).where(Plan.account_id == account.id)).all()
    assert plan.status is PlanStatus.ACTIVE and len(plan.instalments) == 3


def test_paying_in_full_by_keyboard_alone(live_portal, new_page, make_account, issue_link):
    """Link, identity, overview and the card form to the receipt, with focus checked on each page."""
    account = make_account()
    kb = Keyboard(new_page())
    _sign_in(kb, live_portal + issue_link(account), wrong_first=False)

    kb.tab_to("link", "Pay in full")
    kb.follow()
    kb.arrive("Pay $1,060.25 by card")
    since = kb.mark()
    _enter_card(kb)
    kb.tab_to("button", "Pay $1,060.25 now")
    kb.assert_form_order(since, "#card-form")
    kb.follow()

    kb.arrive("Payment received")
    kb.tab_to("link", "Go to your account")
    kb.follow()
    expect(kb.page.get_by_role("heading", name="This account is paid")).to_be_visible()
    db.session.expire_all()
    assert len(db.session.scalars(db.select(Payment).where(Payment.account_id == account.id)).all()) == 1


def test_a_dispute_by_keyboard_alone(live_portal, app, tmp_path, new_page, make_account, issue_link):
    """From the overview's "I don't think I owe this" to the received page, one question a page:
    a reason chosen with Space, the details typed, no document (the file input is still a stop),
    then check and send; each form visited in DOM order."""
    app.instance_path = str(tmp_path / "instance")
    account = make_account()
    kb = Keyboard(new_page())
    _sign_in(kb, live_portal + issue_link(account), wrong_first=False)

    kb.tab_to("link", "I don't think I owe this")
    kb.follow()
    kb.arrive("Why do you think you do not owe this?")
    since = kb.mark()
    first_reason = kb.tab_to("radio", re.compile(".+"))
    assert first_reason.id == "reason-0", f"the first reason Tab reaches is {first_reason}"
    kb.press("Space")
    kb.tab_to("button", "Continue")
    kb.assert_form_order(since, "main form[method=post]")
    kb.follow()

    kb.arrive("Tell us more (optional)")
    since = kb.mark()
    kb.type_into("Tell us more (optional)", "This is not my account; I have never banked with Acme.")
    kb.tab_to("button", "Continue")
    kb.assert_form_order(since, "main form[method=post]")
    kb.follow()

    kb.arrive("Do you have a document that shows this? (optional)")
    since = kb.mark()
    kb.tab_to("button", "Continue without a document")
    kb.assert_form_order(since, "main form[enctype]")
    kb.follow()

    kb.arrive("Check your dispute before you send it")
    kb.tab_to("button", "Send")
    kb.follow()

    kb.arrive("We have received your dispute")
    db.session.expire_all()
    (dispute,) = db.session.scalars(db.select(Dispute).where(Dispute.account_id == account.id)).all()
    assert dispute.reason.value == "not_mine" and dispute.evidence_file is None
