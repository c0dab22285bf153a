"""The charging benchmark runs, at a small size, and its figures add up: every due instalment
charged, none twice, each rate and ratio measured. A benchmark that broke unnoticed would report
nothing the next time it is needed. It runs in its own process, as `make bench` would run it, with
its own databases, localstripe and runner processes."""

from __future__ import annotations

import os
import re

from tests.bench.running import run_bench


def test_the_charging_benchmark_charges_every_due_instalment_once_against_bare_intents(tmp_path):
    server = os.environ.get("TEST_POSTGRES_SERVER")
    result = run_bench(
        "charging",
        ["--instalments", "30", "--runners", "1,2"] + (["--database", server] if server else []),
        tmp_path,
    )
    figures = dict(re.findall(r"^(\S.*?)\s{2,}(\S+)$", result.stdout, re.M))
    assert figures["database"] == ("PostgreSQL" if server else "SQLite")
    for count, runner, creator in ((1, "runner", "creator"), (2, "runners", "creators")):
        assert figures[f"charged with {count} {runner}"] == "30"
        assert figures[f"charged twice with {count} {runner}"] == "0"
        bare = float(figures[f"bare PaymentIntents/s with {count} {creator}"])
        charged = float(figures[f"charged/s with {count} {runner}"])
        ratio = float(figures[f"ratio to bare with {count} {runner} ({count} {creator})"])
        assert bare > 0 and charged > 0
        assert abs(ratio - charged / bare) <= 0.01, "the ratio is the two rates' own"
    assert figures["charged twice"] == "0"
    assert float(figures["peak RSS of a runner process MB"]) > 0
