"""The journey benchmark runs, briefly, and finds what issue 16 asks of it: every step of every
debtor's journey answered as it should under load, no server error of any kind, and each journey
that reached its receipt paid exactly once. It runs in its own process, as `make bench` runs it,
with its own database, localstripe, two gunicorn servers and two Locust processes."""

from __future__ import annotations

import os
import re

from tests.bench.running import run_bench

STEPS = [
    "link",
    "welcome",
    "verify-question",
    "verify-answer",
    "overview",
    "options",
    "pay-page",
    "stripe-confirm-card",
    "pay-submit",
    "receipt",
]


def test_the_journey_benchmark_pays_each_debtor_once_without_errors(tmp_path):
    server = os.environ.get("TEST_POSTGRES_SERVER")
    result = run_bench(
        "journey",
        ["--users", "5", "--spawn-rate", "5", "--seconds", "5", "--hello-seconds", "1"]
        + (["--database", server] if server else []),
        tmp_path,
    )
    rows = {
        name: figures.split()
        for name, figures in re.findall(r"^([a-z-]+)\s+(\d+\s+\d+\s+\S+\s+\S+)", result.stdout, re.M)
    }
    figures = dict(re.findall(r"^(\S.*?) {2,}(\S+)$", result.stdout, re.M))
    journeys = int(figures["journeys completed"])
    for step in STEPS:
        requests, failures, p50, p99 = rows[step]
        assert failures == "0", f"{step} failed under load:\n{result.stdout}"
        # A journey under way when time is up is let finish: every journey started reached its receipt.
        assert int(requests) == journeys, f"{step}: {requests} requests for {journeys} journeys"
        assert 0 <= float(p50) <= float(p99), step
    assert int(rows["hello-baseline"][0]) > 0 and rows["hello-baseline"][1] == "0"
    assert figures["failures"] == "0", result.stdout
    assert figures["server errors (5xx)"] == "0", result.stdout
    assert figures["errors logged by the server"] == "0", result.stdout
    assert journeys > 0
    assert int(figures["payments recorded"]) == journeys
    assert int(figures["charges at the Stripe stand-in"]) == journeys
    assert figures["charged twice"] == "0"
    assert figures["journeys without their one payment"] == "0"
    assert figures["target (0 errors, 0 server errors)"] == "met"
