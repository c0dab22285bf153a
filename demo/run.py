"""Run the portal with demo data, a localstripe server and a mail catcher, all on this machine.

Prints, for each demo person, the magic link and the answer to the identity question.
"""

from __future__ import annotations

import csv
import os
import signal
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HOST = os.environ.get("DEMO_HOST", "127.0.0.1")
PORT = int(os.environ.get("DEMO_PORT", "5000"))
STRIPE_PORT = int(os.environ.get("DEMO_STRIPE_PORT", "8420"))
SMTP_PORT = int(os.environ.get("DEMO_SMTP_PORT", "8025"))
WEBHOOK_SECRET = "whsec_demo_only"  # noqa: S105 - localstripe's demo secret, not a real one


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


def _start_task_runner(instance: Path):
    """A Huey consumer sends what the outbox queues (and runs the scheduled jobs), as in production.
    It starts once the schema exists, on an empty queue file, so nothing from an earlier demo goes."""
    import subprocess

    for leftover in instance.glob("tasks.db*"):
        leftover.unlink()
    return subprocess.Popen(  # noqa: S603 - the task runner of this project
        [sys.executable, "-m", "huey.bin.huey_consumer", "portal.tasks.huey", "--workers", "2", "--quiet"],
        cwd=ROOT,
    )


def main() -> None:
    from tests.helpers.servers import LocalStripe, wait_for_http  # noqa: F401 - same helpers as the tests

    instance = ROOT / "instance"
    instance.mkdir(exist_ok=True)
    database = instance / "demo.db"
    database.unlink(missing_ok=True)
    stripe_url = f"http://127.0.0.1:{STRIPE_PORT}"
    os.environ.update(
        {
            "PORTAL_ENV": "development",
            "DATABASE_URL": f"sqlite:///{database}",
            "PORTAL_BASE_URL": f"http://{HOST}:{PORT}",
            "STRIPE_SECRET_KEY": "sk_test_demo",
            "STRIPE_PUBLISHABLE_KEY": "pk_test_demo",
            "STRIPE_API_BASE": stripe_url,
            "STRIPE_JS_URL": f"{stripe_url}/js.stripe.com/v3/",
            "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(SMTP_PORT),
        }
    )

    import subprocess
    import urllib.request

    from aiosmtpd.controller import Controller

    stripe = subprocess.Popen(  # noqa: S603 - our own dev dependency
        [sys.executable, "-m", "tests.helpers.localstripe_server", "--port", str(STRIPE_PORT)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    mail = Controller(PrintingMailbox(), hostname="127.0.0.1", port=SMTP_PORT)
    mail.start()
    tasks = None

    def stop(*_):
        stripe.terminate()
        if tasks:
            tasks.terminate()
        mail.stop()
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    try:
        wait_for_http(f"{stripe_url}/v1/customers")
        hook = urllib.request.Request(  # noqa: S310 - loopback only
            f"{stripe_url}/_config/webhooks/portal",
            method="POST",
            data=f"url=http://{HOST}:{PORT}/stripe/webhook&secret={WEBHOOK_SECRET}".encode(),
        )
        urllib.request.urlopen(hook, timeout=5).close()  # noqa: S310 - loopback only

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
            rows = list(csv.DictReader(open(ROOT / "demo" / "accounts.csv", encoding="utf-8")))
            print("\nDemo people — open a link in a browser, then answer the identity question:\n")
            for row in rows:
                account = db.session.scalar(db.select(Account).where(Account.reference == row["reference"]))
                link = links.issue(account)
                db.session.commit()
                if row["date_of_birth"]:
                    year, month, day = row["date_of_birth"].split("-")
                    answer = f"date of birth: day {int(day)}, month {int(month)}, year {year}"
                else:
                    answer = f"postal code: {row['postal_code']}"
                print(
                    f"  {row['full_name']} ({row['creditor_name']}, {row['reference']}, "
                    f"language {row['language'] or 'from browser'})"
                )
                print(f"    link:   {links.url_for_link(link)}")
                print(f"    answer: {answer}\n")
        tasks = _start_task_runner(instance)
        print("Send a link as a collector would (in another terminal; texts are printed, not sent):")
        settings = " ".join(
            f"{name}={os.environ[name]}" for name in ("PORTAL_ENV", "DATABASE_URL", "SMTP_HOST", "SMTP_PORT")
        )
        first = rows[0]
        print(f"  {settings} \\\n    .venv/bin/flask --app wsgi send-link {first['reference']} --channel sms")
        print("  (--channel email, or send-links --creditor SLUG --never-contacted for a campaign)\n")
        print("Test cards (any future expiry such as 12 / 30, any 3-digit code, any postal code):")
        print("  4242424242424242 pays; 4000002500003155 asks for 3-D Secure; 4000000000000341 is declined.")
        with app.app_context():
            _demo_staff()
        print(
            "Emails and text messages the portal sends are printed below. "
            f"Portal: http://{HOST}:{PORT}/  (Ctrl+C stops)\n",
            flush=True,
        )
        app.run(host=HOST, port=PORT, debug=False, use_reloader=False)
    finally:
        stripe.terminate()
        if tasks:
            tasks.terminate()
        mail.stop()


#: The demo's staff sign in with this password (a demo only: real staff choose theirs on set-up).
DEMO_STAFF_PASSWORD = "demo-console-lantern-2026"  # noqa: S105 - printed for the demo


def _demo_staff() -> None:
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
    print(f"Staff console: http://{HOST}:{PORT}/console/")
    print("  sign in as admin@demo.example, supervisor@demo.example or agent@demo.example,")
    print(f"  password {DEMO_STAFF_PASSWORD}; the code from an authenticator app with the key {secret},")
    print(f"  or from: .venv/bin/python -c \"import pyotp; print(pyotp.TOTP('{secret}').now())\"\n")


if __name__ == "__main__":
    main()
