"""Locust users for bench/journey.py: each one a debtor who opens their link, confirms their date of
birth, reads the overview and the options, and pays in full by card, as a browser would over HTTP.

Run only by bench/journey.py, in a Locust process of its own (Locust monkey-patches with gevent).
It reads from the environment:

* BENCH_JOURNEY_LINKS: a JSON file {"date_of_birth": "YYYY-MM-DD", "stripe": URL, "publishable_key":
  KEY, "links": [{"account_id": N, "path": "/l/..."}, ...]}; each journey takes the next unused link;
* BENCH_JOURNEY_DONE: a file each finished journey appends a JSON line to: its account and the
  payment its receipt names;
* BENCH_JOURNEY_STATS: where the final figures go, written once every user has stopped (Locust's
  own CSV files are rewritten each second and may miss the last journeys' steps).

The portal runs as in production behind a TLS-terminating proxy (TRUSTED_PROXY_HOPS=1): each
journey says it came over HTTPS from an address of its own, as the proxy would say for it.
"""

from __future__ import annotations

import html
import json
import os
import re
from itertools import count
from pathlib import Path
from urllib.parse import urlsplit

from locust import HttpUser, constant, events, task
from locust.exception import StopUser

_FACTS = json.loads(Path(os.environ["BENCH_JOURNEY_LINKS"]).read_text(encoding="utf-8"))
_YEAR, _MONTH, _DAY = (int(part) for part in _FACTS["date_of_birth"].split("-"))
#: gevent runs one greenlet at a time and next() never yields, so no two journeys share a link.
_NEXT = count()
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
_SECRET = re.compile(r'data-client-secret="([^"]+)"')
_SETUP = re.compile(r'data-setup-intent="([^"]+)"')
_CSRF_FIELD = 'name="csrf_token"'
_RECEIPT = re.compile(r"/receipt/(\d+)$")
CARD = {"number": "4242424242424242", "exp_month": "12", "exp_year": "2034", "cvc": "123"}


class _Failed(Exception):
    """A step's answer was wrong; Locust has counted the failure, the journey stops there."""


class Debtor(HttpUser):
    """One debtor after another, each with a link of their own, each journey once."""

    wait_time = constant(0)

    @task
    def journey(self):
        number = next(_NEXT)
        if number >= len(_FACTS["links"]):
            raise StopUser  # every link has been used: this user's work is done
        link = _FACTS["links"][number]
        self.client.cookies.clear()
        self.origin = self.host.replace("http://", "https://", 1)
        self.headers = {
            "X-Forwarded-Proto": "https",
            # Each debtor is another person: the rate limits count per address, as in production.
            "X-Forwarded-For": f"10.{(number >> 16) & 255}.{(number >> 8) & 255}.{number & 255}",
        }
        try:
            payment = self._steps(link["path"])
        except _Failed:
            return
        with open(os.environ["BENCH_JOURNEY_DONE"], "a", encoding="utf-8") as done:
            done.write(json.dumps({"account_id": link["account_id"], "payment_id": payment}) + "\n")

    def _steps(self, link_path: str) -> int:
        self._get(link_path, "link", status=303, location="/start")
        self._get("/start", "welcome", contains='href="/verify"')
        question = self._get("/verify", "verify-question", contains=('name="year"', _CSRF_FIELD))
        self._post(
            "/verify",
            "verify-answer",
            {"day": str(_DAY), "month": str(_MONTH), "year": str(_YEAR), "csrf_token": _csrf(question)},
            location="/account",
        )
        self._get("/account", "overview", contains='href="/pay"')
        self._get("/options", "options", contains="Choose how to pay")
        card_page = self._get("/pay", "pay-page", contains=("data-setup-intent", _CSRF_FIELD))
        setup_id = self._confirm_card(card_page)
        answer = self._post(
            "/pay",
            "pay-submit",
            {"setup_intent": setup_id, "csrf_token": _csrf(card_page)},
            location="/receipt/",
        )
        receipt_path = urlsplit(answer.headers["Location"]).path
        self._get(receipt_path, "receipt", contains="Payment received")
        return int(_RECEIPT.search(receipt_path).group(1))

    def _cookies_for_plain_http(self):
        """Let the session's cookies travel on the plain-HTTP hop, as the browser sent them over
        HTTPS to the proxy. requests copies the jar into a fresh one for each request, so a cookie
        policy set on it would be lost: the cookies themselves are changed instead."""
        for cookie in self.client.cookies:
            cookie.secure = False

    def _get(self, path, name, *, status=200, contains=None, location=None):
        self._cookies_for_plain_http()
        with self.client.get(
            path, name=name, headers=self.headers, allow_redirects=False, catch_response=True
        ) as answer:
            return _check(answer, status, contains, location)

    def _post(self, path, name, data, *, location):
        # Flask-WTF checks that an HTTPS form came from a page of the same site, as a browser says.
        headers = {**self.headers, "Referer": self.origin + path}
        self._cookies_for_plain_http()
        with self.client.post(
            path, name=name, data=data, headers=headers, allow_redirects=False, catch_response=True
        ) as answer:
            return _check(answer, 303, None, location)

    def _confirm_card(self, card_page) -> str:
        """What localstripe's stand-in Stripe.js does when the debtor presses Pay: confirm the page's
        SetupIntent with the card, from the browser, straight to Stripe."""
        secret = html.unescape(_SECRET.search(card_page.text).group(1))
        setup_id = html.unescape(_SETUP.search(card_page.text).group(1))
        with self.client.post(
            f"{_FACTS['stripe']}/v1/setup_intents/{setup_id}/confirm",
            name="stripe-confirm-card",
            json={
                "key": _FACTS["publishable_key"],
                "client_secret": secret,
                "payment_method_data": {"type": "card", "card": CARD},
            },
            catch_response=True,
        ) as answer:
            if answer.status_code != 200 or answer.json().get("status") != "succeeded":
                answer.failure(f"{answer.status_code}: {answer.text[:200]}")
                raise _Failed
            answer.success()
        return setup_id


def _check(answer, status, contains, location):
    """Fail the step unless it answered *status*, with each of *contains* in the page, or redirecting
    to *location*; 5xx are named as server errors so the report can tell them apart."""
    if answer.status_code != status:
        kind = "server error" if answer.status_code >= 500 else "unexpected answer"
        answer.failure(f"{kind} {answer.status_code} {answer.headers.get('Location', '')}")
        raise _Failed
    for expected in (contains,) if isinstance(contains, str) else contains or ():
        if expected not in answer.text:
            answer.failure(f"the page lacks {expected!r}")
            raise _Failed
    if location is not None and location not in answer.headers.get("Location", ""):
        answer.failure(f"redirected to {answer.headers.get('Location')!r}, not {location!r}")
        raise _Failed
    answer.success()
    return answer


def _csrf(page) -> str:
    found = _CSRF.search(page.text)  # the page was checked to have the field
    return found.group(1) or found.group(2)


class Hello(HttpUser):
    """The baseline: the bare Flask "hello" of bench/hello.py, asked again and again."""

    wait_time = constant(0)

    @task
    def hello(self):
        with self.client.get("/", name="hello", catch_response=True) as answer:
            if answer.status_code == 200 and answer.text == "hello":
                answer.success()
            else:
                answer.failure(f"{answer.status_code}")


@events.quitting.add_listener
def _write_figures(environment, **_kwargs):
    """Per request name: requests, failures, p50 and p99 in ms; then each kind of failure and
    exception. Locust fires this after the run's users have stopped, their last journeys done."""
    stats = environment.stats
    steps = {}
    for entry in [*stats.entries.values(), stats.total]:
        measured = entry.num_requests > 0
        steps[entry.name] = {
            "requests": entry.num_requests,
            "failures": entry.num_failures,
            "p50": entry.get_response_time_percentile(0.5) if measured else None,
            "p99": entry.get_response_time_percentile(0.99) if measured else None,
        }
    failures = {f"{error.name}: {error.error}": error.occurrences for error in stats.errors.values()}
    exceptions = {row["msg"]: row["count"] for row in environment.runner.exceptions.values()}
    figures = {"steps": steps, "failures": failures, "exceptions": exceptions}
    with open(os.environ["BENCH_JOURNEY_STATS"], "w", encoding="utf-8") as out:
        json.dump(figures, out)
