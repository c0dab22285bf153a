"""Property-based fuzzing of every debtor form through the test client, signed in: generated values
(any Unicode including NUL, lone surrogates and bytes that are not UTF-8, huge numbers, odd dates,
very long text, empty and blank) never give a 5xx; a 400 shows the error summary; and after each
case the pages that read what was stored (the form itself, its run's check page, the overview)
still answer below 500.

Those pages are read after every post that was accepted (anything but a 400) and after every
tenth refused one. A refused post should change nothing; if one wrongly stores something, it stays
stored, so the next read still finds it. Reading them after every case made the full run (5,000
cases a form) take six hours a database.

One app and one signed-in account serve all of a form's examples; before each example the form is
made reachable again by answering the questions before it with good answers.
"""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.accounts import policies
from portal.extensions import db
from tests.helpers import scale
from tests.security.fuzz_values import encode, form_fields, form_strategy, has_error_summary

EXAMPLES = scale.pick(20, 5000)
#: Read the pages that show stored state after every this many refused posts.
FOLLOW_UP_EVERY = 10
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=not scale.FULL,
    suppress_health_check=list(HealthCheck),
)


def _day(days_ahead: int) -> dict[str, str]:
    day = date.today() + timedelta(days=days_ahead)
    return {"day": str(day.day), "month": str(day.month), "year": str(day.year)}


def _date(prefix: str, days_ahead: int) -> dict[str, str]:
    return {f"{prefix}-{part}": value for part, value in _day(days_ahead).items()}


#: A good answer for each question page, to walk past it to the page being fuzzed.
GOOD = {
    "/plan/new": {"frequency": "monthly"},
    "/plan/new/payments": {"method": "count", "count": "6"},
    "/plan/new/first-payment-date": _date("first", 3),
    "/plan/new/first-payment-amount": {"down_payment": "10.00"},
    "/offer/new": {"amount": "50.00"},
    "/offer/new/how-often": {"frequency": "monthly"},
    "/offer/new/first-payment-date": _date("start", 5),
    "/offer/new/note": {"note": "Thank you"},
    "/cant-pay/promise": _date("date", 5),
    "/cant-pay/promise/how-much": {"how_much": "full"},
    "/cant-pay/call-back": {"phone": "312 555 0100"},
    "/cant-pay/call-back/days": {"days": "monday"},
    "/cant-pay/call-back/times": {"times": "morning"},
    "/cant-pay/call-back/what-is-happening": {"explanation": "I lost my job."},
    "/dispute": {"reason": "other"},
    "/dispute/details": {"details": "I never had this account."},
    "/dispute/document": {"without": "1"},
    "/afford": {"income": "2000"},
    "/afford/outgoings": {"housing": "500", "food": "300"},
    "/afford/how-to-pay": {"frequency": "monthly"},
    "/pay/part": {"amount": "10.00"},
    "/afford/first-payment": _date("start", 5),
    "/afford/result": {"next": "offer"},
    "/afford/share": {"share": "no"},
}

#: (form page, the page that shows what its run stored).
FORMS = [
    ("/plan/new", "/plan/review"),
    ("/plan/new/payments", "/plan/review"),
    ("/plan/new/first-payment-date", "/plan/review"),
    ("/plan/new/first-payment-amount", "/plan/review"),
    ("/plan/review", "/plan"),
    ("/pay", "/account"),
    ("/pay/part", "/pay/part/card"),
    ("/pay/part/card", "/account"),
    ("/settle", "/account"),
    ("/offer/new", "/offer/new/check"),
    ("/offer/new/how-often", "/offer/new/check"),
    ("/offer/new/first-payment-date", "/offer/new/check"),
    ("/offer/new/note", "/offer/new/check"),
    ("/offer/new/check", "/offer"),
    ("/cant-pay/promise", "/cant-pay/promise/check"),
    ("/cant-pay/promise/how-much", "/cant-pay/promise/check"),
    ("/cant-pay/promise/check", "/cant-pay"),
    ("/cant-pay/call-back", "/cant-pay/call-back/check"),
    ("/cant-pay/call-back/days", "/cant-pay/call-back/check"),
    ("/cant-pay/call-back/times", "/cant-pay/call-back/check"),
    ("/cant-pay/call-back/what-is-happening", "/cant-pay/call-back/check"),
    ("/cant-pay/call-back/check", "/cant-pay"),
    ("/dispute", "/dispute/check"),
    ("/dispute/details", "/dispute/check"),
    ("/dispute/check", "/about-this-debt"),
    ("/afford", "/afford/result"),
    ("/afford/outgoings", "/afford/result"),
    ("/afford/how-to-pay", "/afford/result"),
    ("/afford/first-payment", "/afford/result"),
    ("/afford/share", "/afford/result"),
    ("/afford/result", "/account"),
    ("/contact-preferences/way", "/contact-preferences"),
    ("/contact-preferences/time", "/contact-preferences"),
    ("/contact-preferences/language", "/contact-preferences"),
    ("/contact-preferences/stop", "/contact-preferences"),
    ("/contact-preferences", "/contact-preferences/saved"),
    ("/session/keep-alive", "/account"),
]


class Harness:
    """One signed-in debtor, one app: posts cases and counts what answered 5xx."""

    def __init__(self, client, account, sign_in, url: str, check: str):
        self.client, self.account, self.sign_in = client, account, sign_in
        self.url, self.check = url, check
        self.cases = 0
        self.follow_ups = 0
        self.failures: list[str] = []
        self._moved = True  # the last post may have changed what the page shows

    def ready(self) -> None:
        """Make the page reachable again, unless the last post was refused and so moved nothing."""
        if self._moved:
            self.reach()

    def reach(self) -> dict[str, list[str]]:
        """Answer the questions before the page until it shows; its fields (none if it will not show)."""
        for _ in range(len(GOOD) + 1):
            response = self.client.get(self.url)
            self._expect_below_500("GET", self.url, response)
            if response.status_code != 303:
                return form_fields(response.get_data(as_text=True)) if response.status_code == 200 else {}
            where = response.headers["Location"].removeprefix("http://localhost")
            if where.startswith("/session-ended") or where.startswith("/verify") or where == "/":
                self.sign_in(self.account)
            elif where in GOOD:
                self._expect_below_500("POST", where, self.client.post(where, data=GOOD[where]))
            else:
                return {}
        return {}

    def post(self, body, content_type="application/x-www-form-urlencoded", shown: bytes | None = None):
        """Post one case (encoded bytes, or a dict for a multipart upload) and check the answer;
        *shown* is what a failure message quotes of it."""
        self.cases += 1
        response = self.client.post(self.url, data=body, content_type=content_type)
        body = body if shown is None else shown
        self._expect_below_500("POST", self.url, response, body)
        refused = response.status_code == 400
        if refused and not has_error_summary(response.get_data(as_text=True)):
            if response.mimetype == "text/html" and b"<form" in response.data:
                self.failures.append(f"400 without an error summary: POST {self.url} {body[:300]!r}")
        self._moved = not refused
        if self._moved or self.cases % FOLLOW_UP_EVERY == 0:
            self.read_stored_state(body)

    def read_stored_state(self, body: bytes = b"") -> None:
        """GET the pages that show what the form's run stored; none may answer 5xx."""
        self.follow_ups += 1
        for page in (self.url, self.check, "/account"):
            self._expect_below_500("GET", page, self.client.get(page), body)

    def _expect_below_500(self, method, url, response, body=b"") -> None:
        if response.status_code >= 500:
            self.failures.append(f"{response.status_code} on {method} {url} after {body[:300]!r}")
            # The test's app context outlives requests, so end what the failed request left open.
            db.session.rollback()

    def report(self, suite_name: str) -> None:
        self.read_stored_state()
        scale.figure("fuzzing", f"{suite_name} cases run", self.cases, "cases")
        scale.figure("fuzzing", f"{suite_name} reads of what was stored", self.follow_ups, "reads")
        scale.figure("fuzzing", f"{suite_name} server errors", len(self.failures), "errors")
        assert self.failures == [], "\n".join(self.failures[:10])


@pytest.fixture(autouse=True)
def server_errors_answer_500(app):
    """Answer an unhandled error with the 500 page, as in production, so every one is counted
    (in testing Flask would raise it into the test, ending the run before the figures)."""
    app.config["PROPAGATE_EXCEPTIONS"] = False


@pytest.fixture
def debtor(make_account, sign_in, client):
    """A signed-in debtor whose creditor asks for a first payment, so every plan question is asked."""
    account = make_account(email="jane@example.com")
    policies.change(account.creditor, {"down_payment_required": True})
    db.session.commit()
    sign_in(account)
    return account


@pytest.mark.parametrize(("url", "check"), FORMS)
def test_no_debtor_form_answers_a_server_error(client, debtor, sign_in, url, check, tmp_path, app):
    app.instance_path = str(tmp_path / "instance")
    harness = Harness(client, debtor, sign_in, url, check)
    fields = harness.reach()
    assert client.get(url).status_code in (200, 405), f"{url} never showed: nothing would be fuzzed"
    for name, good in GOOD.get(url, {}).items():
        fields.setdefault(name, []).append(good)

    @SETTINGS
    @given(form_strategy(fields))
    def case(generated):
        values, extra = generated
        harness.ready()
        pairs = [(name, value) for name, chosen in values.items() for value in chosen] + extra
        harness.post(encode(pairs))

    case()
    harness.report(url)


def test_changing_the_plan_card_answers_no_server_error(client, make_account, sign_in, localstripe):
    """The card form exists only once a plan is in force."""
    from tests.helpers.plans import make_plan

    account = make_account(email="jane@example.com")
    make_plan(localstripe, account)
    sign_in(account)
    harness = Harness(client, account, sign_in, "/plan/card", "/plan")
    fields = harness.reach()
    assert "setup_intent" in fields

    @SETTINGS
    @given(form_strategy(fields))
    def case(generated):
        values, extra = generated
        harness.ready()
        pairs = [(name, value) for name, chosen in values.items() for value in chosen] + extra
        harness.post(encode(pairs))

    case()
    harness.report("/plan/card")


def test_the_dispute_document_upload_answers_no_server_error(client, debtor, sign_in, tmp_path, app):
    app.instance_path = str(tmp_path / "instance")
    harness = Harness(client, debtor, sign_in, "/dispute/document", "/dispute/check")
    harness.reach()
    starts = st.sampled_from([b"", b"%PDF-1.7\n", b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF89a", b"\x00"])

    @SETTINGS
    @given(
        start=starts,
        rest=st.binary(max_size=2000),
        name=st.text(max_size=80),
        remove=st.booleans(),
        without=st.booleans(),
    )
    def case(start, rest, name, remove, without):
        harness.ready()
        data = {"evidence": (io.BytesIO(start + rest), name or "x")}
        if remove:
            data["remove"] = "1"
        if without:
            data["without"] = "1"
        harness.post(data, content_type="multipart/form-data", shown=(start + rest)[:40])

    case()
    harness.report("/dispute/document")


def test_signing_out_with_any_form_answers_no_server_error(client, debtor, sign_in):
    harness = Harness(client, debtor, sign_in, "/sign-out", "/signed-out")

    @SETTINGS
    @given(form_strategy({"next": [], "lang": ["en", "es"]}))
    def case(generated):
        values, extra = generated
        pairs = [(name, value) for name, chosen in values.items() for value in chosen] + extra
        harness.post(encode(pairs))
        sign_in(debtor)

    case()
    harness.report("/sign-out")


def test_the_identity_check_answers_no_server_error(client, make_account, issue_link):
    """Each case opens a fresh link, then posts a generated answer to the identity check."""
    account = make_account()
    harness = Harness(client, account, None, "/verify", "/account")
    fields = {"day": ["27"], "month": ["3"], "year": ["1980"], "postal_code": ["62701"]}

    @SETTINGS
    @given(form_strategy(fields))
    def case(generated):
        values, extra = generated
        client.get(issue_link(account))
        pairs = [(name, value) for name, chosen in values.items() for value in chosen] + extra
        harness.post(encode(pairs))

    case()
    harness.report("/verify")


@pytest.mark.parametrize("path", ["/stop/{}", "/language/{}", "/l/{}", "/receipt/{}"])
def test_links_with_any_token_answer_no_server_error(client, debtor, sign_in, path):
    harness = Harness(client, debtor, sign_in, path, "/account")
    tokens = st.one_of(st.text(max_size=60), st.integers(min_value=-(10**30), max_value=10**30).map(str))

    @SETTINGS
    @given(token=tokens, method=st.sampled_from(["GET", "POST"]))
    def case(token, method):
        url = path.format(encode([("", token)]).decode()[1:].replace("%2F", "/"))
        harness.cases += 1
        response = client.open(url, method=method)
        harness._expect_below_500(method, url, response)
        harness._expect_below_500("GET", "/account", client.get("/account"))
        if client.get("/account").status_code != 200:
            sign_in(debtor)

    case()
    harness.report(path)
