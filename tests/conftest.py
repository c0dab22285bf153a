"""Fixtures: a migrated database per test (SQLite, or PostgreSQL when asked), the app, real
localstripe and SMTP servers, and factories for the things tests need."""

from __future__ import annotations

import os
import shutil
import uuid
from datetime import date

import psycopg
import pytest
from flask import Flask, g, request_started
from sqlalchemy import text

from portal import create_app
from portal.extensions import db
from portal.models import Account, Creditor, Debtor
from tests.helpers.databases import empty_tables
from tests.helpers.mail import MailServer
from tests.helpers.page_check import PageCheckingClient
from tests.helpers.servers import LocalStripe
from tests.helpers.settings import app_config
from tests.helpers.sms_standin import TwilioStandIn
from tests.helpers.staff import console_sign_in, make_staff  # noqa: F401 - fixtures for the console tests
from tests.helpers.tiers import mark_serial

# The portal is production unless told otherwise; the tests (and every server or CLI they start,
# which inherit this environment) ask for the test settings.
os.environ["PORTAL_ENV"] = "test"

# Every app's test client checks each page it fetches (title, one h1, language, no English left
# on a translated page), so every test that opens a page checks it without asking.
Flask.test_client_class = PageCheckingClient

POSTGRES_SERVER = os.environ.get("TEST_POSTGRES_SERVER", "")  # e.g. postgresql://postgres@127.0.0.1:5432
# Under pytest-xdist each worker (gw0, gw1, ...) runs its own session: its own servers and database.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.hookimpl(tryfirst=True)  # before -m and pytest-xdist read the marks
def pytest_collection_modifyitems(config, items):
    """Races, their own servers and the browser are marked `serial` (tests/helpers/tiers.py)."""
    mark_serial(items)


@pytest.fixture(scope="session")
def localstripe():
    server = LocalStripe()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def mail_server():
    server = MailServer()
    yield server
    server.stop()


@pytest.fixture
def mailbox(mail_server):
    mail_server.clear()
    return mail_server


@pytest.fixture(scope="session")
def twilio_standin():
    server = TwilioStandIn()
    yield server
    server.stop()


@pytest.fixture
def texts(twilio_standin, app):
    """The app sends texts through the Twilio stand-in (tests/helpers/sms_standin.py), emptied."""
    twilio_standin.clear()
    app.config.update(twilio_standin.settings())
    return twilio_standin


@pytest.fixture(scope="session")
def _migrated_template(tmp_path_factory, localstripe, mail_server):
    """Migrate once; each test then gets a copy (SQLite) or emptied tables (PostgreSQL)."""
    if POSTGRES_SERVER:
        name = f"portal_test_{WORKER}_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(POSTGRES_SERVER + "/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        url = POSTGRES_SERVER.replace("postgresql://", "postgresql+psycopg://") + "/" + name
        _upgrade(url, localstripe, mail_server)
        yield ("postgresql", url)
        with psycopg.connect(POSTGRES_SERVER + "/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        path = tmp_path_factory.mktemp("db") / "template.db"
        _upgrade(f"sqlite:///{path}", localstripe, mail_server)
        yield ("sqlite", str(path))


def _upgrade(url, localstripe, mail_server):
    from flask_migrate import upgrade

    app = create_app(app_config(url, localstripe, mail_server))
    with app.app_context():
        upgrade()
        db.engine.dispose()


@pytest.fixture
def database_url(_migrated_template, tmp_path):
    kind, where = _migrated_template
    if kind == "sqlite":
        copy = tmp_path / "portal.db"
        shutil.copyfile(where, copy)
        return f"sqlite:///{copy}"
    return where


@pytest.fixture
def app(database_url, localstripe, mail_server):
    app = create_app(app_config(database_url, localstripe, mail_server))
    with app.app_context():
        if database_url.startswith("postgresql"):
            empty_tables()  # only the tables with rows, and used sequences (tests/helpers/databases.py)
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def fresh_g_per_request(request):
    """Start every test-client request with an empty `g`, as each real request gets.

    The app fixture keeps one app context pushed for the whole test and Flask reuses it for
    the client's requests, so `g` (and Flask-Babel's cached locale on it) would carry over.
    """
    if "app" not in request.fixturenames:
        yield
        return
    app = request.getfixturevalue("app")

    def clear(sender, **extra):
        g.__dict__.clear()

    request_started.connect(clear, app)
    yield
    request_started.disconnect(clear, app)


@pytest.fixture(autouse=True)
def task_queue():
    """Huey in immediate mode on an emptied in-memory queue, so no test writes the instance's task
    file. A task queued for later (a retry) waits in the schedule until a test runs it."""
    from portal.tasks import huey

    huey.immediate = True
    huey.storage.flush_all()
    yield huey
    huey.storage.flush_all()
    huey.immediate = False


@pytest.fixture
def table_rows(app):
    """Every row of every table, to show exactly what a request changed (and nothing more)."""

    def take() -> dict[str, list[tuple]]:
        db.session.expire_all()
        rows = {}
        for table in db.metadata.sorted_tables:
            if table.name == "timeline_heads":
                continue  # the head moves with every event appended; the events are compared
            order = ", ".join(column.name for column in table.primary_key.columns)
            query = text(f"SELECT * FROM {table.name} ORDER BY {order}")
            rows[table.name] = [tuple(row) for row in db.session.execute(query)]
        return rows

    return take


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_account(app):
    """Create an account (and its creditor and debtor) with sensible defaults."""

    def make(
        reference="ACC-1",
        creditor_slug="acme",
        creditor_name="Acme Bank",
        *,
        full_name="Jane Doe",
        email="jane@example.com",
        date_of_birth=date(1980, 3, 27),
        postal_code="62701",
        currency="USD",
        principal=100000,
        interest=5025,
        fees=1000,
        language=None,
    ) -> Account:
        creditor = db.session.scalar(db.select(Creditor).where(Creditor.slug == creditor_slug))
        if creditor is None:
            creditor = Creditor(slug=creditor_slug, name=creditor_name)
        debtor = Debtor(
            full_name=full_name,
            email=email,
            date_of_birth=date_of_birth,
            postal_code=postal_code,
            language=language,
        )
        account = Account(
            creditor=creditor,
            debtor=debtor,
            reference=reference,
            currency=currency,
            principal=principal,
            interest=interest,
            fees=fees,
        )
        db.session.add(account)
        db.session.commit()
        return account

    return make


@pytest.fixture
def issue_link(app):
    """Issue a link for an account and return the path that opens it (/l/<token>)."""
    from portal.links import service

    def issue(account, days=None):
        link = service.issue(account, days=days)
        db.session.commit()
        return f"/l/{service.token_for(link)}"

    return issue


@pytest.fixture
def sign_in(client, issue_link):
    """Open a fresh link for the account and pass the identity check, as the debtor would."""

    def sign(account):
        client.get(issue_link(account))
        dob = account.debtor.date_of_birth
        if dob:
            answer = {"day": str(dob.day), "month": str(dob.month), "year": str(dob.year)}
        else:
            answer = {"postal_code": account.debtor.postal_code}
        response = client.post("/verify", data=answer)
        assert response.status_code == 303 and response.headers["Location"].endswith("/account")
        return client

    return sign
