"""Configuration: safe in development, strict in production."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pytest

from portal import create_app
from portal.config import ConfigError, load_config

ROOT = Path(__file__).resolve().parent.parent
LONG_SECRET = "a-real-secret-value-of-forty-bytes-or-so"  # noqa: S105 - a test value


def test_production_without_secret_key_refuses_to_start(monkeypatch):
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY is not set"):
        load_config()


def test_production_refuses_missing_stripe_settings(monkeypatch):
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", LONG_SECRET)
    monkeypatch.delenv("STRIPE_SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="STRIPE_SECRET_KEY"):
        load_config()


def test_gunicorn_style_start_fails_with_a_clear_message_without_secret():
    env = {"PATH": "/usr/bin:/bin", "PORTAL_ENV": "production"}
    result = subprocess.run(
        [sys.executable, "-c", "import wsgi"], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_cookies_are_secure(monkeypatch):
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", LONG_SECRET)
    for name in ("STRIPE_SECRET_KEY", "STRIPE_PUBLISHABLE_KEY", "STRIPE_WEBHOOK_SECRET", "SMTP_HOST"):
        monkeypatch.setenv(name, "x")
    config = load_config()
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["SESSION_COOKIE_HTTPONLY"] is True
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_development_has_a_default_database_and_stripe_js(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("PORTAL_ENV", "development")
    config = load_config()
    assert config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert config["STRIPE_JS_URL"] == "https://js.stripe.com/v3/"


def test_postgres_urls_use_psycopg3(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@h/db")
    assert load_config()["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"


def test_link_tokens_are_redacted_from_access_logs(client, make_account, issue_link, caplog):
    path = issue_link(make_account())
    token = path.removeprefix("/l/")
    caplog.set_level(logging.INFO, logger="werkzeug")
    logging.getLogger("werkzeug").info('127.0.0.1 - - "GET %s HTTP/1.1" 303 -', path)
    (record,) = [r for r in caplog.records if r.name == "werkzeug"]
    assert token not in record.getMessage()
    assert "/l/[redacted]" in record.getMessage()


def test_create_app_has_no_side_effects_on_the_database(tmp_path, monkeypatch):
    database = tmp_path / "untouched.db"
    create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", "PORTAL_ENV": "test"})
    assert not database.exists()


def test_draft_days_must_be_at_least_one(monkeypatch):
    monkeypatch.setenv("DRAFT_DAYS", "0")
    with pytest.raises(ConfigError, match="DRAFT_DAYS"):
        load_config()


def _production(monkeypatch):
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "a-real-secret-value-of-more-than-32-bytes")
    for name in ("STRIPE_SECRET_KEY", "STRIPE_PUBLISHABLE_KEY", "STRIPE_WEBHOOK_SECRET", "SMTP_HOST"):
        monkeypatch.setenv(name, "x")


def test_production_refuses_to_start_without_compiled_translations(monkeypatch, tmp_path):
    """Without them every page would be English under <html lang="es">."""
    _production(monkeypatch)
    with pytest.raises(ConfigError, match="No compiled translations for es, zh_Hant, vi"):
        load_config({"BABEL_TRANSLATION_DIRECTORIES": str(tmp_path)})


def test_translations_and_migrations_are_read_from_inside_the_package(monkeypatch):
    _production(monkeypatch)
    config = load_config()  # the compiled catalogs are where it looks: no ConfigError
    package = ROOT / "portal"
    assert Path(config["BABEL_TRANSLATION_DIRECTORIES"]) == package / "translations"
    app = create_app({"PORTAL_ENV": "test", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert Path(app.extensions["migrate"].directory) == package / "migrations"


def test_the_instance_folder_can_be_set_for_an_installed_portal(tmp_path):
    """An installed portal has no checkout to put instance/ in: PORTAL_INSTANCE_DIR says where."""
    code = "from portal.config import INSTANCE_DIR; print(INSTANCE_DIR)"
    env = {"PATH": "/usr/bin:/bin", "PORTAL_INSTANCE_DIR": str(tmp_path / "instance")}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == str(tmp_path / "instance")


@pytest.mark.parametrize(
    "given",
    [
        {"TWILIO_ACCOUNT_SID": "AC1"},
        {"TWILIO_ACCOUNT_SID": "AC1", "TWILIO_AUTH_TOKEN": "t"},
        {"TWILIO_AUTH_TOKEN": "t", "TWILIO_FROM": "+15005550006"},
    ],
)
def test_production_refuses_half_the_twilio_settings(monkeypatch, given):
    """Half a configuration would send no texts and say nothing; it stops start-up instead."""
    _production(monkeypatch)
    for name, value in given.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match="Text messages need TWILIO_ACCOUNT_SID"):
        load_config()


def test_production_sends_texts_with_all_twilio_settings_and_never_to_a_test_server(monkeypatch):
    _production(monkeypatch)
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", "AC1")
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "t")
    monkeypatch.setenv("TWILIO_MESSAGING_SERVICE_SID", "MG1")
    assert load_config()["TWILIO_MESSAGING_SERVICE_SID"] == "MG1"
    monkeypatch.setenv("TWILIO_API_BASE", "http://127.0.0.1:9")
    with pytest.raises(ConfigError, match="TWILIO_API_BASE is only for tests"):
        load_config()


# --- The agency's look (BRAND_COLOUR, COLLECTOR_LOGO_URL, FAVICON_URL) ------------------------


def test_the_default_brand_colour_carries_white_text(monkeypatch):
    monkeypatch.delenv("BRAND_COLOUR", raising=False)
    _production(monkeypatch)
    assert load_config()["BRAND_COLOUR"] == "#0b5c5a"


def test_a_brand_colour_is_read_from_the_environment(monkeypatch):
    _production(monkeypatch)
    monkeypatch.setenv("BRAND_COLOUR", "#5b2a86")
    assert load_config()["BRAND_COLOUR"] == "#5b2a86"


@pytest.mark.parametrize(("colour", "ratio"), [("#888888", "3.54"), ("#ffbf47", "1.64"), ("#777777", "4.47")])
def test_a_brand_colour_white_text_cannot_be_read_on_stops_start_up(monkeypatch, colour, ratio):
    _production(monkeypatch)
    monkeypatch.setenv("BRAND_COLOUR", colour)
    refusal = rf"BRAND_COLOUR {colour} has a contrast of {ratio}:1 with white text"
    with pytest.raises(ConfigError, match=refusal):
        load_config()


@pytest.mark.parametrize("colour", ["teal", "0b5c5a", "#0b5", "#0b5c5z"])
def test_a_brand_colour_not_written_as_rrggbb_stops_start_up(monkeypatch, colour):
    monkeypatch.setenv("BRAND_COLOUR", colour)
    with pytest.raises(ConfigError, match="write it as #rrggbb"):
        load_config()


@pytest.mark.parametrize("name", ["COLLECTOR_LOGO_URL", "FAVICON_URL"])
@pytest.mark.parametrize("url", ["http://example.com/logo.png", "//example.com/logo.png", "logo.png"])
def test_a_logo_or_favicon_must_be_on_this_site_or_https(monkeypatch, name, url):
    monkeypatch.setenv(name, url)
    with pytest.raises(ConfigError, match=name):
        load_config()


def test_a_logo_and_favicon_may_be_paths_or_https(monkeypatch):
    monkeypatch.setenv("COLLECTOR_LOGO_URL", "https://cdn.example.com/logo.svg")
    monkeypatch.setenv("FAVICON_URL", "/static/favicon.ico")
    config = load_config()
    assert config["COLLECTOR_LOGO_URL"] == "https://cdn.example.com/logo.svg"
    assert config["FAVICON_URL"] == "/static/favicon.ico"
