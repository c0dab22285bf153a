"""The search the e2e log check relies on: it finds each kind of secret and passes a clean line.

Plain unit tests: no browser, no portal.
"""

from __future__ import annotations

import logging
from datetime import date

import pytest

from tests.e2e.log_watch import Known, LogWatch, TimelessFormatter, search

KNOWN = Known(
    births={date(1980, 3, 27), date(1966, 9, 3)},
    emails={"jane@example.com"},
    phones={"312 555 0148"},
    explanations={"I lost my job at the bakery in March"},
)
CLEAN = [
    'INFO in _internal [werkzeug]: 127.0.0.1 - - "GET /l/[redacted] HTTP/1.1" 303 -',
    'INFO in _internal [werkzeug]: 127.0.0.1 - - "POST /stop/[redacted] HTTP/1.1" 200 -',
    'INFO in _internal [werkzeug]: 127.0.0.1 - - "GET /receipt/12?payment_intent=pi_3Nabc HTTP/1.1" 200 -',
    "INFO in service [portal.payments]: payment 42 of 105025 cents succeeded at 1764868948 (took 0.0123 s)",
    "ERROR in errors [portal]: (sqlite3.IntegrityError) refused [SQL parameters hidden]",
    "INFO in reconcile [portal.reconcile]: 2026-12-04 reconciled; instalment due 2027-01-04",
]


@pytest.mark.parametrize(
    ("kind", "line"),
    [
        ("magic-link token", '127.0.0.1 - - "GET /l/eyJhIjoxfQ.Zx9-_k HTTP/1.1" 303 -'),
        ("magic-link token", "Exception on /l/abc123 [GET]"),
        ("magic-link token", "GET /language/es?next=%2Fl%2Fabc123 HTTP/1.1"),
        ("opt-out token", '"POST /stop/WzEsImVtYWlsIl0.sig HTTP/1.1" 200 -'),
        ("opt-out token", "sent https://portal.example/stop/WzEsIm?x=1"),
        ("email address", "mail to omar.refused+x@example.org failed"),
        ("email of an account", "mail to JANE@example.com failed"),
        ("phone number (E.164)", "parameters: ('+13125550148', 'monday')"),
        ("phone number (E.164)", "parameters: ('+44 20 7946 0958',)"),
        ("phone number (US)", "parameters: ('(312) 555-0148',)"),
        ("phone number (US)", "parameters: ('773-555-0199',)"),
        ("phone number (US)", "parameters: ('773.555.0199',)"),
        ("phone number (US)", "parameters: ('7735550199',)"),
        ("phone of an account", "phone=312%20555%200148"),
        ("card number", "number=4242424242424242&exp_month=12"),
        ("card number", "card 4000 0025 0000 3155 declined"),
        ("card number", "card 4000-0000-0000-0341 declined"),
        ("card number", "card 4222222222222 (13 digits)"),
        ("date of birth 1980-03-27", "parameters: ('1980-03-27',)"),
        ("date of birth 1980-03-27", "born 27 3 1980"),
        ("date of birth 1980-03-27", "born 27/03/1980"),
        ("date of birth 1980-03-27", "born 3/27/1980"),
        ("date of birth 1966-09-03", "POST /verify day=3&month=9&year=1966&csrf_token=x"),
        ("hardship explanation", "parameters: ('I lost my job at the bakery in March',)"),
    ],
)
def test_the_search_finds_each_kind_of_secret(kind, line):
    found = {finding.kind for finding in search([*CLEAN, line], KNOWN)}
    assert kind in found, found
    assert all(finding.line_number == len(CLEAN) + 1 for finding in search([*CLEAN, line], KNOWN))


def test_clean_lines_hold_nothing():
    assert search(CLEAN, KNOWN) == []


@pytest.mark.parametrize(
    "line",
    [
        "card 4242424242424241 fails the Luhn check",  # not a card number
        "instalment 3 of 12 due 2027-03-27",  # the DOB's day and month in another year
        "born 1980",  # a year alone
        "port 41235 pid 8123 time 1764868948123",  # an epoch in milliseconds that fails Luhn
    ],
)
def test_near_misses_are_not_findings(line):
    assert search([line], KNOWN) == [], search([line], KNOWN)


def test_the_file_is_timeless_and_written_only_while_the_gate_is_open(tmp_path):
    watch = LogWatch(tmp_path / "portal.log")
    watch.start()
    try:
        werkzeug = logging.getLogger("werkzeug")
        line = "\x1b[32mGET / HTTP/1.1\x1b[0m"
        request = ('127.0.0.1 - - [04/Dec/2026 17:22:28] "%s" %s %s', line, 303, "-")
        werkzeug.info(*request)
        watch.handler.gate.set()
        werkzeug.info(*request)
        logging.getLogger("portal.test").info("portal at %s", "INFO")
        watch.handler.gate.clear()
        logging.getLogger("portal.test").warning("after the gate closed")
    finally:
        watch.stop()
    lines = watch.path.read_text(encoding="utf-8").splitlines()
    assert lines == [
        'INFO in test_log_watch [werkzeug]: 127.0.0.1 - - "GET / HTTP/1.1" 303 -',
        "INFO in test_log_watch [portal.test]: portal at INFO",
    ]
    assert isinstance(TimelessFormatter(), logging.Formatter)


def test_the_capture_survives_a_logging_config_that_closes_every_handler(tmp_path):
    """Alembic's env.py (run by every migration) calls fileConfig, which closes all handlers."""
    watch = LogWatch(tmp_path / "portal.log")
    watch.start()
    try:
        watch.handler.gate.set()
        logging.getLogger("portal.test").info("before")
        logging.getLogger().removeHandler(watch.handler)
        watch.handler.close()
        watch.attach()
        logging.getLogger("portal.test").info("after")
    finally:
        watch.stop()
    assert watch.path.read_text(encoding="utf-8").splitlines() == [
        "INFO in test_log_watch [portal.test]: before",
        "INFO in test_log_watch [portal.test]: after",
    ]
