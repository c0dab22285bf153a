"""The figures report puts each suite's figures side by side per database."""

from tests.reliability.report import render


def test_report_groups_figures_by_suite_and_database():
    lines = [
        {"suite": "payment races", "name": "over-charges", "value": 0, "unit": "", "database": "sqlite"},
        {"suite": "payment races", "name": "over-charges", "value": 0, "unit": "", "database": "postgresql"},
        {
            "suite": "fuzzing",
            "name": "cases",
            "value": 5000,
            "unit": "cases",
            "database": "postgresql",
            "at": "2026-12-04T18:00:00Z",
        },
    ]
    text = render(lines)
    assert "## payment races" in text and "## fuzzing" in text
    assert "| over-charges | 0 | 0 |" in text
    assert "| cases | – | 5000 cases |" in text
    assert "2026-12-04T18:00:00Z" in text
    assert "Databases: PostgreSQL, SQLite." in text
    assert "Not measured in this run: stripe faults, webhook replay" in text
