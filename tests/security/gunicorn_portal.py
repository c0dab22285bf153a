"""The portal under gunicorn, started the way an operator would (`gunicorn wsgi:app`, in the project
directory so gunicorn.conf.py is read), with production settings from the environment."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis

from tests.helpers.servers import ROOT, free_port, wait_for_http
from tests.helpers.settings import WEBHOOK_SECRET

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def production_env(database_url: str, localstripe, mail_server, **extra: str) -> dict[str, str]:
    """What an operator sets: PORTAL_ENV left unset (production is the default) and real secrets."""
    env = {key: value for key, value in os.environ.items() if key != "PORTAL_ENV"}
    for name in ("RATELIMIT_STORAGE_URI", "REDIS_URL", "WEB_CONCURRENCY", "TRUSTED_PROXY_HOPS"):
        env.pop(name, None)
    env.update(
        {
            "SECRET_KEY": secrets.token_hex(32),
            "DATABASE_URL": database_url,
            "STRIPE_SECRET_KEY": "sk_test_portal",
            "STRIPE_PUBLISHABLE_KEY": "pk_test_portal",
            "STRIPE_API_BASE": localstripe.url,
            "STRIPE_JS_URL": f"{localstripe.url}/js.stripe.com/v3/",
            "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(mail_server.port),
            "PYTHONWARNINGS": "ignore",
        }
    )
    env.update(extra)
    return env


def shared_redis() -> str:
    """A Redis URL the test may use, or a failure that says how to provide one."""
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        pytest.fail(f"these tests need Redis at {REDIS_URL} (set TEST_REDIS_URL): {error}")
    return REDIS_URL


def unique_prefix() -> str:
    """A rate-limit key prefix of this test's own, so runs never share counts."""
    return f"portal-test-{uuid.uuid4().hex[:12]}"


class Gunicorn:
    """`python -m gunicorn wsgi:app -w N` on a free port, with its logs in *log_dir*."""

    def __init__(
        self, env: dict[str, str], log_dir: Path, workers: int = 2, access_format: str | None = None
    ):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.access_log = log_dir / "access.log"
        self.error_log = log_dir / "error.log"
        self.output = log_dir / "gunicorn.out"
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "wsgi:app",
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{self.port}",
            "--access-logfile",
            str(self.access_log),
            "--error-logfile",
            str(self.error_log),
            # Its default path is shared by every gunicorn of this user; tests run side by side.
            "--no-control-socket",
        ]
        if access_format:
            command += ["--access-logformat", access_format]
        with self.output.open("wb") as out:
            self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and gunicorn
                command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
            )

    def wait_until_up(self) -> None:
        try:
            wait_for_http(self.url + "/", seconds=60, process=self.process)
        except RuntimeError as error:
            raise AssertionError(f"gunicorn did not start:\n{self.logs()}") from error

    def wait_for_exit(self, seconds: float = 60) -> int:
        deadline = time.monotonic() + seconds
        while self.process.poll() is None:
            if time.monotonic() > deadline:
                self.stop()
                raise AssertionError(f"gunicorn was expected to stop by itself:\n{self.logs()}")
            time.sleep(0.1)
        return self.process.returncode

    def logs(self) -> str:
        return "\n".join(
            path.read_text(errors="replace")
            for path in (self.output, self.error_log, self.access_log)
            if path.exists()
        )

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
