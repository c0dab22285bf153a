"""The languages the portal speaks, and how a language tag from a file or a browser maps to one."""

from __future__ import annotations

# Catalog code -> BCP 47 tag for <html lang> and the name a speaker of it recognises.
LANGUAGES = {
    "en": ("en", "English"),
    "es": ("es", "Español"),
    "zh_Hant": ("zh-Hant", "中文（繁體）"),
    "vi": ("vi", "Tiếng Việt"),
}

# Tags people and systems write for these languages: each one's own tag, and every Chinese tag
# mapped to Traditional script (the only Chinese catalog, far easier for a Simplified reader
# than English).
LANGUAGE_TAGS = {tag.lower(): code for code, (tag, _name) in LANGUAGES.items()} | {
    "zh": "zh_Hant",
    "zh-tw": "zh_Hant",
    "zh-hk": "zh_Hant",
    "zh-mo": "zh_Hant",
    "zh-hans": "zh_Hant",
    "zh-cn": "zh_Hant",
    "zh-sg": "zh_Hant",
}


def portal_language(tag: str | None) -> str | None:
    """The catalog code for a language tag ("zh-TW", "ES", "en_US"), or None if we lack it."""
    if not tag:
        return None
    tag = tag.strip().replace("_", "-").lower()
    if tag in LANGUAGE_TAGS:
        return LANGUAGE_TAGS[tag]
    # "es-MX" -> "es", "zh-Hant-TW" -> "zh-hant" -> zh_Hant
    parts = tag.split("-")
    for length in range(len(parts) - 1, 0, -1):
        found = LANGUAGE_TAGS.get("-".join(parts[:length]))
        if found:
            return found
    return None


def html_lang(code: str) -> str:
    """The BCP 47 tag for a catalog code, for lang and hreflang attributes."""
    return LANGUAGES.get(code, (code.replace("_", "-"), code))[0]
