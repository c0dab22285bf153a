"""The import benchmark runs, at a small size, and its figures add up: every row created the
first time, every row unchanged the second. It runs in its own process, as `make bench` would,
with its own database; on PostgreSQL (TEST_POSTGRES_SERVER) it also times the bare COPY."""

from __future__ import annotations

import os
import re

from tests.bench.running import run_bench


def test_the_import_benchmark_imports_every_row_then_finds_them_unchanged(tmp_path):
    server = os.environ.get("TEST_POSTGRES_SERVER")
    result = run_bench(
        "import_accounts", ["--rows", "300"] + (["--database", server] if server else []), tmp_path
    )
    figures = dict(re.findall(r"^(\S.*?)\s{2,}(\S+)$", result.stdout, re.M))
    assert figures["rows"] == "300" and figures["created"] == "300" and figures["rejected"] == "0"
    assert figures["second run unchanged"] == "300"
    assert figures["second run created + updated + rejected"] == "0"
    assert float(figures["import s"]) > 0 and float(figures["import peak RSS MB"]) > 0
    if server:
        assert float(figures["bare COPY s"]) > 0 and float(figures["import / bare COPY"]) > 0
