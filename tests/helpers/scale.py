"""How hard the reliability and security suites push, and where they write what they measured.

CI runs the small size; `make reliability` sets PORTAL_TEST_SCALE=full and collects the figures into
docs/RELIABILITY.md. A test asks `scale.pick(small, full)` for its counts and calls `scale.figure`
for every number worth reporting.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

FULL = os.environ.get("PORTAL_TEST_SCALE", "small").strip().lower() == "full"
FIGURES_FILE = os.environ.get("PORTAL_FIGURES_FILE", "").strip()


def pick(small, full):
    """The small value in CI and everyday runs, the full one under `make reliability`."""
    return full if FULL else small


def figure(suite: str, name: str, value, unit: str = "") -> None:
    """Record one measured figure (a count, a time) for the report; a no-op unless a file is set."""
    if not FIGURES_FILE:
        return
    line = {
        "suite": suite,
        "name": name,
        "value": value,
        "unit": unit,
        "scale": "full" if FULL else "small",
        "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "database": "postgresql" if os.environ.get("TEST_POSTGRES_SERVER") else "sqlite",
    }
    path = Path(FIGURES_FILE)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as out:
        out.write(json.dumps(line) + "\n")
