"""Which tests run alone on one worker when the suite runs in parallel (pytest-xdist).

With `-n 2 --dist loadgroup` every test whose node id starts with one of SERIAL goes to the xdist
group "serial": one worker runs them one after another, while the other workers share out the rest.
These are the tests that cannot share the machine with each other: races and timings that decide
what they prove (threads released at once, a slow lock holder), servers of their own (gunicorn
workers, a fault proxy) and the browser. Each worker has its own localstripe, mail server and
database, so nothing else needs to be kept apart. Without xdist the mark does nothing.
"""

from __future__ import annotations

import pytest

SERIAL_GROUP = "serial"

SERIAL = (
    # Chromium against a live portal: heavy, and timings (session warnings, 3-D Secure) matter.
    "tests/e2e/",
    # Races, Stripe faults through a proxy, webhook replay, timeline chain under concurrent writers.
    "tests/reliability/",
    # Gunicorn with several workers and a shared Redis, rate limits, fuzzing, identity limits.
    "tests/security/",
    # Threads released together to race for the same rows.
    "tests/plans/test_policy_first_version.py::test_two_first_visits_at_once_share_one_default_version",
    "tests/plans/test_runner.py::test_concurrent_runners_charge_each_instalment_once",
    "tests/payments/test_reconcile.py::test_two_runs_and_the_webhook_at_once_fix_each_difference_once",
)


def mark_serial(items: list[pytest.Item]) -> None:
    for item in items:
        if item.nodeid.startswith(SERIAL):
            item.add_marker(pytest.mark.xdist_group(SERIAL_GROUP))
