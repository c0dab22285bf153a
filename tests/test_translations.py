"""The catalogs are complete and current: CI fails on a stale template or a missing translation."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ["es", "zh_Hant", "vi", "en_US"]  # en_US: US words for US readers; British English is the source
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def _ids(catalog):
    return {m.id if isinstance(m.id, str) else tuple(m.id) for m in catalog if m.id}


@pytest.mark.parametrize(
    ("mapping", "template"), [("babel.cfg", "messages.pot"), ("console.cfg", "console.pot")]
)
def test_template_matches_the_code(tmp_path, mapping, template):
    """messages.pot (the debtor's pages, translated) and console.pot (the staff console, English
    for now) hold every string the code marks."""
    fresh = tmp_path / template
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            f"i18n/{mapping}",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "--no-location",
            "--sort-output",
            "-o",
            str(fresh),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with open(fresh, "rb") as new, open(ROOT / "i18n" / template, "rb") as old:
        added = _ids(read_po(new)) ^ _ids(read_po(old))
    assert not added, (
        f"i18n/{template} is stale; run `make translations-update`: {sorted(map(str, added))[:5]}"
    )


@pytest.mark.parametrize("locale", LOCALES)
def test_catalog_is_complete(locale):
    with open(ROOT / "i18n" / "messages.pot", "rb") as handle:
        template = _ids(read_po(handle))
    with open(ROOT / "i18n" / locale / "LC_MESSAGES" / "messages.po", "rb") as handle:
        catalog = read_po(handle)
    assert _ids(catalog) == template, "catalog out of step with the template"
    for message in catalog:
        if not message.id:
            continue
        assert not message.fuzzy, f"fuzzy: {message.id!r}"
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"untranslated: {ids[0]!r}"
        wanted = set(PLACEHOLDER.findall(ids[-1]))
        for string in strings:
            assert set(PLACEHOLDER.findall(string)) == wanted, f"placeholders differ in {ids[0]!r}"


TEMPLATE_DIR = ROOT / "portal" / "templates"
JINJA = re.compile(r"{#.*?#}|{%-?\s*trans\b.*?endtrans\s*-?%}|{%.*?%}|{{.*?}}", re.S)
# Markup, entities, attributes a macro writes on their own, and web addresses shown as text.
MARKUP = re.compile(
    r"<(script|style)\b.*?</\1>|<!--.*?-->|<[^>]+>|&[a-z]+;|&#\d+;|[\w-]+=\"[^\"]*\"|\b(?:www\.|https?://)\S+",
    re.S | re.I,
)


@pytest.mark.parametrize(
    "template", sorted(p.relative_to(TEMPLATE_DIR).as_posix() for p in TEMPLATE_DIR.rglob("*") if p.is_file())
)
def test_every_word_in_a_template_is_marked_for_translation(template):
    """Words typed straight into a template would show in English on every language's page."""
    text = MARKUP.sub(" ", JINJA.sub(" ", (TEMPLATE_DIR / template).read_text()))
    words = re.findall(r"[^\W\d_]{2,}", text)
    assert not words, f"{template}: text not marked for translation: {words[:10]}"
