"""Which tests run alone, not beside others, when the suite runs in parallel (pytest-xdist).

Every test whose node id starts with one of SERIAL, and not with one of NOT_SERIAL, gets the mark
`serial`. `make test-sqlite` and `make test-postgres` run `-m "not serial"` on a worker per core,
then `-m serial` in one process with nothing else of the suite running. These are the tests that
cannot share the machine: races and timings that decide what they prove (threads released at once, a
slow lock holder, requests that both gunicorn workers must answer), servers of their own (gunicorn,
a fault proxy) and the browser. Each xdist worker has its own localstripe, mail server and database,
so nothing else needs to be kept apart.

They also get `xdist_group("serial")` for `--dist loadgroup`, but pytest-xdist 3.8 does not group
under pytest 9.2 (it renames `item._nodeid`, and pytest 9.2 reads the node id from elsewhere), so
the Makefile does not rely on it.
"""

from __future__ import annotations

import pytest

SERIAL_GROUP = "serial"

SERIAL = (
    # Chromium against a live portal: heavy, and timings (session warnings, 3-D Secure) matter.
    "tests/e2e/",
    # Races, Stripe faults through a proxy, webhook replay, timeline chain under concurrent writers.
    "tests/reliability/",
    # Gunicorn with several workers and a shared Redis, rate limits, two portal processes, identity
    # answers released at once. The rest of tests/security (fuzzing, hostile text, production
    # defaults, proxy addresses) uses only its worker's own app and database, so it runs in parallel.
    "tests/security/test_identity_limits.py",
    "tests/security/test_log_redaction.py",
    "tests/security/test_rate_limit_workers.py",
    "tests/security/test_sessions_across_processes.py",
    "tests/demo/",  # `make demo` itself: its own portal, localstripe, mail catcher and task runner.
    # Threads released together to race for the same rows.
    "tests/plans/test_policy_first_version.py::test_two_first_visits_at_once_share_one_default_version",
    "tests/fakes/units/test_runner.py::test_concurrent_runners_charge_each_instalment_once",
    "tests/payments/test_reconcile.py::test_two_runs_and_the_webhook_at_once_fix_each_difference_once",
    # The API: requests released together with one Idempotency-Key, one reference, one decision.
    "tests/api/test_idempotency.py::test_two_requests_with_one_key_at_once_make_one_link",
    "tests/api/test_account_writes_race.py",
    "tests/api/test_disputes_api.py::test_two_requests_deciding_one_dispute_at_once_decide_it_once",
    "tests/api/test_offers_api.py::test_two_requests_deciding_one_offer_at_once_decide_it_once",
    "tests/api/test_callbacks_api.py::test_two_requests_closing_one_call_back_at_once_close_it_once",
    "tests/api/test_policies_api.py::test_two_changes_at_once_are_saved_one_after_the_other",
    "tests/api/test_policies_api.py::test_two_changes_based_on_one_version_at_once_save_one",
    "tests/collector/test_import_race.py::test_two_imports_of_overlapping_files_at_once_create_each_account_once",
    # Two gunicorn servers under wrk: the page benchmark's own servers and a measured load.
    "tests/bench/test_pages_bench.py",
    # Gunicorn and Locust: many debtors paying at once through the whole journey.
    "tests/bench/test_journey_bench.py",
    # Runner processes racing for the same due instalments, timed against bare PaymentIntents.
    "tests/bench/test_charging_bench.py",
    # Webhook deliverers draining at once.
    "tests/webhooks/test_delivery_race.py::test_deliverers_at_once_send_each_message_once_in_order",
)


# Browser tests that need no quiet machine: the every-page sweep waits for each page's load event
# before axe reads it and asserts nothing about time. It is about two thirds of the browser tests'
# time (4 x ~112 s of 681 s measured alone), so its four languages share the parallel workers.
# The phone-layout measurements and the screenshots read sizes and positions after each page's
# load, never time, so they share the workers too.
NOT_SERIAL = (
    "tests/e2e/test_every_page.py",
    "tests/e2e/test_phone_layout.py",
    "tests/e2e/test_screenshots.py",
)


def mark_serial(items: list[pytest.Item]) -> None:
    for item in items:
        if item.nodeid.startswith(SERIAL) and not item.nodeid.startswith(NOT_SERIAL):
            item.add_marker(pytest.mark.serial)
            item.add_marker(pytest.mark.xdist_group(SERIAL_GROUP))
