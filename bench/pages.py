"""Benchmark: a signed-in debtor's pages served by gunicorn, against a bare Flask "hello" served by
the same gunicorn settings in the same run.

    python -m bench.pages [--database postgresql://user@host:port] [--seconds 10] [--connections 32]
                          [--workers 2]

It makes a fresh database (PostgreSQL when --database names a server, else a SQLite file), a
debtor with a part payment and a plan chosen but not yet agreed, and signs them in through the
real link and identity question. Then, for the overview, the options, the plan check page, "About
this debt" and the receipt, with the portal in production settings:

* wrk (32 connections, 2 threads, --latency) against each page, and against the "hello" app:
  requests per second, the ratio to "hello", p50 and p99 latency, non-2xx answers;
* SQL statements per request, counted in the benchmark's own process on one request of each page;
* page weight: the HTML as the server sends it to a browser that accepts gzip, plus our own CSS and
  JavaScript the page links to (Stripe.js aside), each compressed as it is sent;
  wrk and the weight both send what a browser sends moving between the portal's pages;
* memory of each gunicorn worker after the load: resident, proportional and private.

Absolute numbers depend on the machine; the ratios are what to compare between runs.
"""

from __future__ import annotations

import gzip
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import ExitStack
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import cli  # noqa: E402 - after the checkout is importable
from bench.campaign import _database  # noqa: E402 - after the checkout is importable

#: The plan check page asks the Stripe stand-in for the visit's SetupIntent on every view, and
#: localstripe (one process, built for tests) stops answering after some seconds of that load,
#: holding both workers until the client's timeout: that page goes last, so that it cannot hold up
#: the measurement of the pages after it (bench/RESULTS.md).
PAGES = {
    "overview": "/account",
    "options": "/options",
    "about this debt": "/about-this-debt",
    "receipt": "/receipt/{payment}",
    "plan check": "/plan/review",
}
_WRK_LINE = re.compile(r"Requests/sec:\s+([\d.]+)")
_NON_2XX = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
_ERRORS = re.compile(r"Socket errors: (.*)")
_PERCENTILE = re.compile(r"^\s+(50|99)(?:\.000)?%\s+([\d.]+)(us|ms|s)\s*$", re.M)
_UNIT = {"us": 0.001, "ms": 1.0, "s": 1000.0}
#: Where the in-process client says it is: production cookies are Secure, so HTTPS.
BASE = "https://127.0.0.1"
#: What a browser moving between the portal's own pages sends: it accepts gzip, and says the
#: request came from the portal (portal/compression.py compresses pages only then).
BROWSER = {"Accept-Encoding": "gzip", "Sec-Fetch-Site": "same-origin"}


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(url: str, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} stopped before it served {url}")
        try:
            urllib.request.urlopen(url, timeout=1)  # noqa: S310 - loopback only
            return
        except urllib.error.HTTPError:
            return  # it answers: a 404 or 302 is an answer
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing answered at {url} within {seconds} s")


def _start(stack: ExitStack, command: list[str], env: dict, url: str) -> subprocess.Popen:
    process = subprocess.Popen(  # noqa: S603 - our own commands
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
    )

    def stop():
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)

    stack.callback(stop)
    _wait_for(url, process)
    return process


def portal_settings(url: str, stripe_url: str, instance: str) -> dict[str, str]:
    """Production settings, as a deployment would have them, on this machine's services."""
    return {
        "PORTAL_ENV": "production",
        "SECRET_KEY": secrets.token_hex(32),
        "DATABASE_URL": url,
        "PORTAL_INSTANCE_DIR": instance,
        "PORTAL_BASE_URL": "https://127.0.0.1",
        "STRIPE_SECRET_KEY": "sk_test_bench",
        "STRIPE_PUBLISHABLE_KEY": "pk_test_bench",
        "STRIPE_WEBHOOK_SECRET": "whsec_bench",
        "STRIPE_API_BASE": stripe_url,
        "STRIPE_JS_URL": f"{stripe_url}/js.stripe.com/v3/",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(_free_port()),  # nothing listens: the pages measured send no mail
        "RATELIMIT_STORAGE_URI": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0"),
        "RATELIMIT_KEY_PREFIX": f"bench-{secrets.token_hex(4)}",
    }


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html
    )
    if not match:
        raise RuntimeError("the form has no csrf_token")
    return match.group(1)


def _post(client, path: str, data: dict) -> None:
    page = client.get(path, base_url=BASE)
    # Flask-WTF checks the Referer of an HTTPS form, as a browser sends it.
    answer = client.post(
        path, base_url=BASE, data={**data, "csrf_token": _csrf(page.text)}, headers={"Referer": BASE + path}
    )
    if answer.status_code != 303:
        raise RuntimeError(f"POST {path} answered {answer.status_code}")


def prepare(app) -> tuple[str, int]:
    """A debtor signed in through a real link, with a part payment and a plan chosen; returns
    (the session cookie header, the payment's id)."""
    from portal.extensions import db
    from portal.links import service
    from portal.models import Account, Creditor, Debtor
    from portal.payments import recording

    with app.app_context():
        creditor = Creditor(slug="bench", name="Riverside Medical Group")
        debtor = Debtor(
            full_name="Bench Person",
            email="bench@example.com",
            date_of_birth=date(1980, 3, 27),
            postal_code="62701",
        )
        account = Account(
            creditor=creditor,
            debtor=debtor,
            reference="BENCH-1",
            currency="USD",
            principal=120000,
            interest=4025,
            fees=1500,
            description="Emergency room visit",
        )
        db.session.add(account)
        db.session.commit()
        payment = recording.record_outside(
            account.id,
            amount=5000,
            method="cheque",
            reference="100234",
            received_on=recording.local_today(account),
            actor="bench",
        )
        link = service.issue(account)
        db.session.commit()
        token_url, payment_id = service.url_for_link(link), payment.id

    client = app.test_client()
    path = "/" + token_url.split("/", 3)[3]
    client.get(path, base_url=BASE)
    verify = client.get("/verify", base_url=BASE)
    answer = client.post(
        "/verify",
        base_url=BASE,
        headers={"Referer": BASE + "/verify"},
        data={"day": "27", "month": "3", "year": "1980", "csrf_token": _csrf(verify.text)},
    )
    if answer.status_code != 303:
        raise RuntimeError(f"the identity question answered {answer.status_code}: {answer.text[:3000]}")
    first = date.today() + timedelta(days=7)
    _post(client, "/plan/new", {"frequency": "monthly"})
    _post(client, "/plan/new/payments", {"method": "count", "count": "6"})
    _post(
        client,
        "/plan/new/first-payment-date",
        {"first-day": str(first.day), "first-month": str(first.month), "first-year": str(first.year)},
    )
    client.get(
        "/plan/review", base_url=BASE
    )  # makes this visit's SetupIntent, kept in the session from now on
    name = app.config["SESSION_COOKIE_NAME"]
    cookie = client.get_cookie(name, domain="127.0.0.1")
    return f"{name}={cookie.value}", payment_id


def count_queries(app, cookie: str, paths: dict[str, str]) -> dict[str, int]:
    """SQL statements one request of each page runs, in this process."""
    from sqlalchemy import event

    from portal.extensions import db

    counts: dict[str, int] = {}
    with app.app_context():
        engine = db.engine
    seen: list[str] = []

    def note(_conn, _cursor, statement, *_args):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        client = app.test_client(use_cookies=False)  # a jar would drop the Cookie header given
        for name, path in paths.items():
            seen.clear()
            answer = client.get(path, headers={"Cookie": cookie}, base_url=BASE)
            if answer.status_code != 200:
                raise RuntimeError(
                    f"{path} answered {answer.status_code} in process: {answer.headers.get('Location')}"
                )
            counts[name] = len(seen)
    finally:
        event.remove(engine, "before_cursor_execute", note)
    return counts


def page_weight(base: str, cookie: str, path: str) -> tuple[int, int]:
    """(bytes on the wire, bytes uncompressed) of the page and our own CSS and JavaScript it links."""
    html, wire = _fetch(base + path, cookie)
    total_wire, total_raw = wire, len(html)
    text = html.decode()
    for asset in sorted(set(re.findall(r'(?:href|src)="(/static/[^"]+)"', text))):
        body, sent = _fetch(base + asset, cookie)
        total_wire += sent
        total_raw += len(body)
    return total_wire, total_raw


def _fetch(url: str, cookie: str) -> tuple[bytes, int]:
    request = urllib.request.Request(url, headers={"Cookie": cookie, **BROWSER})  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 - loopback only
        body = answer.read()
        if answer.headers.get("Content-Encoding") == "gzip":
            return gzip.decompress(body), len(body)
        return body, len(body)


def wrk(url: str, cookie: str | None, seconds: int, connections: int) -> dict:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    for name, value in BROWSER.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout  # noqa: S603
    percentiles = {p: float(v) * _UNIT[u] for p, v, u in _PERCENTILE.findall(output)}
    non_2xx = _NON_2XX.search(output)
    errors = _ERRORS.search(output)
    return {
        "rps": float(_WRK_LINE.search(output).group(1)),
        "p50": percentiles.get("50"),
        "p99": percentiles.get("99"),
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": errors.group(1) if errors else "",
    }


def worker_memory_mb(master: int) -> dict[str, list[float]]:
    """Memory of each child of the gunicorn master, in MB: resident (RSS, counting pages shared
    with the master in full), proportional (PSS, shared pages divided among those sharing them)
    and private (what the worker alone holds, freed when it stops)."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    sizes: dict[str, list[float]] = {"rss": [], "pss": [], "private": []}
    for pid in children:
        fields = {}
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
            name, value = line.split(":", 1)
            fields[name] = int(value.split()[0])
        sizes["rss"].append(round(fields["Rss"] / 1024, 1))
        sizes["pss"].append(round(fields["Pss"] / 1024, 1))
        sizes["private"].append(round((fields["Private_Clean"] + fields["Private_Dirty"]) / 1024, 1))
    return sizes


def run(server: str | None, seconds: int, connections: int, workers: int) -> dict:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk")
    url, drop = _database(server)
    instance = tempfile.mkdtemp(prefix="portal-bench-pages-")
    figures: dict = {}
    with ExitStack() as stack:
        stack.callback(drop)
        stripe_port, portal_port, hello_port = _free_port(), _free_port(), _free_port()
        stripe_url = f"http://127.0.0.1:{stripe_port}"
        env = {**os.environ, **portal_settings(url, stripe_url, instance)}
        _start(
            stack,
            [sys.executable, "-m", "tests.helpers.localstripe_server", "--port", str(stripe_port)],
            env,
            f"{stripe_url}/v1/customers",
        )
        os.environ.update(portal_settings(url, stripe_url, instance) | {"SECRET_KEY": env["SECRET_KEY"]})
        from flask_migrate import upgrade

        from portal import create_app

        app = create_app()
        with app.app_context():
            upgrade()
        cookie, payment_id = prepare(app)
        paths = {name: path.format(payment=payment_id) for name, path in PAGES.items()}
        figures["queries"] = count_queries(app, cookie, paths)

        gunicorn = [sys.executable, "-m", "gunicorn", "-w", str(workers), "--log-level", "warning"]
        master = _start(
            stack,
            gunicorn + ["-b", f"127.0.0.1:{portal_port}", "wsgi:app"],
            env,
            f"http://127.0.0.1:{portal_port}/",
        )
        _start(
            stack,
            gunicorn + ["-b", f"127.0.0.1:{hello_port}", "bench.hello:app"],
            env,
            f"http://127.0.0.1:{hello_port}/",
        )
        base = f"http://127.0.0.1:{portal_port}"
        figures["weight"] = {name: page_weight(base, cookie, path) for name, path in paths.items()}
        hello = wrk(f"http://127.0.0.1:{hello_port}/", None, seconds, connections)
        figures["hello"] = hello
        figures["pages"] = {}
        for name, path in paths.items():
            measured = wrk(base + path, cookie, seconds, connections)
            measured["ratio"] = round(measured["rps"] / hello["rps"], 3)
            figures["pages"][name] = measured
        figures["worker memory MB"] = worker_memory_mb(master.pid)
    shutil.rmtree(instance, ignore_errors=True)
    return figures


def report(figures: dict, connections: int, workers: int) -> str:
    hello = figures["hello"]
    lines = [
        f"gunicorn, {workers} workers, {connections} connections (wrk -t2 --latency)",
        f"{'page':<16} {'req/s':>8} {'/ hello':>8} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8} "
        f"{'queries':>8} {'KB sent':>8} {'KB raw':>8}",
        f"{'hello':<16} {hello['rps']:>8.0f} {1:>8.3f} {hello['p50']:>8.2f} {hello['p99']:>8.2f} "
        f"{hello['non_2xx']:>8} {'':>8} {'':>8} {'':>8}",
    ]
    for name, page in figures["pages"].items():
        wire, raw = figures["weight"][name]
        lines.append(
            f"{name:<16} {page['rps']:>8.0f} {page['ratio']:>8.3f} {page['p50']:>8.2f} {page['p99']:>8.2f} "
            f"{page['non_2xx']:>8} {figures['queries'][name]:>8} {wire / 1024:>8.1f} {raw / 1024:>8.1f}"
        )
    memory = figures["worker memory MB"]
    for label, key in (("resident", "rss"), ("proportional (PSS)", "pss"), ("private", "private")):
        lines.append(f"{label} memory per worker after the load, MB: " + ", ".join(map(str, memory[key])))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict:
    parser = cli.parser(__doc__)
    parser.add_argument("--seconds", type=int, default=10, help="how long wrk loads each page")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    options = parser.parse_args(argv)
    figures = run(options.database, options.seconds, options.connections, options.workers)
    print(report(figures, options.connections, options.workers))
    return figures


if __name__ == "__main__":
    main()
