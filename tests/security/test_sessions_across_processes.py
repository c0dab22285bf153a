"""Two real portal processes on different ports share one database: a session begun on one is
honoured on the other, and a sign-out on either ends it on both (so a copied cookie is worthless)."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
SECRET = "test-secret-key"  # noqa: S105 - the test app's key, so the subprocesses read its links


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Portal:
    """One `flask run` process against the test database."""

    def __init__(self, database_url: str, log: Path):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "PORTAL_ENV": "test",
            "SECRET_KEY": SECRET,
            "DATABASE_URL": database_url,
            "RATELIMIT_ENABLED": "0",
            "PYTHONPATH": str(ROOT),
        }
        self.log = log.open("wb")
        command = [sys.executable, "-m", "flask", "--app", "wsgi", "run", "--port", str(self.port)]
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [*command, "--no-reload", "--no-debugger"], cwd=ROOT, env=env, stdout=self.log, stderr=self.log
        )

    def wait_until_up(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"portal on port {self.port} exited; see {self.log.name}")
            try:
                requests.get(self.url + "/", timeout=2)
                return
            except requests.ConnectionError:
                time.sleep(0.2)
        raise RuntimeError(f"portal on port {self.port} did not start; see {self.log.name}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.log.close()

    def get(self, path: str, cookie: str) -> requests.Response:
        return requests.get(self.url + path, cookies={"session": cookie}, allow_redirects=False, timeout=10)

    def post(self, path: str, cookie: str, data: dict) -> requests.Response:
        return requests.post(
            self.url + path, cookies={"session": cookie}, data=data, allow_redirects=False, timeout=10
        )


@pytest.fixture
def two_portals(app, tmp_path):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    started: list[Portal] = []
    try:
        for name in ("first", "second"):
            started.append(Portal(url, tmp_path / f"{name}.log"))
        for portal in started:  # started together, so they load side by side
            portal.wait_until_up()
        yield started
    finally:
        for portal in started:
            portal.stop()


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def _cookie(response: requests.Response, before: str) -> str:
    """The session cookie the response set, or the one sent if it set none."""
    return response.cookies.get("session") or before


def test_a_session_carries_across_processes_and_a_sign_out_on_one_ends_it_on_both(
    two_portals, make_account, issue_link
):
    first, second = two_portals
    path = issue_link(make_account())

    opened = requests.get(first.url + path, allow_redirects=False, timeout=10)
    assert opened.status_code == 303
    cookie = _cookie(opened, "")
    question = first.get("/verify", cookie)
    assert question.status_code == 200
    cookie = _cookie(question, cookie)
    answer = {"csrf_token": _csrf(question.text), "day": "27", "month": "3", "year": "1980"}
    signed_in = first.post("/verify", cookie, answer)
    assert signed_in.status_code == 303 and signed_in.headers["Location"].endswith("/account")
    copied = _cookie(signed_in, cookie)

    # The other process honours the session begun on the first.
    page = second.get("/account", copied)
    assert page.status_code == 200
    assert "ACC-1" in page.text
    assert first.get("/account", copied).status_code == 200

    # Sign out through the second process, with the cookie that process last set.
    live = _cookie(page, copied)
    signed_out = second.post("/sign-out", live, {"csrf_token": _csrf(page.text)})
    assert signed_out.status_code == 303

    for portal in (first, second):
        for cookie_copy in (copied, live):
            response = portal.get("/account", cookie_copy)
            assert response.status_code == 303, portal.url
            assert response.headers["Location"].endswith("/session-ended")
