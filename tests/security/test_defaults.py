"""Safe by default: with PORTAL_ENV unset the portal is production, and production refuses weak
settings instead of quietly running on a secret anyone can read in the source."""

from __future__ import annotations

import re
import secrets
import subprocess
import sys

import pytest
from itsdangerous import URLSafeSerializer

from portal import create_app
from portal.config import DEV_SECRET, ConfigError, load_config
from portal.extensions import db
from portal.notify import optout
from tests.helpers.scale import figure
from tests.helpers.servers import ROOT
from tests.helpers.settings import app_config

REAL_SECRET = secrets.token_hex(32)
PRODUCTION_SETTINGS = {
    "SECRET_KEY": REAL_SECRET,
    "STRIPE_SECRET_KEY": "sk_test_x",
    "STRIPE_PUBLISHABLE_KEY": "pk_test_x",
    "STRIPE_WEBHOOK_SECRET": "whsec_x",
    "SMTP_HOST": "127.0.0.1",
}


@pytest.fixture
def unset_environment(monkeypatch):
    """A machine where nobody set PORTAL_ENV (the test harness sets it; an operator may not)."""
    monkeypatch.delenv("PORTAL_ENV", raising=False)
    for name in ("SECRET_KEY", *PRODUCTION_SETTINGS, "RATELIMIT_STORAGE_URI", "REDIS_URL", "WEB_CONCURRENCY"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def _without_env(settings: dict) -> dict:
    return {key: value for key, value in settings.items() if key != "PORTAL_ENV"}


@pytest.fixture
def production_app(unset_environment, database_url, localstripe, mail_server):
    """The portal as an operator who set only the required settings would run it."""
    app = create_app(
        {**_without_env(app_config(database_url, localstripe, mail_server)), "SECRET_KEY": REAL_SECRET}
    )
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_unset_portal_env_means_production(unset_environment):
    for name, value in PRODUCTION_SETTINGS.items():
        unset_environment.setenv(name, value)
    config = load_config()
    assert config["PORTAL_ENV"] == "production"
    assert config["SESSION_COOKIE_SECURE"] is True


def test_unset_portal_env_will_not_start_on_the_development_secret(unset_environment, database_url):
    """The attack: a token forged with the published development secret. The portal must not start."""
    for name, value in PRODUCTION_SETTINGS.items():
        if name != "SECRET_KEY":
            unset_environment.setenv(name, value)
    with pytest.raises(ConfigError, match="SECRET_KEY is not set"):
        create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    unset_environment.setenv("SECRET_KEY", DEV_SECRET)
    with pytest.raises(ConfigError, match="development placeholder"):
        create_app({"SQLALCHEMY_DATABASE_URI": database_url})


def test_an_opt_out_token_forged_with_the_development_secret_is_refused(production_app, make_account):
    account = make_account()
    forged = URLSafeSerializer(DEV_SECRET, salt=optout.SALT).dumps([account.debtor.id, "email"])
    attacker = production_app.test_client()
    assert attacker.get(f"/stop/{forged}").status_code == 404
    assert attacker.post(f"/stop/{forged}").status_code == 404


def test_production_refuses_a_secret_key_shorter_than_32_bytes(unset_environment):
    for name, value in PRODUCTION_SETTINGS.items():
        unset_environment.setenv(name, value)
    lengths = (1, 8, 16, 24, 31, 30)
    for length in lengths:
        unset_environment.setenv("SECRET_KEY", "k" * length)
        with pytest.raises(ConfigError, match="shorter than 32 bytes"):
            load_config()
    # Bytes, not characters: 11 three-byte characters are 33 bytes, 10 are 30.
    unset_environment.setenv("SECRET_KEY", "密" * 10)
    with pytest.raises(ConfigError, match="shorter than 32 bytes"):
        load_config()
    unset_environment.setenv("SECRET_KEY", "密" * 11)
    assert load_config()["SECRET_KEY"] == "密" * 11
    figure("security", "short secret keys refused", len(lengths) + 1, "cases")


def test_a_secret_of_32_bytes_is_enough(unset_environment):
    for name, value in PRODUCTION_SETTINGS.items():
        unset_environment.setenv(name, value)
    unset_environment.setenv("SECRET_KEY", "k" * 32)
    assert load_config()["SECRET_KEY"] == "k" * 32


@pytest.mark.parametrize("missing", ["STRIPE_WEBHOOK_SECRET", "SMTP_HOST"])
def test_production_refuses_a_missing_webhook_secret_or_mail_server(unset_environment, missing):
    for name, value in PRODUCTION_SETTINGS.items():
        if name != missing:
            unset_environment.setenv(name, value)
    with pytest.raises(ConfigError, match=missing):
        load_config()


def test_a_misspelt_portal_env_is_refused_rather_than_guessed(unset_environment):
    unset_environment.setenv("PORTAL_ENV", "prod")
    with pytest.raises(ConfigError, match="PORTAL_ENV"):
        load_config()


def test_development_is_only_what_is_asked_for(unset_environment):
    unset_environment.setenv("PORTAL_ENV", "development")
    config = load_config()
    assert config["SECRET_KEY"] == DEV_SECRET
    assert config["SESSION_COOKIE_SECURE"] is False


def test_production_session_cookie_is_secure_and_pages_demand_https(
    production_app, make_account, localstripe
):
    from portal.links import service

    account = make_account()
    with production_app.app_context():
        link = service.issue(db.session.merge(account))
        db.session.commit()
        path = f"/l/{service.token_for(link)}"
    response = production_app.test_client().get(path)
    assert response.status_code == 303
    cookie = response.headers["Set-Cookie"]
    assert re.search(r";\s*Secure", cookie), cookie
    assert "HttpOnly" in cookie
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_plain_import_of_wsgi_with_nothing_set_refuses_to_start():
    """`gunicorn wsgi:app` on a machine where nobody set anything: production, so no start."""
    env = {"PATH": "/usr/bin:/bin"}
    result = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", "import wsgi"], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr
