"""The page benchmark runs, briefly, and reports every figure for every page: a benchmark that
broke unnoticed would report nothing the next time it is needed. It runs in its own process, as
`make bench` runs it, with its own database, localstripe and two gunicorn servers under wrk."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGES = ["overview", "options", "plan check", "about this debt", "receipt"]


def test_the_page_benchmark_measures_each_page_against_hello(tmp_path):
    server = os.environ.get("TEST_POSTGRES_SERVER")
    result = subprocess.run(
        [sys.executable, "-m", "bench.pages", "--seconds", "1", "--connections", "4"]
        + (["--database", server] if server else []),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={"PATH": "/usr/bin:/bin", "PORTAL_INSTANCE_DIR": str(tmp_path)},
    )

    assert result.returncode == 0, result.stdout + result.stderr
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
    (memory,) = re.findall(r"resident memory per worker after the load, MB: (.*)$", result.stdout, re.M)
    assert len(memory.split(", ")) == 2 and all(float(size) > 0 for size in memory.split(", "))
