"""Run a benchmark as `make bench` does: its own process, from the checkout, with nothing of the
test's environment but a PATH and a private instance folder."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_bench(module: str, args: list[str], instance: Path) -> subprocess.CompletedProcess:
    """`python -m bench.<module> <args>`; asserts it succeeded and returns what it printed."""
    result = subprocess.run(
        [sys.executable, "-m", f"bench.{module}", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={"PATH": "/usr/bin:/bin", "PORTAL_INSTANCE_DIR": str(instance)},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result
