"""The page benchmark runs, briefly, and reports every figure for every page: a benchmark that
broke unnoticed would report nothing the next time it is needed. It runs in its own process, as
`make bench` runs it, with its own database, localstripe and two gunicorn servers under wrk."""

from __future__ import annotations

import os
import re

from tests.bench.running import run_bench

PAGES = ["overview", "options", "plan check", "about this debt", "receipt"]


def test_the_page_benchmark_measures_each_page_against_hello(tmp_path):
    server = os.environ.get("TEST_POSTGRES_SERVER")
    result = run_bench(
        "pages",
        ["--seconds", "1", "--connections", "4"] + (["--database", server] if server else []),
        tmp_path,
    )
    rows = {
        name.strip(): figures.split()
        for name, figures in re.findall(
            r"^(hello|overview|options|plan check|about this debt|receipt)\s+(.*)$", result.stdout, re.M
        )
    }
    assert float(rows["hello"][0]) > 0
    for page in PAGES:
        rps, ratio, p50, p99, non_2xx, queries, sent, raw = rows[page]
        assert float(rps) > 0 and float(ratio) > 0, page
        assert 0 < float(p50) <= float(p99), page
        assert non_2xx == "0", f"{page} answered something other than its page under load"
        assert int(queries) > 0 and 0 < float(sent) <= float(raw), page
        # Issue 16: the page with our CSS and JavaScript fits the first round trip, compressed.
        assert float(sent) <= 14.0, f"{page} sends {sent} KB"
        # Issue 16: at most 4 statements a page on PostgreSQL. SQLite has no row locks or one-
        # statement upserts with CTEs; its timeline append takes 3 statements where PostgreSQL's takes 1.
        assert int(queries) <= (4 if server else 6), f"{page} runs {queries} statements"
    for kind in ("resident", r"proportional \(PSS\)", "private"):
        (memory,) = re.findall(rf"^{kind} memory per worker after the load, MB: (.*)$", result.stdout, re.M)
        assert len(memory.split(", ")) == 2 and all(float(size) > 0 for size in memory.split(", ")), kind
