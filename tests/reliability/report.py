"""Write docs/RELIABILITY.md from the figures the reliability and security suites recorded.

Run by `make reliability` after the full-size runs; reads the JSON lines named by PORTAL_FIGURES_FILE.
"""

from __future__ import annotations

import json
import os
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
INTRO = """# Reliability figures

What the reliability and security suites measured in their last full run (`make reliability`:
`PORTAL_TEST_SCALE=full`, once on SQLite and once on PostgreSQL). CI runs the same tests at a small
size on every change. What each suite proves, and which attack it answers, is in `docs/SECURITY.md`.
"""


#: Every suite that records figures; one missing from a run is named in the report, not hidden.
EXPECTED_SUITES = (
    "payment races",
    "stripe faults",
    "webhook replay",
    "setup_intent_pays_once",
    "policy_versions",
    "timeline",
    "identity limits",
    "security",
    "fuzzing",
)
DATABASES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def render(lines: list[dict]) -> str:
    """The report as Markdown: one table a suite, a row a figure, a column a database."""
    suites: dict[str, dict[str, dict[str, str]]] = defaultdict(lambda: defaultdict(dict))
    latest = ""
    for line in lines:
        unit = f" {line['unit']}" if line.get("unit") else ""
        suites[line["suite"]][line["name"]][line["database"]] = f"{line['value']}{unit}"
        latest = max(latest, line.get("at", ""))
    out = [INTRO, f"Measured: {latest or 'never'} on a 2-core machine.\n"]
    scales = sorted({line.get("scale", "full") for line in lines})
    databases = sorted({line["database"] for line in lines})
    names = ", ".join(DATABASES[d] for d in databases)
    out.append(f"Sizes in this run: {', '.join(scales)}. Databases: {names}.")
    missing = [suite for suite in EXPECTED_SUITES if suite not in suites]
    if missing:
        out.append(f"Not measured in this run: {', '.join(missing)}.")
    out.append("")
    for suite in sorted(suites):
        out.append(f"## {suite}\n")
        out.append("| figure | SQLite | PostgreSQL |")
        out.append("| --- | --- | --- |")
        for name, by_db in suites[suite].items():
            out.append(f"| {name} | {by_db.get('sqlite', '–')} | {by_db.get('postgresql', '–')} |")
        out.append("")
    return "\n".join(out)


def main() -> int:
    source = Path(os.environ.get("PORTAL_FIGURES_FILE") or sys.argv[1])
    lines = [json.loads(text) for text in source.read_text(encoding="utf-8").splitlines() if text.strip()]
    if not lines:
        print(f"no figures in {source}", file=sys.stderr)
        return 1
    target = ROOT / "docs" / "RELIABILITY.md"
    target.parent.mkdir(exist_ok=True)
    target.write_text(render(lines), encoding="utf-8")
    print(f"wrote {target.relative_to(ROOT)} from {len(lines)} figures")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
