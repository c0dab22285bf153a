"""The languages the portal speaks, and how a language tag from a file or a browser maps to one."""

from __future__ import annotations

from babel import Locale, UnknownLocaleError

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


#: The region assumed when nothing says where the reader is: the portal serves US debtors first.
DEFAULT_COUNTRY = "US"


def valid_country(country: str | None) -> bool:
    """True for an ISO 3166 code written as two capital letters ("US", "GB")."""
    if not country or len(country) != 2:
        return False
    return country.isascii() and country.isalpha() and country.isupper()


def formatting_locale(language: str, country: str | None) -> str:
    """The Babel locale a page in *language* is formatted and worded in for a reader in *country*.

    English: en_GB for the United Kingdom, en_<CC> where the CLDR has it (en_AU, en_IE: their
    dates and money, British words from the source catalog), else en_US. Spanish: es_US in the
    United States, plain es elsewhere. Chinese (Traditional) and Vietnamese have one form each.
    """
    country = country if valid_country(country) else DEFAULT_COUNTRY
    if language == "en":
        if country == "US":
            return "en_US"
        try:
            Locale("en", country)
        except UnknownLocaleError:
            return "en_US"
        return f"en_{country}"
    if language == "es":
        return "es_US" if country == "US" else "es"
    return language


def language_of(locale: str | None) -> str:
    """The catalog code ("en", "es", "zh_Hant", "vi") a formatting locale ("es_US") is in."""
    return portal_language(locale) or "en"
