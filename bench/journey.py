"""Benchmark: the whole debtor journey under load, many debtors at once, with a bare Flask "hello"
under the same Locust settings in the same run as the baseline.

    python -m bench.journey [--database postgresql://user@host:port] [--users 50] [--spawn-rate 10]
                            [--seconds 60] [--workers 2] [--hello-seconds 10]

It makes a fresh database (PostgreSQL when --database names a server, else a SQLite file) with one
account, person and link for each journey that could run, serves the portal with production
settings by gunicorn behind an imagined TLS proxy, and starts localstripe as the Stripe stand-in.
Locust (its own process: it monkey-patches with gevent) then runs --users debtors on loopback for
--seconds, each taking one link after another through: the link, the welcome page, the identity
question and its answer, the overview, the options, the card page, the card confirmed at the
Stripe stand-in as Stripe.js would, the payment in full, and the receipt.

It reports, per step: requests, failures, p50 and p99 in ms (Locust's); server errors from the
server's own logs (5xx answers, errors logged); and, from the database and the stand-in, that each
journey that reached its receipt paid exactly once. Target: 0 errors, 0 server errors of any kind.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from collections import Counter
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import cli  # noqa: E402 - after the checkout is importable
from bench.campaign import _database  # noqa: E402 - after the checkout is importable
from bench.journey_records import DATE_OF_BIRTH, make_debtors, payments_check  # noqa: E402
from bench.pages import _free_port, _wait_for, portal_settings  # noqa: E402

LOCUSTFILE = ROOT / "bench" / "journey_locustfile.py"
STEPS = (
    "link",
    "welcome",
    "verify-question",
    "verify-answer",
    "overview",
    "options",
    "pay-page",
    "stripe-confirm-card",
    "pay-submit",
    "receipt",
)
#: Lines of the server's stderr that report a fault: gunicorn's and Flask's error records, and tracebacks.
_LOGGED_ERROR = re.compile(
    r"\[(ERROR|CRITICAL)\]|\bERROR in\b|\bCRITICAL in\b|^Traceback|WORKER TIMEOUT", re.M
)


def _serve(stack: ExitStack, command: list[str], env: dict, url: str, log: Path) -> subprocess.Popen:
    """Start *command* with its output in *log* (a pipe nobody reads would stall it under load)."""
    output = log.open("wb")
    process = subprocess.Popen(  # noqa: S603 - our own commands
        command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
    )

    def stop():
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        output.close()

    stack.callback(stop)
    _wait_for(url, process)
    return process


def _gunicorn(port: int, app: str, workers: int, folder: Path, name: str) -> list[str]:
    return [
        *(sys.executable, "-m", "gunicorn", app, "-w", str(workers), "-b", f"127.0.0.1:{port}"),
        *("--log-level", "warning", "--access-logfile", str(folder / f"{name}-access.log")),
        *("--access-logformat", '%(s)s "%(m)s %(U)s"'),
    ]


def locust(user_class: str, host: str, options, seconds: int, folder: Path, env: dict) -> dict:
    """Run Locust headless in its own process; returns the figures its locustfile wrote at the end:
    per request name, requests, failures, p50 and p99; and each kind of failure and exception."""
    figures = folder / f"{user_class.lower()}-figures.json"
    command = [
        *(sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "--only-summary"),
        *("-u", str(options.users), "-r", str(options.spawn_rate), "-t", f"{seconds}s"),
        # A journey under way when time is up is let finish, so no payment is left half-reported.
        *("--stop-timeout", "60", "--host", host, "--loglevel", "WARNING", user_class),
    ]
    log = folder / f"locust-{user_class.lower()}.log"
    with log.open("wb") as output:
        subprocess.run(  # noqa: S603 - our own command
            command,
            cwd=ROOT,
            env={**env, "BENCH_JOURNEY_STATS": str(figures)},
            stdout=output,
            stderr=subprocess.STDOUT,
            timeout=seconds + 180,
            check=False,  # Locust answers 1 when any request failed: the figures say which
        )
    if not figures.exists():
        raise RuntimeError(f"Locust wrote no figures:\n{log.read_text()[-3000:]}")
    return json.loads(figures.read_text())


def server_errors(folder: Path, name: str) -> tuple[int, list[str]]:
    """(5xx answers in the access log, lines of the server's output that report an error)."""
    statuses = [line.split(" ", 1)[0] for line in (folder / f"{name}-access.log").read_text().splitlines()]
    logged = [
        line for line in (folder / f"{name}.log").read_text().splitlines() if _LOGGED_ERROR.search(line)
    ]
    return sum(status.startswith("5") for status in statuses), logged


def run(options) -> dict:
    url, drop = _database(options.database)
    folder = Path(tempfile.mkdtemp(prefix="portal-bench-journey-"))
    figures: dict = {}
    with ExitStack() as stack:
        stack.callback(drop)
        if url.startswith("sqlite:///"):
            stack.callback(shutil.rmtree, Path(url.removeprefix("sqlite:///")).parent, ignore_errors=True)
        stripe_port, portal_port, hello_port = _free_port(), _free_port(), _free_port()
        stripe_url = f"http://127.0.0.1:{stripe_port}"
        (folder / "instance").mkdir()
        settings = portal_settings(url, stripe_url, str(folder / "instance"))
        # In production a TLS proxy stands in front and says, for each request, that it came over
        # HTTPS and from whom; the simulated debtors say it for themselves on loopback.
        settings["TRUSTED_PROXY_HOPS"] = "1"
        env = {**os.environ, **settings}
        _serve(
            stack,
            [sys.executable, "-m", "tests.helpers.localstripe_server", "--port", str(stripe_port)],
            env,
            f"{stripe_url}/v1/customers",
            folder / "localstripe.log",
        )
        os.environ.update(settings)
        from flask_migrate import upgrade

        from portal import create_app

        app = create_app()
        with app.app_context():
            upgrade()
        # Twice what one journey a second per debtor would use: a debtor's journey takes longer.
        links = make_debtors(app, options.links or 2 * options.users * options.seconds)
        links_file = folder / "links.json"
        links_file.write_text(
            json.dumps(
                {
                    "date_of_birth": DATE_OF_BIRTH.isoformat(),
                    "stripe": stripe_url,
                    "publishable_key": settings["STRIPE_PUBLISHABLE_KEY"],
                    "links": links,
                }
            )
        )
        done = folder / "journeys.jsonl"
        done.touch()
        locust_env = {**env, "BENCH_JOURNEY_LINKS": str(links_file), "BENCH_JOURNEY_DONE": str(done)}
        _serve(
            stack,
            _gunicorn(portal_port, "wsgi:app", options.workers, folder, "portal"),
            env,
            f"http://127.0.0.1:{portal_port}/",
            folder / "portal.log",
        )
        journey = locust(
            "Debtor", f"http://127.0.0.1:{portal_port}", options, options.seconds, folder, locust_env
        )
        figures["steps"] = journey["steps"]
        figures["failure kinds"] = Counter(journey["failures"]) + Counter(journey["exceptions"])
        figures["failures"] = sum(figures["failure kinds"].values())
        figures["server errors (5xx)"], logged = server_errors(folder, "portal")
        figures["errors logged by the server"] = len(logged)
        figures["logged"] = logged[:10]
        journeys = [json.loads(line) for line in done.read_text().splitlines()]
        figures["journeys completed"] = len(journeys)
        figures["journeys a second"] = round(len(journeys) / options.seconds, 1)
        figures["links made"] = len(links)
        figures["links used"] = f"{_started(journey['steps'])} of {len(links)}"
        figures.update(payments_check(app, journeys, stripe_url, settings["STRIPE_SECRET_KEY"]))
        if options.hello_seconds:
            _serve(
                stack,
                _gunicorn(hello_port, "bench.hello:app", options.workers, folder, "hello"),
                env,
                f"http://127.0.0.1:{hello_port}/",
                folder / "hello.log",
            )
            hello = locust(
                "Hello", f"http://127.0.0.1:{hello_port}", options, options.hello_seconds, folder, locust_env
            )
            figures["hello"] = hello["steps"].get("hello")
    if target_met(figures):
        shutil.rmtree(folder, ignore_errors=True)
    else:
        figures["logs kept in"] = str(folder)  # the servers' and Locust's, to find the cause
    return figures


def target_met(figures: dict) -> bool:
    """Issue 16's target: no step failed, no server error of any kind, nobody charged twice."""
    return not (
        figures["failures"]
        or figures["server errors (5xx)"]
        or figures["errors logged by the server"]
        or figures["charged twice"]
        or figures["journeys without their one payment"]
    )


def _started(rows: dict) -> int:
    first = rows.get(STEPS[0])
    return first["requests"] if first else 0


def _row(name: str, row: dict | None) -> str:
    row = row or {"requests": 0, "failures": 0, "p50": None, "p99": None}
    p50, p99 = ("-" if value is None else f"{value:.0f}" for value in (row["p50"], row["p99"]))
    return f"{name:<22} {row['requests']:>9} {row['failures']:>9} {p50:>8} {p99:>8}"


def report(figures: dict, options) -> str:
    database = "PostgreSQL" if options.database else "SQLite"
    lines = [
        f"journey under load: {options.users} debtors (spawned {options.spawn_rate}/s) for "
        f"{options.seconds} s, gunicorn {options.workers} workers, {database}, Locust on loopback",
        f"{'step':<22} {'requests':>9} {'failures':>9} {'p50 ms':>8} {'p99 ms':>8}",
    ]
    lines += [_row(step, figures["steps"].get(step)) for step in STEPS]
    lines.append(_row("all-steps", figures["steps"].get("Aggregated")))
    if "hello" in figures:
        lines.append(_row("hello-baseline", figures["hello"]) + f"   (bare Flask, {options.hello_seconds} s)")
    for name in (
        "failures",
        "server errors (5xx)",
        "errors logged by the server",
        "journeys completed",
        "journeys a second",
        "payments recorded",
        "charges at the Stripe stand-in",
        "charged twice",
        "journeys without their one payment",
        "links used",
    ):
        lines.append(f"{name}  {figures[name]}")
    if figures["links used"].startswith(f"{figures['links made']} "):
        lines.append(
            "  every link was used before the time was up: the last debtors stood idle; raise --links"
        )
    lines.append(f"target (0 errors, 0 server errors)  {'met' if target_met(figures) else 'MISSED'}")
    if "logs kept in" in figures:
        lines.append(f"logs kept in  {figures['logs kept in']}")
    for kind, occurrences in figures["failure kinds"].most_common(10):
        lines.append(f"  failed {occurrences}x  {kind}")
    lines += [f"  logged: {line}" for line in figures["logged"]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict:
    parser = cli.parser(__doc__)
    parser.add_argument("--users", type=int, default=50, help="debtors at once (Locust users)")
    parser.add_argument("--spawn-rate", type=int, default=10, help="debtors started a second")
    parser.add_argument("--seconds", type=int, default=60, help="how long the load lasts")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--links", type=int, help="links made ready (default: 2 x users x seconds)")
    parser.add_argument("--hello-seconds", type=int, default=10, help="the baseline's run; 0 skips it")
    options = parser.parse_args(argv)
    figures = run(options)
    print(report(figures, options))
    return figures


if __name__ == "__main__":
    main()
