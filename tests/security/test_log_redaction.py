"""No secret or personal detail in the logs of a real run: gunicorn in production settings with two
workers, a debtor's journey over HTTP, a statement the database refuses, then both log files read.

Opt-out links never expire and magic links open an account, so their tokens must not sit in an
access log; a failed statement's parameters (a phone number, a hardship explanation) must not sit
in an error log.
"""

from __future__ import annotations

import logging
import re
import urllib.parse
from datetime import date

import pytest
import requests
from sqlalchemy import create_engine, text
from werkzeug.routing import IntegerConverter

from portal import create_app
from portal.extensions import db
from portal.log_redaction import SECRET_PATH_PREFIXES, redact
from tests.helpers.cards import confirm_card
from tests.helpers.scale import figure
from tests.helpers.settings import app_config
from tests.security.gunicorn_portal import Gunicorn, production_env, shared_redis, unique_prefix

CARD = "4242424242424242"
BIRTH = date(1971, 6, 14)
EMAIL = "rosa.journey@example.org"
OTHER_EMAIL = "omar.refused@example.org"
PHONE = "312 555 0148"
OTHER_PHONE = "773 555 0199"
EXPLANATION = "I lost my job at the bakery in March and my daughter is in hospital"
OTHER_EXPLANATION = "My hours were cut after the plant closed and I care for my mother"
CLIENT = "198.51.100.23"


class Visitor:
    """A browser over plain HTTP behind a TLS proxy: keeps its cookies (Secure ones too, as it is
    HTTPS to the browser) and sends the same-origin Referer a real page would."""

    def __init__(self, base: str):
        self.base = base
        self.cookies: dict[str, str] = {}
        self.here = f"https://{urllib.parse.urlsplit(base).netloc}/"

    def _send(self, method: str, path: str, data: dict | None = None, referer: str | None = None):
        headers = {"X-Forwarded-For": CLIENT, "X-Forwarded-Proto": "https", "Referer": referer or self.here}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        response = requests.request(
            method, self.base + path, data=data, headers=headers, allow_redirects=False, timeout=30
        )
        for cookie in response.cookies:
            self.cookies[cookie.name] = cookie.value
        self.here = f"https://{urllib.parse.urlsplit(self.base).netloc}{path}"
        return response

    def get(self, path: str, referer: str | None = None):
        response = self._send("GET", path, referer=referer)
        self.page = response.text
        return response

    def post(self, path: str, data: dict | None = None, with_token: bool = True):
        """Post the form of the page just fetched, with its CSRF token."""
        form = dict(data or {})
        if with_token:
            match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', self.page) or re.search(
                r'value="([^"]+)"[^>]*name="csrf_token"', self.page
            )
            assert match, f"no CSRF token on the page before POST {path}"
            form["csrf_token"] = match.group(1)
        return self._send("POST", path, data=form)

    def follow(self, response, expected: int = 303):
        assert response.status_code == expected, (response.status_code, response.text[:500])
        location = urllib.parse.urlsplit(response.headers["Location"])
        return self.get(location.path + (f"?{location.query}" if location.query else ""))


_REFUSE = {
    "sqlite": [
        "CREATE TRIGGER refuse_support_requests BEFORE INSERT ON support_requests "
        "BEGIN SELECT RAISE(ABORT, 'refused by the database'); END"
    ],
    "postgresql": [
        "CREATE FUNCTION refuse_support_requests() RETURNS trigger AS "
        "$$ BEGIN RAISE EXCEPTION 'refused by the database'; END $$ LANGUAGE plpgsql",
        "CREATE TRIGGER refuse_support_requests BEFORE INSERT ON support_requests "
        "FOR EACH ROW EXECUTE FUNCTION refuse_support_requests()",
    ],
}
_ALLOW = {
    "sqlite": ["DROP TRIGGER IF EXISTS refuse_support_requests"],
    "postgresql": [
        "DROP TRIGGER IF EXISTS refuse_support_requests ON support_requests",
        "DROP FUNCTION IF EXISTS refuse_support_requests()",
    ],
}


def _run_sql(database_url: str, statements: list[str]) -> None:
    engine = create_engine(database_url)
    try:
        with engine.begin() as conn:
            for statement in statements:
                conn.execute(text(statement))
    finally:
        engine.dispose()


def _call_back(visitor: Visitor, phone: str, explanation: str):
    """Ask for a call back through the question pages; returns the answer to the final send."""
    assert visitor.get("/cant-pay/call-back").status_code == 200
    visitor.follow(visitor.post("/cant-pay/call-back", {"phone": phone}))
    visitor.follow(visitor.post("/cant-pay/call-back/days", {"days": ["monday", "tuesday"]}))
    visitor.follow(visitor.post("/cant-pay/call-back/times", {}))
    visitor.follow(visitor.post("/cant-pay/call-back/what-is-happening", {"explanation": explanation}))
    assert "/cant-pay/call-back/check" in visitor.here
    return visitor.post("/cant-pay/call-back/check", {})


def _sign_in(visitor: Visitor, link_path: str, birth: date) -> None:
    visitor.follow(visitor.get(link_path, referer=f"https://mail.example.net/read?open={link_path}"))
    visitor.get("/verify", referer=visitor.base + link_path)
    wrong = visitor.post("/verify", {"day": "2", "month": "2", "year": str(birth.year + 1)})
    assert wrong.status_code in (200, 400)
    right = visitor.post(
        "/verify", {"day": str(birth.day), "month": str(birth.month), "year": str(birth.year)}
    )
    visitor.follow(right)
    assert "/account" in visitor.here


@pytest.fixture
def twin(database_url, localstripe, mail_server):
    """An app in this process with the server's secret, to issue the links an email would carry."""
    made = []

    def build(secret: str):
        app = create_app({**app_config(database_url, localstripe, mail_server), "SECRET_KEY": secret})
        made.append(app)
        return app

    yield build
    for app in made:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def test_a_full_journey_under_gunicorn_leaves_no_secret_in_the_logs(
    database_url, localstripe, mail_server, make_account, twin, tmp_path
):
    from portal.links import service as links
    from portal.models import Account
    from portal.notify import optout

    kind = "postgresql" if database_url.startswith("postgresql") else "sqlite"
    rosa = make_account("ACC-LOG-1", full_name="Rosa Journey", email=EMAIL, date_of_birth=BIRTH)
    omar = make_account(
        "ACC-LOG-2", full_name="Omar Refused", email=OTHER_EMAIL, date_of_birth=date(1966, 9, 3)
    )
    env = production_env(
        database_url,
        localstripe,
        mail_server,
        RATELIMIT_STORAGE_URI=shared_redis(),
        RATELIMIT_KEY_PREFIX=unique_prefix(),
        TRUSTED_PROXY_HOPS="1",
    )
    # Read the ids here: inside the other app's context this session would borrow that app's engine.
    ids = {"rosa": rosa.id, "omar": omar.id}
    issuer = twin(env["SECRET_KEY"])
    with issuer.app_context():
        paths, stops = {}, {}
        for name, account_id in ids.items():
            mine = db.session.get(Account, account_id)
            paths[name] = f"/l/{links.token_for(links.issue(mine))}"
            stops[name] = urllib.parse.urlsplit(optout.optout_url(mine.debtor)).path
        db.session.commit()

    server = Gunicorn(env, tmp_path, workers=2)
    try:
        server.wait_until_up()

        rosa_visit = Visitor(server.url)
        _sign_in(rosa_visit, paths["rosa"], BIRTH)
        for page in ("/account", "/options", "/about-this-debt", "/contact-preferences", "/pay"):
            rosa_visit.get(page)
        sent = _call_back(rosa_visit, PHONE, EXPLANATION)
        rosa_visit.follow(sent)
        # Type the card into the page's SetupIntent at (local)Stripe, as Stripe.js does in the
        # browser; only the SetupIntent's id comes back to the portal.
        assert rosa_visit.get("/pay").status_code == 200
        paid = rosa_visit.post("/pay", {"setup_intent": confirm_card(localstripe, rosa_visit.page, CARD)})
        assert paid.status_code == 303, paid.text[:500]
        rosa_visit.follow(paid)
        # The opt-out link from an email, opened from a webmail page that leaks it as the referrer.
        stop_path = stops["rosa"]
        mail = Visitor(server.url)
        assert mail.get(stop_path, referer=f"https://mail.example.net/read?u={stop_path}").status_code == 200
        assert mail.post(stop_path, {"List-Unsubscribe": "One-Click"}, with_token=False).status_code == 200

        # Omar's call-back meets a database that refuses the statement (a constraint, a full disk...).
        _run_sql(database_url, _REFUSE[kind])
        try:
            omar_visit = Visitor(server.url)
            _sign_in(omar_visit, paths["omar"], date(1966, 9, 3))
            refused = _call_back(omar_visit, OTHER_PHONE, OTHER_EXPLANATION)
            assert refused.status_code == 500
        finally:
            _run_sql(database_url, _ALLOW[kind])
    finally:
        server.stop()

    access = server.access_log.read_text(errors="replace")
    errors = server.error_log.read_text(errors="replace") + server.output.read_text(errors="replace")
    assert "/stop/[redacted]" in access and "/l/[redacted]" in access, access[-2000:]
    assert "refused by the database" in errors, "the refused statement should be logged (without its values)"
    secrets_ = {
        "magic-link token": [p.removeprefix("/l/") for p in paths.values()],
        "opt-out token": [p.removeprefix("/stop/") for p in stops.values()],
        "date of birth": [r"(?<!\d)1971(?!\d)", r"(?<!\d)1966(?!\d)"],
        "email": [EMAIL, OTHER_EMAIL],
        "phone": [PHONE, PHONE.replace(" ", ""), OTHER_PHONE, OTHER_PHONE.replace(" ", "")],
        "card number": [CARD],
        "hardship explanation": [EXPLANATION, OTHER_EXPLANATION, "bakery", "plant closed"],
    }
    found = []
    for what, needles in secrets_.items():
        for needle in needles:
            pattern = needle if needle.startswith("(?") else re.escape(needle)
            for name, content in (("access log", access), ("error log", errors)):
                if re.search(pattern, content):
                    found.append(f"{what} in the {name}")
    figure(
        "security", "log lines read after a gunicorn journey", len((access + errors).splitlines()), "lines"
    )
    figure("security", "secrets found in the logs", len(found), "findings")
    assert found == [], found


def test_every_route_that_carries_a_string_in_its_path_is_known(app):
    """A new route with a secret in its path must join SECRET_PATH_PREFIXES; harmless ones are listed."""
    harmless = {
        "/language/<code>",
        "/static/<path:filename>",
        "/console/policies/<slug>",
        "/console/policies/<slug>/edit",
        "/console/results/<table>.csv",
    }
    for rule in app.url_map.iter_rules():
        strings = [name for name, conv in rule._converters.items() if not isinstance(conv, IntegerConverter)]
        if not strings or rule.rule in harmless:
            continue
        assert rule.rule.startswith(SECRET_PATH_PREFIXES), f"{rule.rule} carries {strings}: secret or not?"


@pytest.mark.parametrize(
    ("line", "safe"),
    [
        ('"GET /l/abc.DEF-_1 HTTP/1.1" 303', '"GET /l/[redacted] HTTP/1.1" 303'),
        ('"POST /stop/WzEsImVtYWlsIl0.x HTTP/1.1" 200', '"POST /stop/[redacted] HTTP/1.1" 200'),
        ("Exception on /stop/tok [GET]", "Exception on /stop/[redacted] [GET]"),
        ('"https://portal.example/l/tok?x=1"', '"https://portal.example/l/[redacted]?x=1"'),
        (
            "/pay/return?payment_intent_client_secret=pi_1_secret_2&x=1",
            "/pay/return?payment_intent_client_secret=[redacted]&x=1",
        ),
        ("/anything?token=abc", "/anything?token=[redacted]"),
        ("token=abc&page=2", "token=[redacted]&page=2"),
        ("page=2&client_secret=pi_1_secret_2", "page=2&client_secret=[redacted]"),
        ("/language/es?next=/account", "/language/es?next=/account"),
        ("/receipt/12", "/receipt/12"),
    ],
)
def test_redaction_of_one_line(line, safe):
    assert redact(line) == safe


def test_redaction_reaches_every_logger_not_only_the_access_logs(app, caplog):
    caplog.set_level(logging.INFO)
    logging.getLogger("portal.mail").info("sent %s", "https://portal.example/stop/abc123")
    logging.getLogger("some.library").warning("GET /l/xyz789 failed")
    text_ = " ".join(record.getMessage() for record in caplog.records)
    assert "abc123" not in text_ and "xyz789" not in text_
    assert text_.count(SECRET_PATH_PREFIXES[0] + "[redacted]") == 1


def test_gunicorn_logger_class_redacts_the_access_log_atoms_itself():
    """Even where the app has not been imported (or installed its record factory) in a process."""
    from types import SimpleNamespace

    from gunicorn.config import Config

    from portal.serving import RedactingLogger

    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/stop/WzEsImVtYWlsIl0.sig?token=abc",
        "PATH_INFO": "/stop/WzEsImVtYWlsIl0.sig",
        "QUERY_STRING": "token=abc",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_REFERER": "https://mail.example.net/?u=/l/linktoken",
    }
    response = SimpleNamespace(status="200 OK", headers=[], sent=10)
    request = SimpleNamespace(headers=[("REFERER", environ["HTTP_REFERER"])])
    from datetime import timedelta

    atoms = RedactingLogger(Config()).atoms(response, request, environ, timedelta(milliseconds=5))
    logged = " ".join(str(value) for value in atoms.values())
    for secret in ("WzEsImVtYWlsIl0", "linktoken", "token=abc"):
        assert secret not in logged, logged
    assert atoms["r"] == "GET /stop/[redacted]?token=[redacted] HTTP/1.1"


def test_engine_options_given_by_an_operator_still_hide_parameters():
    from portal.config import load_config

    config = load_config(
        {
            "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://portal@db.internal/portal",
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 5},
            "PORTAL_ENV": "test",
        }
    )
    assert config["SQLALCHEMY_ENGINE_OPTIONS"] == {"pool_size": 5, "hide_parameters": True}
