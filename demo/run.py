"""Run the portal with demo data, a localstripe server and a mail catcher, all on this machine.

Prints, for each demo person, the magic link and the answer to the identity question.

Each start deletes the demo database and creates it again from demo/accounts.csv. The settings the
portal runs with are written to instance/demo.env, so the collector commands can be run in another
terminal against the demo's own database: `.venv/bin/flask --app wsgi --env-file instance/demo.env
timeline DEMO-1001`.

Settings, from the environment (defaults in brackets):
  DEMO_HOST [127.0.0.1], DEMO_PORT [5000]   where the portal listens
  DEMO_STRIPE_PORT [8420]                   localstripe, on 127.0.0.1
  DEMO_SMTP_PORT [8025]                     the mail catcher, on 127.0.0.1
  PORTAL_INSTANCE_DIR [instance/]           the demo database, the task queue and demo.env
  DEMO_ENV_FILE [<instance>/demo.env]       where the settings for the collector commands go

Ctrl+C (or SIGTERM) stops the portal, the task runner, localstripe and the mail catcher.
"""

from __future__ import annotations

import csv
import errno
import os
import secrets
import signal
import socket
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WEBHOOK_SECRET = "whsec_demo_only"  # noqa: S105 - localstripe's demo secret, not a real one


class DemoError(Exception):
    """Something the person running the demo can fix; printed as a sentence, not a traceback."""


def _port(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip() or str(default)
    try:
        port = int(raw)
    except ValueError:
        raise DemoError(f"{name} is {raw!r}; set it to a port number, such as {name}={default}.") from None
    if not 1 <= port <= 65535:
        raise DemoError(f"{name} is {port}; set it to a port number from 1 to 65535.")
    return port


class Settings:
    """Where the demo listens and keeps its files, from the environment (see the module docstring)."""

    def __init__(self) -> None:
        self.host = os.environ.get("DEMO_HOST", "").strip() or "127.0.0.1"
        self.port = _port("DEMO_PORT", 5000)
        self.stripe_port = _port("DEMO_STRIPE_PORT", 8420)
        self.smtp_port = _port("DEMO_SMTP_PORT", 8025)
        configured = os.environ.get("PORTAL_INSTANCE_DIR", "").strip()
        self.instance = Path(configured).resolve() if configured else ROOT / "instance"
        self.database = self.instance / "demo.db"
        env_file = os.environ.get("DEMO_ENV_FILE", "").strip()
        self.env_file = Path(env_file).resolve() if env_file else self.instance / "demo.env"
        self.stripe_url = f"http://127.0.0.1:{self.stripe_port}"
        self.portal_url = f"http://{self.host}:{self.port}"

    def portal_environment(self) -> dict[str, str]:
        """What the portal, its task runner and the collector commands run with: the same for all."""
        return {
            "PORTAL_ENV": "development",
            "PORTAL_INSTANCE_DIR": str(self.instance),
            "DATABASE_URL": f"sqlite:///{self.database}",
            # A fresh key for each demo: links and sessions from an earlier one stop working with it.
            "SECRET_KEY": secrets.token_hex(32),
            "PORTAL_BASE_URL": self.portal_url,
            "STRIPE_SECRET_KEY": "sk_test_demo",
            "STRIPE_PUBLISHABLE_KEY": "pk_test_demo",
            "STRIPE_API_BASE": self.stripe_url,
            "STRIPE_JS_URL": f"{self.stripe_url}/js.stripe.com/v3/",
            "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(self.smtp_port),
        }

    def check_ports(self) -> None:
        """Say plainly which port is taken and which variable moves it, before starting anything."""
        for name, host, port in (
            ("DEMO_PORT", self.host, self.port),
            ("DEMO_STRIPE_PORT", "127.0.0.1", self.stripe_port),
            ("DEMO_SMTP_PORT", "127.0.0.1", self.smtp_port),
        ):
            problem = _cannot_listen(host, port)
            if problem:
                raise DemoError(
                    f"port {port} on {host} ({name}) {problem}; perhaps another demo is still running.\n"
                    f"Stop it, or choose another port, for example: {name}={port + 1} make demo"
                )


def _cannot_listen(host: str, port: int) -> str | None:
    """Why nothing could listen on host:port now, or None when it could."""
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
    except socket.gaierror:
        return "cannot be used: the host name is not known (check DEMO_HOST)"
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        # As the servers themselves do, so a port a stopped demo left in TIME_WAIT counts as free.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                return "is already in use"
            return f"cannot be used ({error.strerror})"
    return None


def write_env_file(path: Path, environment: dict[str, str]) -> None:
    """KEY=value lines that `flask --env-file` reads (python-dotenv); readable by this user only."""
    lines = [
        f"# The settings of the demo started at {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC (demo/run.py).",
        "# Rewritten each time the demo starts. For the collector commands, in another terminal:",
        f"#   .venv/bin/flask --app wsgi --env-file {_shown(path)} COMMAND",
    ]
    for name, value in environment.items():
        quoted = value.replace("\\", "\\\\").replace('"', '\\"')
        lines.append(f'{name}="{quoted}"')
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")


def _shown(path: Path) -> str:
    """The path as short as it can be typed from the current directory."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


class PrintingMailbox:
    """The demo's mail catcher: every email the portal sends is printed here."""

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd hook
        from email import message_from_bytes, policy

        message = message_from_bytes(envelope.content, policy=policy.default)
        body = message.get_body(preferencelist=("plain",))
        print("\n" + "=" * 72)
        print(f"EMAIL to {message['To']}: {message['Subject']}")
        print("-" * 72)
        print(body.get_content() if body else "(no text part)")
        print("=" * 72 + "\n", flush=True)
        return "250 OK"


def _raise_interrupt(signum, frame):
    """Ctrl+C (SIGINT), and SIGTERM alike, stop the demo: see main()."""
    raise KeyboardInterrupt


class Demo:
    """The demo's parts, so they can be stopped in order whatever point the start reached."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.stripe: subprocess.Popen | None = None
        self.tasks: subprocess.Popen | None = None
        self.mail = None

    def _child(self, arguments: list[str], **options) -> subprocess.Popen:
        # In a session of its own: the terminal's Ctrl+C reaches only this process, which then stops
        # each child in turn (stop()), rather than every process at once with a traceback from each.
        return subprocess.Popen(  # noqa: S603 - this project's own programs
            [sys.executable, *arguments], cwd=ROOT, start_new_session=True, **options
        )

    def start_stripe(self) -> None:
        from tests.helpers.servers import wait_for_http  # the same helpers as the tests

        self.stripe = self._child(
            ["-m", "tests.helpers.localstripe_server", "--port", str(self.settings.stripe_port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_for_http(f"{self.settings.stripe_url}/v1/customers", seconds=60, process=self.stripe)
        except RuntimeError as error:
            raise DemoError(
                f"localstripe did not start on port {self.settings.stripe_port} ({error}). "
                "Choose another port with DEMO_STRIPE_PORT, for example: "
                f"DEMO_STRIPE_PORT={self.settings.stripe_port + 1} make demo"
            ) from None
        import urllib.request

        hook = urllib.request.Request(  # noqa: S310 - loopback only
            f"{self.settings.stripe_url}/_config/webhooks/portal",
            method="POST",
            data=f"url={self.settings.portal_url}/stripe/webhook&secret={WEBHOOK_SECRET}".encode(),
        )
        urllib.request.urlopen(hook, timeout=5).close()  # noqa: S310 - loopback only

    def start_mail(self) -> None:
        from aiosmtpd.controller import Controller

        self.mail = Controller(PrintingMailbox(), hostname="127.0.0.1", port=self.settings.smtp_port)
        self.mail.start()

    def start_tasks(self) -> None:
        """A Huey consumer sends what the outbox queues (and runs the scheduled jobs), as in production.
        It starts once the schema exists, on an empty queue file, so nothing from an earlier demo goes."""
        for leftover in self.settings.instance.glob("tasks.db*"):
            leftover.unlink()
        # One worker: two would build the app at once in one process (portal/tasks.py), which fails.
        # SIGTERM is the graceful stop, so a stop that comes while it is still starting is quiet too.
        self.tasks = self._child(
            ["-m", "huey.bin.huey_consumer", "portal.tasks.huey", "--workers", "1", "--quiet"]
            + ["--graceful-signal", "TERM"]
        )

    def stop(self) -> None:
        """The task runner first (it may be sending through the others), then localstripe, then mail."""
        if self.tasks is not None:
            _stop_process(self.tasks, signal.SIGTERM)  # its graceful stop: finish the task in hand
        if self.stripe is not None:
            _stop_process(self.stripe, signal.SIGTERM)
        if self.mail is not None:
            try:
                self.mail.stop()
            except (AssertionError, RuntimeError):  # not fully started
                pass


def _stop_process(process: subprocess.Popen, first: int, seconds: float = 5) -> None:
    if process.poll() is not None:
        return
    try:
        process.send_signal(first)
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=seconds)


def main() -> int:
    try:
        settings = Settings()
    except DemoError as error:
        print(f"The demo did not start: {error}", file=sys.stderr)
        return 1
    print(
        f"make demo starts afresh: it deletes the demo database ({_shown(settings.database)}) and "
        "creates it again\nfrom demo/accounts.csv each time it starts, so nothing from an earlier "
        "demo is kept.\n",
        flush=True,
    )
    # Even when started with SIGINT ignored (in the background of a script), Ctrl+C stops the demo.
    signal.signal(signal.SIGINT, _raise_interrupt)
    signal.signal(signal.SIGTERM, _raise_interrupt)
    demo = Demo(settings)
    problem = None
    try:
        settings.check_ports()
        _run(demo)
    except KeyboardInterrupt:
        pass
    except DemoError as error:
        problem = error
    finally:
        # A second Ctrl+C while stopping would leave children behind; let this stop finish.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        demo.stop()
    sys.stdout.flush()
    if problem is not None:
        print(f"The demo did not start: {problem}", file=sys.stderr, flush=True)
        return 1
    print("\nDemo stopped.", flush=True)
    return 0


def _run(demo: Demo) -> None:
    settings = demo.settings
    settings.instance.mkdir(parents=True, exist_ok=True)
    for old in settings.instance.glob("demo.db*"):  # the database and any journal it left
        old.unlink()
    environment = settings.portal_environment()
    os.environ.update(environment)  # the portal here, and the task runner, which inherits it
    write_env_file(settings.env_file, environment)

    demo.start_stripe()
    demo.start_mail()

    from flask_migrate import upgrade

    from portal import create_app
    from portal.collector.importer import import_accounts
    from portal.extensions import db
    from portal.links import service as links
    from portal.models import Account

    app = create_app()
    with app.app_context():
        upgrade()
        with open(ROOT / "demo" / "accounts.csv", encoding="utf-8") as handle:
            print("Imported demo accounts:", import_accounts(handle).summary())
        with open(ROOT / "demo" / "accounts.csv", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        print("\nDemo people — open a link in a browser, then answer the identity question:\n")
        for row in rows:
            account = db.session.scalar(db.select(Account).where(Account.reference == row["reference"]))
            link = links.issue(account)
            db.session.commit()
            if row["date_of_birth"]:
                year, month, day = row["date_of_birth"].split("-")
                # In the order the form asks for it from a US reader: month, day, year.
                answer = f"date of birth: month {int(month)}, day {int(day)}, year {year}"
            else:
                answer = f"postal code: {row['postal_code']}"
            print(
                f"  {row['full_name']} ({row['creditor_name']}, {row['reference']}, "
                f"language {row['language'] or 'from browser'})"
            )
            print(f"    link:   {links.url_for_link(link)}")
            print(f"    answer: {answer}\n")
    demo.start_tasks()
    env_file = _shown(settings.env_file)
    flask = f"{_shown(Path(sys.executable).parent / 'flask')} --app wsgi --env-file {env_file}"
    first = rows[0]["reference"]
    print(f"Collector commands, in another terminal (the demo's settings are in {env_file}):")
    print(f"  {flask} timeline {first}")
    print(f"  {flask} send-link {first} --channel sms")
    print("  (run them from this directory; emails arrive in this terminal, texts are printed by the")
    print("  command, not sent; --channel email, or send-links --creditor SLUG --never-contacted)\n")
    print("Test cards (any future expiry such as 12 / 30, any 3-digit code, any postal code):")
    print("  4242424242424242 pays; 4000002500003155 asks for 3-D Secure; 4000000000000341 is declined.")
    with app.app_context():
        _demo_staff(settings)
    print(
        "Emails and text messages the portal sends are printed below. "
        f"Portal: {settings.portal_url}/  (Ctrl+C stops)\n",
        flush=True,
    )
    try:
        app.run(host=settings.host, port=settings.port, debug=False, use_reloader=False)
    except SystemExit as error:  # Werkzeug says why it could not listen, then exits
        if error.code:
            raise DemoError(
                f"the portal could not listen on {settings.host}:{settings.port}. Choose another port "
                f"with DEMO_PORT (or another host with DEMO_HOST), for example: "
                f"DEMO_PORT={settings.port + 1} make demo"
            ) from None
        raise


#: The demo's staff sign in with this password (a demo only: real staff choose theirs on set-up).
DEMO_STAFF_PASSWORD = "demo-console-lantern-2026"  # noqa: S105 - printed for the demo


def _demo_staff(settings: Settings) -> None:
    """An admin, a supervisor and an agent, set up, and how to sign in as each."""
    from portal.console import credentials, staff_admin
    from portal.extensions import db
    from portal.models import StaffRole

    secret = credentials.new_totp_secret()
    for role in (StaffRole.ADMIN, StaffRole.SUPERVISOR, StaffRole.AGENT):
        person, _token = staff_admin.create(f"{role.value}@demo.example", role, [])
        person.password_hash = credentials.hash_password(DEMO_STAFF_PASSWORD)
        person.totp_secret = secret  # one key for the three, so one command gives every code
        person.setup_token_hash = person.setup_expires_at = None
    db.session.commit()
    print(f"Staff console: {settings.portal_url}/console/")
    print("  sign in as admin@demo.example, supervisor@demo.example or agent@demo.example,")
    print(f"  password {DEMO_STAFF_PASSWORD}; the code from an authenticator app with the key {secret},")
    print(f"  or from: .venv/bin/python -c \"import pyotp; print(pyotp.TOTP('{secret}').now())\"\n")


if __name__ == "__main__":
    sys.exit(main())
