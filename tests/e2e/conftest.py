"""A live portal (real HTTP, real database), a webhook relay in front of it, and Chromium."""

from __future__ import annotations

import json
import os
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from tests.e2e.log_watch import LogWatch
from tests.helpers.scale import figure
from tests.helpers.servers import free_port
from tests.helpers.settings import WEBHOOK_SECRET

CHROMIUM = "/usr/bin/chromium"
PHONE = {"width": 320, "height": 640}
DESKTOP = {"width": 1280, "height": 900}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

# Every log record of the e2e run, without timestamps; searched for secrets by the check that runs last.
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
PORTAL_LOG = ARTIFACTS / f"e2e-portal{'-' + _WORKER if _WORKER else ''}.log"
LOG_FINDINGS = PORTAL_LOG.with_name(PORTAL_LOG.stem + "-secrets.txt")
LOG_CHECK = "tests/e2e/test_logs_hold_no_secrets.py::test_the_logs_of_the_e2e_run_hold_no_secrets"


def pytest_collection_modifyitems(session, config, items):
    """The log check reads what every other test logged, so it runs after all of them."""
    last = [item for item in items if item.nodeid.endswith(LOG_CHECK)]
    if last:
        items[:] = [item for item in items if item not in last] + last


def check_portal_log(watch: LogWatch) -> list:
    """Search the log once, record the figures and write the findings next to the log."""
    first = watch.findings is None
    findings = watch.check()
    if first:
        figure("e2e logs", "log lines searched", watch.lines_searched, "lines")
        figure("e2e logs", "secrets found", len(findings), "findings")
        LOG_FINDINGS.write_text(watch.report() + "\n", encoding="utf-8")
    return findings


@pytest.fixture(scope="session", autouse=True)
def portal_log():
    """Write every log record of the e2e tests to PORTAL_LOG, formatted as in production but timeless.

    The check in test_logs_hold_no_secrets.py searches it after every other test; when a run leaves
    that test out, the search happens here instead and a leak fails the session at teardown."""
    watch = LogWatch(PORTAL_LOG)
    watch.start()
    try:
        yield watch
    finally:
        watch.stop()
    if watch.findings is None and watch.portals_served:
        findings = check_portal_log(watch)
        assert not findings, watch.report()


@pytest.fixture(autouse=True)
def _log_while_testing(portal_log):
    """Only what e2e tests log goes in the file (the session may run other suites too)."""
    portal_log.attach()
    portal_log.handler.gate.set()
    yield
    portal_log.flush()
    portal_log.handler.gate.clear()


def _note_people(app, watch: LogWatch) -> None:
    """Remember the dates of birth, emails, phone numbers and hardship explanations this test's
    database holds, to search the log for each of them exactly."""
    from sqlalchemy import select

    from portal.extensions import db
    from portal.models import Debtor
    from portal.models.requests import SupportRequest

    with app.app_context(), db.engine.connect() as conn:
        for email, phone, born in conn.execute(select(Debtor.email, Debtor.phone, Debtor.date_of_birth)):
            if email:
                watch.known.emails.add(email)
            if phone:
                watch.known.phones.add(phone)
            if born:
                watch.known.births.add(born)
        for phone, explanation in conn.execute(select(SupportRequest.phone, SupportRequest.explanation)):
            if phone:
                watch.known.phones.add(phone)
            if explanation:
                watch.known.explanations.add(explanation)


class WebhookRelay:
    """Receives localstripe's signed webhooks and passes them to the portal now or later.

    Holding events lets a test choose whether the webhook arrives before or after the browser.
    """

    def __init__(self):
        self.target: str | None = None
        self.hold = False
        self.held: list[tuple[bytes, dict]] = []
        self.delivered: list[str] = []
        self._lock = threading.Lock()
        relay = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                headers = {
                    "Content-Type": self.headers["Content-Type"],
                    "Stripe-Signature": self.headers["Stripe-Signature"],
                }
                relay._receive(body, headers)
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.port = free_port()
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.port}/"

    def _receive(self, body: bytes, headers: dict) -> None:
        with self._lock:
            self.held.append((body, headers))
            hold, target = self.hold, self.target
        if not hold and target:
            self._forward(body, headers)

    def _post(self, body: bytes, headers: dict) -> int:
        request = urllib.request.Request(self.target, data=body, headers=headers, method="POST")
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback only
            self.delivered.append(json.loads(body)["type"])
            return response.status

    def _forward(self, body: bytes, headers: dict) -> None:
        try:
            self._post(body, headers)
        except OSError:
            pass  # the portal of a finished test is gone; its late webhooks have nowhere to go

    def reset(self, target: str | None, hold: bool = False) -> None:
        with self._lock:
            self.target, self.hold, self.held, self.delivered = target, hold, [], []

    def events(self, kind: str) -> list[tuple[bytes, dict]]:
        with self._lock:
            return [(b, h) for b, h in self.held if json.loads(b)["type"] == kind]

    def wait_for(self, kind: str, seconds: float = 15) -> list[tuple[bytes, dict]]:
        deadline = time.monotonic() + seconds
        while not self.events(kind):
            if time.monotonic() > deadline:
                raise AssertionError(f"localstripe sent no {kind} webhook")
            time.sleep(0.1)
        return self.events(kind)

    def deliver(self, kind: str) -> None:
        """Pass every held event of this kind to the portal (again, if already passed)."""
        for body, headers in self.events(kind):
            assert self._post(body, headers) == 200


@pytest.fixture(scope="session")
def relay(localstripe):
    relay = WebhookRelay()
    localstripe.register_webhook(relay.url, WEBHOOK_SECRET, name="e2e-relay")
    yield relay
    relay.server.shutdown()
    relay.server.server_close()


@pytest.fixture
def live_portal(app, relay, portal_log):
    """The test's app served over HTTP on a free port, in a thread of this process."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    app.config["PORTAL_BASE_URL"] = base
    portal_log.attach()  # again: building the app may have run migrations, and their logging config
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    relay.reset(f"{base}/stripe/webhook")
    yield base
    relay.reset(None)
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)
    portal_log.portals_served += 1
    _note_people(app, portal_log)


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture(params=["phone", "desktop"])
def viewport(request):
    return PHONE if request.param == "phone" else DESKTOP


@pytest.fixture
def new_page(browser):
    """Open a page in a fresh browser context (its own cookies), at the given size and language."""
    contexts = []

    def open_page(viewport=DESKTOP, locale="en-US"):
        context = browser.new_context(viewport=viewport, locale=locale)
        context.set_default_timeout(15000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


_axe = Axe()
LANG_TAGS = {"en", "es", "zh-Hant", "vi"}
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": AXE_TAGS},
    # target-size (WCAG 2.5.8, 24x24 px) is off by default in axe; we hold ourselves to it.
    "rules": {"target-size": {"enabled": True}},
    "resultTypes": ["violations"],
}
# localstripe's stand-in card inputs are test scaffolding; real Stripe draws a labelled frame.
AXE_CONTEXT = {"exclude": [["#card-element"]]}


def run_axe(page) -> list[dict]:
    """axe-core's WCAG 2.0/2.1/2.2 A and AA violations on the page once it has loaded."""
    # A click returns once the next page starts; on a busy machine its stylesheet may still be on
    # its way, and an unstyled page fails target-size. The load event waits for the stylesheet.
    page.wait_for_load_state("load")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe.axe_script)
    return page.evaluate(
        "([context, options]) => axe.run(context, options).then(r => r.violations)",
        [AXE_CONTEXT, AXE_OPTIONS],
    )


def describe(violations: list[dict]) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} -> "
        + "; ".join(
            n["target"][0] if isinstance(n["target"][0], str) else str(n["target"]) for n in v["nodes"][:4]
        )
        for v in violations
    )


def check_page(page, lang: str | None = None) -> None:
    """What every page must pass: axe (WCAG 2.2 A/AA) with zero violations, one h1, a title that
    starts with the h1 (after any "Error:"), landmarks, a working skip link, the right lang, and
    no sideways scrolling."""
    violations = run_axe(page)
    assert not violations, f"{page.url}\n{describe(violations)}"
    check_structure(page, lang)
    check_no_sideways_scroll(page)


def check_structure(page, lang: str | None = None) -> None:
    assert page.locator("h1").count() == 1, f"{page.url} should have exactly one h1"
    h1 = " ".join(page.locator("h1").inner_text().split())
    title = " ".join(page.title().split())
    for prefix in ("Error:", "Error：", "Lỗi:", "錯誤："):
        title = title.removeprefix(prefix).strip()
    assert title.startswith(h1), f"title {page.title()!r} should start with h1 {h1!r}"
    found = page.get_attribute("html", "lang")
    assert found in LANG_TAGS, f"{page.url}: <html lang={found!r}>"
    if lang:
        assert found == lang, f"{page.url}: <html lang={found!r}>, wanted {lang!r}"
    for landmark in ("banner", "main", "contentinfo"):
        assert page.get_by_role(landmark).count() == 1, f"{page.url}: needs one {landmark} landmark"
    first = page.evaluate(
        "() => { const f = document.querySelector("
        "'a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex=\"-1\"])');"
        " return f && [f.className, f.getAttribute('href')]; }"
    )
    assert first == ["skip-link", "#main"], (
        f"{page.url}: the first thing to focus should be the skip link, not {first}"
    )


def check_no_sideways_scroll(page) -> None:
    scroll = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    if scroll > 0:
        wide = page.evaluate(
            "() => [...document.querySelectorAll('body *')]"
            ".filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)"
            ".slice(0, 5)"
            ".map(e => e.tagName + '.' + e.className + ': ' + (e.textContent || '').trim().slice(0, 40))"
        )
        raise AssertionError(f"{page.url} scrolls sideways by {scroll}px; too wide: {wide}")
