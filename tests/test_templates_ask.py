"""Templates ask, they do not decide: no template compares a status with a bare word, so a status
renamed in its enum cannot silently leave a page showing the wrong thing."""

from __future__ import annotations

import re
from pathlib import Path

import portal

TEMPLATES = Path(portal.__file__).parent / "templates"
#: `x.status == "paid"`, `x.status in ("a", "b")`, `selectattr("status", "equalto", ...)`.
BARE_STATUS = re.compile(
    r"""status\s*(==|!=)\s*["']|status\s+(not\s+)?in\s*[(\[]\s*["']|["']status["']\s*,\s*["']equalto"""
)


def test_no_template_compares_a_status_with_a_bare_word():
    found = [
        f"{path.relative_to(TEMPLATES)}:{number}: {line.strip()}"
        for path in sorted(TEMPLATES.rglob("*"))
        if path.is_file()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if BARE_STATUS.search(line)
    ]
    assert found == []


def test_the_check_finds_what_it_looks_for():
    for line in (
        '{% if account.status == "paid" %}',
        "{% if o.status in ('a', 'b') %}",
        '{% set p = rows|selectattr("status", "equalto", "paid") %}',
    ):
        assert BARE_STATUS.search(line), line
    assert not BARE_STATUS.search("{% if row.status == InstalmentStatus.PAID %}")
