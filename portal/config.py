"""Settings read from the environment. Production unless PORTAL_ENV asks for development or test."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from portal.domain.contrast import AA_TEXT, WHITE, ColourError, contrast_ratio, parse_hex
from portal.domain.languages import valid_country

PACKAGE_DIR = Path(__file__).resolve().parent
#: The checkout, when the portal runs from one; an installed portal's parent is site-packages.
ROOT = PACKAGE_DIR.parent
#: Compiled catalogs: built into the package from i18n/*.po (setup.py, or `make translations`).
TRANSLATIONS_DIR = PACKAGE_DIR / "translations"
MIGRATIONS_DIR = PACKAGE_DIR / "migrations"


def _instance_dir() -> Path:
    """PORTAL_INSTANCE_DIR, else instance/ in a checkout, else Flask's place for an installed app."""
    configured = os.environ.get("PORTAL_INSTANCE_DIR", "").strip()
    if configured:
        return Path(configured).resolve()
    if (ROOT / "pyproject.toml").is_file():
        return ROOT / "instance"
    return Path(sys.prefix) / "var" / "portal-instance"


#: Default SQLite database, the task queue's file and dispute evidence live here.
INSTANCE_DIR = _instance_dir()
DEV_SECRET = "dev-only-not-secret"  # noqa: S105 - refused outside development below
ENVIRONMENTS = ("production", "development", "test")
#: A session key shorter than this can be guessed offline from one signed cookie or link.
MIN_SECRET_BYTES = 32
#: The portal's own deep teal: no government's colour, and 7.8:1 against white text.
DEFAULT_BRAND_COLOUR = "#0b5c5a"


class ConfigError(RuntimeError):
    """Raised at start-up when a required production setting is missing."""


def portal_env(overrides: dict | None = None) -> str:
    """production, development or test; production when nothing says otherwise."""
    env = (overrides or {}).get("PORTAL_ENV") or _env("PORTAL_ENV") or "production"
    if env not in ENVIRONMENTS:
        raise ConfigError(f"PORTAL_ENV is {env!r}; use one of: {', '.join(ENVIRONMENTS)}.")
    return env


def rate_limit_storage() -> str:
    """Where the rate limiter counts: RATELIMIT_STORAGE_URI, else REDIS_URL, else this process's memory."""
    return _env("RATELIMIT_STORAGE_URI") or _env("REDIS_URL") or "memory://"


def unshared_rate_limits(env: str, storage: str, workers: int) -> str | None:
    """Why several workers may not count requests separately, or None when they may."""
    if env == "production" and storage.startswith("memory://") and workers > 1:
        return (
            f"The rate limiter keeps its counts in each worker's memory, so {workers} workers would "
            f"allow {workers} times each limit. Set RATELIMIT_STORAGE_URI (or REDIS_URL) to a shared "
            "store such as redis://127.0.0.1:6379/0, or run one worker."
        )
    return None


def advice_links(raw: str) -> list[tuple[str, str]]:
    """Parse "Label|https://..." entries separated by ";" into (label, url) pairs."""
    links = []
    for entry in raw.split(";"):
        if not entry.strip():
            continue
        label, _, url = entry.partition("|")
        label, url = label.strip(), url.strip()
        if not label or not (url.startswith("https://") or url.startswith("http://")):
            raise ConfigError(
                f"DEBT_ADVICE_LINKS entry {entry.strip()!r} should look like 'Label|https://example.org/'"
            )
        links.append((label, url))
    return links


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def _flag(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def load_config(overrides: dict | None = None) -> dict:
    """Build the Flask config from the environment, then apply *overrides* (tests use these)."""
    env = portal_env(overrides)
    development = env in {"development", "test"}
    database_url = _env("DATABASE_URL") or f"sqlite:///{INSTANCE_DIR / 'portal.db'}"
    # Heroku-style URLs name the old driver; psycopg 3 is the one installed.
    if database_url.startswith("postgres://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgres://") :]
    elif database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://") :]

    config = {
        "PORTAL_ENV": env,
        "SECRET_KEY": _env("SECRET_KEY"),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "PORTAL_BASE_URL": _env("PORTAL_BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        "LINK_DAYS": int(_env("LINK_DAYS", "30")),
        # How many days ahead of a plan payment (on the debtor's calendar) the reminder goes out.
        "REMINDER_DAYS_BEFORE": int(_env("REMINDER_DAYS_BEFORE", "3")),
        "DRAFT_DAYS": int(_env("DRAFT_DAYS", "30")),
        "STRIPE_SECRET_KEY": _env("STRIPE_SECRET_KEY"),
        "STRIPE_PUBLISHABLE_KEY": _env("STRIPE_PUBLISHABLE_KEY"),
        "STRIPE_API_BASE": _env("STRIPE_API_BASE"),
        "STRIPE_JS_URL": _env("STRIPE_JS_URL", "https://js.stripe.com/v3/"),
        "STRIPE_WEBHOOK_SECRET": _env("STRIPE_WEBHOOK_SECRET"),
        # Seconds to wait for Stripe per try (the client tries three times) before telling the debtor.
        "STRIPE_TIMEOUT_SECONDS": float(_env("STRIPE_TIMEOUT_SECONDS", "20")),
        # The same for showing a card form (this visit's SetupIntent): two tries, and never longer.
        "STRIPE_PAGE_TIMEOUT_SECONDS": float(_env("STRIPE_PAGE_TIMEOUT_SECONDS", "5")),
        "SMTP_HOST": _env("SMTP_HOST"),
        "SMTP_PORT": int(_env("SMTP_PORT", "25")),
        "SMTP_USERNAME": _env("SMTP_USERNAME"),
        "SMTP_PASSWORD": _env("SMTP_PASSWORD"),
        "SMTP_STARTTLS": _flag("SMTP_STARTTLS", False),
        # Text messages go through Twilio when these are set; without them a development portal
        # prints texts and a production one sends none. TWILIO_API_BASE is for tests only.
        "TWILIO_ACCOUNT_SID": _env("TWILIO_ACCOUNT_SID"),
        "TWILIO_AUTH_TOKEN": _env("TWILIO_AUTH_TOKEN"),
        "TWILIO_FROM": _env("TWILIO_FROM"),
        "TWILIO_MESSAGING_SERVICE_SID": _env("TWILIO_MESSAGING_SERVICE_SID"),
        "TWILIO_API_BASE": _env("TWILIO_API_BASE"),
        "MAIL_FROM": _env("MAIL_FROM", "Example Recovery Services <help@example.com>"),
        "COLLECTOR_NAME": _env("COLLECTOR_NAME", "Example Recovery Services"),
        "COLLECTOR_ADDRESS": _env("COLLECTOR_ADDRESS", "100 Main Street, Suite 200, Springfield, IL 62701"),
        "COLLECTOR_PHONE": _env("COLLECTOR_PHONE", "1-800-555-0100"),
        "COLLECTOR_EMAIL": _env("COLLECTOR_EMAIL", "help@example.com"),
        # The agency's look (portal/look.py): its logo (a path on this site or an https:// address;
        # empty shows the name alone), its colour (#rrggbb, carrying white text at 4.5:1 or more)
        # and its favicon (empty serves one drawn in the brand colour).
        "COLLECTOR_LOGO_URL": _env("COLLECTOR_LOGO_URL"),
        "BRAND_COLOUR": _env("BRAND_COLOUR", DEFAULT_BRAND_COLOUR),
        "FAVICON_URL": _env("FAVICON_URL"),
        "COLLECTOR_HOURS": _env("COLLECTOR_HOURS", "Monday to Friday, 8 am to 8 pm Central Time"),
        # Free text shown to debtors may be given per language: COLLECTOR_HOURS_ES, ...
        "COLLECTOR_HOURS_ES": _env(
            "COLLECTOR_HOURS_ES", "De lunes a viernes, de 8 a. m. a 8 p. m., hora del centro"
        ),
        "COLLECTOR_HOURS_ZH_HANT": _env(
            "COLLECTOR_HOURS_ZH_HANT", "星期一至星期五，美國中部時間上午8點至晚上8點"
        ),
        "COLLECTOR_HOURS_VI": _env(
            "COLLECTOR_HOURS_VI", "Thứ Hai đến Thứ Sáu, 8 giờ sáng đến 8 giờ tối, giờ miền Trung"
        ),
        # Shown on the validation page so a person can check we are who we say we are.
        "COLLECTOR_LICENCE": _env("COLLECTOR_LICENCE", "Example license no. 12345 (demo)"),
        # Days from the first link for an account until the date shown as the last day to dispute.
        "VALIDATION_DAYS": int(_env("VALIDATION_DAYS", "35")),
        # Dispute evidence may be up to 10 MB; the rest leaves room for the form around it.
        "MAX_CONTENT_LENGTH": 11 * 1024 * 1024,
        # Free, independent debt advice shown to anyone who says they cannot pay. Empty means the
        # portal's own, translated (portal/guidance/advice.py). Links are "Label|https://..."
        # entries separated by ";". Each may be given per language (_ES, _ZH_HANT, _VI).
        "DEBT_ADVICE_TEXT": _env("DEBT_ADVICE_TEXT"),
        "DEBT_ADVICE_TEXT_ES": _env("DEBT_ADVICE_TEXT_ES"),
        "DEBT_ADVICE_TEXT_ZH_HANT": _env("DEBT_ADVICE_TEXT_ZH_HANT"),
        "DEBT_ADVICE_TEXT_VI": _env("DEBT_ADVICE_TEXT_VI"),
        "DEBT_ADVICE_LINKS": _env("DEBT_ADVICE_LINKS"),
        "DEBT_ADVICE_LINKS_ES": _env("DEBT_ADVICE_LINKS_ES"),
        "DEBT_ADVICE_LINKS_ZH_HANT": _env("DEBT_ADVICE_LINKS_ZH_HANT"),
        "DEBT_ADVICE_LINKS_VI": _env("DEBT_ADVICE_LINKS_VI"),
        "RATELIMIT_STORAGE_URI": rate_limit_storage(),
        "RATELIMIT_KEY_PREFIX": _env("RATELIMIT_KEY_PREFIX", "portal"),
        # How many proxies in front of the portal set X-Forwarded-For/-Proto; 0 trusts no such header.
        "TRUSTED_PROXY_HOPS": int(_env("TRUSTED_PROXY_HOPS", "0")),
        "RATELIMIT_ENABLED": _flag("RATELIMIT_ENABLED", True),
        # Limited answers say how much of the budget is left, in the IETF RateLimit fields' names.
        "RATELIMIT_HEADERS_ENABLED": True,
        "RATELIMIT_HEADER_LIMIT": "RateLimit-Limit",
        "RATELIMIT_HEADER_REMAINING": "RateLimit-Remaining",
        "RATELIMIT_HEADER_RESET": "RateLimit-Reset",
        # Each API key's budget (Flask-Limiter notation); see portal/api/blueprint.py.
        "API_RATE_LIMIT": _env("API_RATE_LIMIT", "600 per minute"),
        # Seconds a webhook delivery waits to connect, then for the answer (portal/webhooks/delivery.py).
        "WEBHOOK_CONNECT_TIMEOUT": float(_env("WEBHOOK_CONNECT_TIMEOUT", "3")),
        "WEBHOOK_READ_TIMEOUT": float(_env("WEBHOOK_READ_TIMEOUT", "10")),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # Production cookies travel over HTTPS only, whatever the environment says.
        "SESSION_COOKIE_SECURE": _flag("SESSION_COOKIE_SECURE", False) if development else True,
        "SESSION_MINUTES": int(_env("SESSION_MINUTES", "30")),
        # How long before the session ends the debtor is warned and offered more time (WCAG 2.2.1).
        "SESSION_WARNING_SECONDS": int(_env("SESSION_WARNING_SECONDS", "120")),
        # The staff console: its own cookie (path /console), signed out after this long idle, and
        # after this long whatever happens; sign-in locks for a while after this many failures.
        "STAFF_COOKIE_NAME": "portal_staff" if development else "__Secure-portal_staff",
        "STAFF_IDLE_MINUTES": int(_env("STAFF_IDLE_MINUTES", "15")),
        "STAFF_SESSION_HOURS": int(_env("STAFF_SESSION_HOURS", "10")),
        "STAFF_LOCK_AFTER": int(_env("STAFF_LOCK_AFTER", "5")),
        "STAFF_LOCK_MINUTES": int(_env("STAFF_LOCK_MINUTES", "15")),
        # Days a set-up link from create-staff or reset-staff can be used.
        "STAFF_SETUP_DAYS": int(_env("STAFF_SETUP_DAYS", "3")),
        # Days to move the portal's clock forward, to watch plans run in a demo or a test.
        "CLOCK_OFFSET_DAYS": int(_env("PORTAL_CLOCK_OFFSET_DAYS", "0")),
        "WTF_CSRF_TIME_LIMIT": None,  # the session's own lifetime bounds the token
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_TRANSLATION_DIRECTORIES": str(TRANSLATIONS_DIR),
        # Spanish, Chinese and Vietnamese: the three languages after English that most US residents
        # with limited English speak (README, "Languages").
        "SUPPORTED_LOCALES": ("en", "es", "zh_Hant", "vi"),
        # Where readers are when the page does not know their account (ISO 3166, two capitals):
        # with the language it chooses US or British English and how dates and money are written.
        # A known account's creditor country (Creditor.country) wins.
        "PORTAL_COUNTRY": _env("PORTAL_COUNTRY", "US"),
    }
    config.update(overrides or {})
    if config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # SQLite lets one writer in at a time; wait for the lock rather than fail at once.
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"timeout": 30}}
    # A failed statement's parameters (a phone number, a hardship explanation) must never reach a log,
    # whatever other engine options were given.
    config["SQLALCHEMY_ENGINE_OPTIONS"] = {**config["SQLALCHEMY_ENGINE_OPTIONS"], "hide_parameters": True}
    _check(config)
    return config


def _check(config: dict) -> None:
    """Refuse to run outside development with a missing or development secret."""
    development = config["PORTAL_ENV"] in {"development", "test"}
    for language in ("", "_ES", "_ZH_HANT", "_VI"):
        advice_links(config.get(f"DEBT_ADVICE_LINKS{language}") or "")
    if config["DRAFT_DAYS"] < 1:
        raise ConfigError("DRAFT_DAYS must be 1 or more: the days unsent answers are kept.")
    if config["REMINDER_DAYS_BEFORE"] < 0:
        raise ConfigError("REMINDER_DAYS_BEFORE cannot be negative; use 0 for the payment day itself.")
    if config["VALIDATION_DAYS"] < 1:
        raise ConfigError("VALIDATION_DAYS must be at least 1 (Regulation F's period is usually 35).")
    country = config["PORTAL_COUNTRY"]
    if not valid_country(country):
        raise ConfigError(
            f"PORTAL_COUNTRY is {country!r}; use a two-letter ISO 3166 code in capitals, such as US or GB."
        )
    _check_brand(config)
    if config["TRUSTED_PROXY_HOPS"] < 0:
        raise ConfigError("TRUSTED_PROXY_HOPS is the number of proxies in front of the portal: 0 or more.")
    if not config["SECRET_KEY"]:
        if not development:
            raise ConfigError(
                "SECRET_KEY is not set. Set SECRET_KEY to a long random value "
                "(for example: python -c 'import secrets; print(secrets.token_hex(32))')."
            )
        config["SECRET_KEY"] = DEV_SECRET
    if not development:
        _check_production(config)
        _check_catalogs(config)


def _check_brand(config: dict) -> None:
    """Refuse a brand colour white text cannot be read on, and an image address the page cannot load."""
    colour = config["BRAND_COLOUR"]
    try:
        rgb = parse_hex(colour)
    except ColourError:
        raise ConfigError(
            f"BRAND_COLOUR is {colour!r}; write it as #rrggbb, for example {DEFAULT_BRAND_COLOUR}."
        ) from None
    ratio = contrast_ratio(rgb, WHITE)
    if ratio < AA_TEXT:
        shown = int(ratio * 100) / 100  # rounded down: 4.497 must not read as 4.50
        raise ConfigError(
            f"BRAND_COLOUR {colour} has a contrast of {shown:.2f}:1 with white text; it needs at least "
            f"{AA_TEXT}:1 (WCAG 2.2 AA). Choose a darker colour."
        )
    for name in ("COLLECTOR_LOGO_URL", "FAVICON_URL"):
        url = config[name]
        if url and not (url.startswith("https://") or (url.startswith("/") and not url.startswith("//"))):
            raise ConfigError(
                f"{name} is {url!r}; give a path on this site such as /static/logo.svg "
                "or an https:// address."
            )


def _check_production(config: dict) -> None:
    """Production refuses what would let anyone forge a session or a link, or fake a payment."""
    if config.get("CLOCK_OFFSET_DAYS"):
        raise ConfigError("PORTAL_CLOCK_OFFSET_DAYS is only for development and tests.")
    if config["SECRET_KEY"] == DEV_SECRET:
        raise ConfigError("SECRET_KEY is the development placeholder; set a real secret.")
    if len(config["SECRET_KEY"].encode()) < MIN_SECRET_BYTES:
        raise ConfigError(
            f"SECRET_KEY is shorter than {MIN_SECRET_BYTES} bytes; set a long random value "
            "(for example: python -c 'import secrets; print(secrets.token_hex(32))')."
        )
    missing = [
        name
        for name in ("STRIPE_SECRET_KEY", "STRIPE_PUBLISHABLE_KEY", "STRIPE_WEBHOOK_SECRET", "SMTP_HOST")
        if not config[name]
    ]
    if missing:
        raise ConfigError("Missing required settings: " + ", ".join(missing))
    twilio = ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN")
    given = [name for name in twilio if config[name]]
    sender = config["TWILIO_FROM"] or config["TWILIO_MESSAGING_SERVICE_SID"]
    if given and (len(given) < len(twilio) or not sender):
        raise ConfigError(
            "Text messages need TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM or "
            "TWILIO_MESSAGING_SERVICE_SID together; set all of them, or none to send no texts."
        )
    if config["TWILIO_API_BASE"]:
        raise ConfigError("TWILIO_API_BASE is only for tests; production talks to Twilio itself.")


def _check_catalogs(config: dict) -> None:
    """Refuse to start without a compiled catalog for every language offered.

    Otherwise a page marked <html lang="es"> is served in English and a screen reader reads it
    with a Spanish voice.
    """
    folders = [Path(folder) for folder in config["BABEL_TRANSLATION_DIRECTORIES"].split(";")]
    missing = [
        locale
        for locale in config["SUPPORTED_LOCALES"]
        if locale != config["BABEL_DEFAULT_LOCALE"]
        and not any((folder / locale / "LC_MESSAGES" / "messages.mo").is_file() for folder in folders)
    ]
    if missing:
        raise ConfigError(
            "No compiled translations for "
            + ", ".join(missing)
            + " in "
            + config["BABEL_TRANSLATION_DIRECTORIES"]
            + ": install the portal from its wheel, or run `make translations` in a checkout."
        )
