"""Every page, found from the app's routes, in every language at 320, 768 and 1280 px.

Each scene (a page in one state: empty, with errors, after paying...) is opened in Chromium and
checked at each width: axe-core's WCAG 2.0/2.1/2.2 A and AA rules with zero violations, one h1,
a title that starts with it, landmarks, the skip link first, the right lang, no sideways scroll.
Across scenes: every route is shown or says why it is not a page, every page template is
rendered, titles are unique per page, English copy reads at US grade 8 or below, and the
Chinese pages show no English left untranslated.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import textstat
from flask import template_rendered

from tests.e2e.conftest import check_page
from tests.e2e.page_catalogue import NOT_PAGES, scenes

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "portal" / "templates"
REPORT = ROOT / "test-artifacts" / "accessibility"
WIDTHS = (320, 768, 1280)
# catalog code -> (browser language, <html lang>)
LANGUAGES = {
    "en": ("en-US", "en"),
    "es": ("es-US", "es"),
    "zh_Hant": ("zh-TW", "zh-Hant"),
    "vi": ("vi-VN", "vi"),
}
HIGHEST_GRADE = 8.0
# Words that may stay in Latin letters on a Chinese page: names, data and brands, not copy.
LATIN_ALLOWED = re.compile(
    r"https?://\S+|www\.\S+|\S+@\S+|US\$|P-\d+|D-\w+|ACC-\d+"
    # Python counts Chinese characters as word characters, so \b would miss "PIN碼".
    r"|(?<![A-Za-z])(Stripe|Visa|PDF|JPEG|PNG|MB|CFPB|PIN|SMS|ZIP|FDCPA)(?![A-Za-z])"
)


def page_templates() -> set[str]:
    """The templates that are whole pages (not layouts, macros, partials or emails)."""
    names = set()
    for path in TEMPLATES.rglob("*.html"):
        name = path.relative_to(TEMPLATES).as_posix()
        if name == "base.html" or name.startswith(("layouts/", "macros/", "emails/", "console/")):
            continue
        if "{% extends" not in path.read_text():
            continue  # a piece included in pages, or macros
        names.add(name)
    return names


def main_text(page) -> str:
    """The words a person reads in the page's main area, the expandable answers opened."""
    return page.evaluate(
        "() => { document.querySelectorAll('main details').forEach(d => { d.open = true; });"
        " return document.querySelector('main').innerText; }"
    )


def reading_grade(text: str) -> float:
    """Flesch-Kincaid grade of the page's sentences; headings, labels and table cells (lines
    without a full stop) are left out, as they would make any page look easier than it is."""
    sentences = [line.strip() for line in text.splitlines() if line.strip().endswith((".", "?", "!"))]
    return textstat.flesch_kincaid_grade(" ".join(sentences)) if sentences else 0.0


def untranslated(page, allowed: set[str]) -> list[str]:
    texts = page.evaluate(
        "() => { const out = []; const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);"
        " while (walk.nextNode()) { const n = walk.currentNode; const e = n.parentElement;"
        # Only our own landmarks: localstripe draws its stand-in bank check, in English, outside them.
        "  if (!e || !e.closest('header, main, footer, dialog, .skip-link')) continue;"
        "  if (!n.data.trim() || e.closest('script, style, noscript, #card-element, [lang]:not(html)')) {"
        "    continue; }"
        "  out.push(n.data.trim()); }"
        " return out; }"
    )
    left = []
    for text in texts:
        for word in allowed:
            text = text.replace(word, " ")
        text = LATIN_ALLOWED.sub(" ", text)
        if re.search(r"[A-Za-z]{3,}", text):
            left.append(text)
    return left


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_every_page_in_every_width(
    lang, app, make_account, issue_link, localstripe, runner, live_portal, browser
):
    built = scenes(app, make_account, issue_link, localstripe, runner, lang)

    # The staff console has its own sweep (tests/e2e/test_console_pages.py); the JSON API
    # (blueprints api_*, and its document) has no pages: its contract test is tests/api/test_contract.py.
    routes = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if not rule.endpoint.startswith(("console.", "api_", "api-docs."))
    }
    shown = {scene.endpoint for scene in built}
    assert not (routes - shown - NOT_PAGES.keys()), (
        f"routes with no scene: {sorted(routes - shown - NOT_PAGES.keys())}"
    )
    assert not (NOT_PAGES.keys() - routes), (
        f"NOT_PAGES names routes that are gone: {NOT_PAGES.keys() - routes}"
    )

    rendered: set[str] = set()

    shown_template: list[str] = []

    def note(sender, template, context, **extra):
        rendered.add(template.name)
        if template.name and not template.name.startswith("emails/"):
            shown_template.append(template.name)

    template_rendered.connect(note, app)
    app.config["WTF_CSRF_ENABLED"] = True  # the browser sends real tokens, as in production
    browser_language, html_lang = LANGUAGES[lang]
    config = app.config
    # The collector's and the account's own names and numbers are data, not copy.
    allowed = {
        config[key] for key in ("COLLECTOR_NAME", "COLLECTOR_ADDRESS", "COLLECTOR_PHONE", "COLLECTOR_LICENCE")
    }
    # So are what people wrote: the test plan's consent line and the collector's reason for a decision.
    allowed |= {
        "Jane Doe",
        "Acme Bank",
        "I agree (test wording).",
        "It would take too long.",
        "My hours at work were cut.",
    }
    failures: list[str] = []
    titles: dict[str, set[str]] = {}
    grades: dict[str, float] = {}
    checks = 0
    try:
        for scene in built:
            context = browser.new_context(viewport={"width": 1280, "height": 900}, locale=browser_language)
            context.set_default_timeout(15000)
            if scene.cookie:
                context.add_cookies([{"name": "session", "value": scene.cookie, "url": live_portal}])
            page = context.new_page()
            try:
                page.goto(live_portal + scene.path)
                if scene.then:
                    scene.then(page)
                for width in WIDTHS:
                    page.set_viewport_size({"width": width, "height": 800})
                    try:
                        check_page(page, lang=html_lang)
                        checks += 1
                    except AssertionError as error:
                        failures.append(f"[{scene.name} @ {width}px] {error}")
                title = (
                    re.sub(r"^\S+[:：]\s*", "", page.title())
                    if page.locator("[data-error-summary]").count()
                    else page.title()
                )
                titles.setdefault(title, set()).add(shown_template[-1])
                if lang == "en":
                    grades[scene.name] = reading_grade(main_text(page))
                if lang == "zh_Hant" and (left := untranslated(page, allowed)):
                    failures.append(f"[{scene.name}] English left on a Chinese page: {left[:5]}")
            except Exception as error:  # noqa: BLE001 - report every scene, not just the first
                failures.append(f"[{scene.name}] could not be checked: {error}")
            finally:
                context.close()
    finally:
        template_rendered.disconnect(note, app)

    shared = {title: sorted(names) for title, names in titles.items() if len(names) > 1}
    if shared:
        failures.append(f"pages sharing a title: {shared}")
    missed = page_templates() - rendered
    if missed:
        failures.append(f"page templates no scene rendered: {sorted(missed)}")
    too_hard = {name: round(grade, 1) for name, grade in grades.items() if grade > HIGHEST_GRADE}
    if too_hard:
        failures.append(f"English pages above grade {HIGHEST_GRADE:g}: {too_hard}")

    REPORT.mkdir(parents=True, exist_ok=True)
    (REPORT / f"{lang}.json").write_text(
        json.dumps(
            {
                "language": lang,
                "scenes": len(built),
                "widths": WIDTHS,
                "checks_passed": checks,
                "failures": len(failures),
                "reading_grades": grades,
            },
            indent=1,
            ensure_ascii=False,
        )
    )
    assert not failures, "\n\n".join(failures)
    assert checks == len(built) * len(WIDTHS)
