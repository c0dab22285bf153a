"""Print the figures the last page sweep measured (python -m tests.e2e.accessibility_report)."""

from __future__ import annotations

import json
import statistics
from pathlib import Path

REPORT = Path(__file__).resolve().parents[2] / "test-artifacts" / "accessibility"


def main() -> int:
    runs = [json.loads(path.read_text()) for path in sorted(REPORT.glob("*.json"))]
    if not runs:
        print("No sweep has run yet: make accessibility")
        return 1
    for run in runs:
        print(
            f"{run['language']:8} {run['scenes']} page states x {len(run['widths'])} widths "
            f"{tuple(run['widths'])}: {run['checks_passed']} checks passed, {run['failures']} failures"
        )
        grades = run.get("reading_grades") or {}
        if grades:
            worst = max(grades, key=grades.get)
            print(
                f"         reading grade (Flesch-Kincaid): median {statistics.median(grades.values()):.1f}, "
                f"highest {grades[worst]:.1f} ({worst}), limit 8"
            )
    return 0 if all(run["failures"] == 0 for run in runs) else 1


if __name__ == "__main__":
    raise SystemExit(main())
