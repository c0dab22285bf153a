"""`make demo` as a newcomer drives it: the real demo/run.py in a subprocess, on free ports.

It says it resets the demo data; it writes its settings to an env file, so the collector command it
prints works from another shell against its own database and mail catcher; Ctrl+C (SIGINT to its
process group, as a terminal sends it) or SIGTERM stops it and every child with no traceback; a taken
port is named with the setting that moves it. Each demo keeps its files in the test's own folder
(PORTAL_INSTANCE_DIR, DEMO_ENV_FILE), so a real demo's instance/ is never touched.

Serial (tests/helpers/tiers.py): each test starts its own servers.
"""

from __future__ import annotations

import os
import shlex
import signal
import socket
import stat
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.helpers.servers import free_port, wait_for_http

ROOT = Path(__file__).resolve().parents[2]
START_SECONDS = 120
STOP_SECONDS = 15

#: Settings a test session may have set for itself; neither the demo nor the collector's shell has them.
PORTAL_SETTINGS = (
    "PORTAL_",
    "DATABASE_URL",
    "SECRET_KEY",
    "STRIPE_",
    "SMTP_",
    "TWILIO_",
    "REDIS_URL",
    "HUEY_REDIS_URL",
    "RATELIMIT_",
    "DEMO_",
)


def _newcomers_environment(**extra: str) -> dict[str, str]:
    """A shell with none of the portal's settings in it, as a newcomer's terminal is."""
    clean = {name: value for name, value in os.environ.items() if not name.startswith(PORTAL_SETTINGS)}
    return {**clean, "PYTHONUNBUFFERED": "1", **extra}


def _children(pid: int) -> list[int]:
    """The processes whose parent is *pid* (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex(("127.0.0.1", port)) == 0


class RunningDemo:
    """demo/run.py in a process group of its own, its output in files."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.port, self.stripe_port, self.smtp_port = free_port(), free_port(), free_port()
        self.instance = folder / "instance"
        self.env_file = folder / "settings" / "demo.env"
        self.stdout_path, self.stderr_path = folder / "demo.out", folder / "demo.err"
        environment = _newcomers_environment(
            DEMO_PORT=str(self.port),
            DEMO_STRIPE_PORT=str(self.stripe_port),
            DEMO_SMTP_PORT=str(self.smtp_port),
            PORTAL_INSTANCE_DIR=str(self.instance),
            DEMO_ENV_FILE=str(self.env_file),
        )
        with self.stdout_path.open("wb") as out, self.stderr_path.open("wb") as err:
            self.process = subprocess.Popen(  # noqa: S603 - the project's own demo
                [sys.executable, "demo/run.py"],
                cwd=ROOT,
                env=environment,
                stdout=out,
                stderr=err,
                start_new_session=True,  # its own process group, as a terminal's foreground job is
            )

    @property
    def stdout(self) -> str:
        return self.stdout_path.read_text(errors="replace")

    @property
    def stderr(self) -> str:
        return self.stderr_path.read_text(errors="replace")

    def wait_until_serving(self) -> None:
        try:
            wait_for_http(f"http://127.0.0.1:{self.port}/", seconds=START_SECONDS, process=self.process)
        except RuntimeError as error:
            raise AssertionError(f"{error}\n{self.stdout}\n{self.stderr}") from None
        deadline = time.monotonic() + 30
        while "Ctrl+C stops" not in self.stdout:
            assert time.monotonic() < deadline, self.stdout
            time.sleep(0.1)

    def wait_for_output(self, text: str, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while text not in self.stdout:
            assert time.monotonic() < deadline, f"{text!r} not printed:\n{self.stdout}\n{self.stderr}"
            time.sleep(0.2)

    def printed_command(self, name: str) -> list[str]:
        """The collector command the demo printed for another terminal, as a newcomer would type it."""
        for line in self.stdout.splitlines():
            if "--env-file" in line and f" {name} " in line:
                return shlex.split(line.strip())
        raise AssertionError(f"the demo printed no {name} command:\n{self.stdout}")

    def stop(self, signum: int) -> int:
        os.killpg(self.process.pid, signum)
        return self.process.wait(timeout=STOP_SECONDS)

    def kill(self) -> None:
        """After a failed test: nothing of this demo may outlive it."""
        if self.process.poll() is None:
            children = _children(self.process.pid)
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=STOP_SECONDS)
            for child in children:
                if _alive(child):
                    os.kill(child, signal.SIGKILL)


@pytest.fixture
def demo(tmp_path):
    running = RunningDemo(tmp_path)
    yield running
    running.kill()


def _assert_stopped_cleanly(demo: RunningDemo, children: list[int], code: int) -> None:
    output = demo.stdout + demo.stderr
    assert code == 0, output
    assert "Traceback" not in output
    assert demo.stdout.rstrip().endswith("Demo stopped.")
    assert demo.stdout.count("Demo stopped.") == 1
    assert len(children) >= 2, "localstripe and the task runner should have been running"
    deadline = time.monotonic() + 5
    while any(_alive(child) for child in children) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [child for child in children if _alive(child)], "children outlived the demo"
    for port in (demo.port, demo.stripe_port, demo.smtp_port):
        assert not _listening(port), f"port {port} is still taken"


def test_the_demo_says_it_resets_its_data_and_the_printed_collector_command_sees_its_accounts(demo):
    demo.wait_until_serving()
    assert "deletes the demo database" in demo.stdout
    assert "each time it starts" in demo.stdout

    settings = demo.env_file.read_text()
    assert stat.S_IMODE(demo.env_file.stat().st_mode) == 0o600  # it holds the session key
    assert 'PORTAL_ENV="development"' in settings
    assert f'DATABASE_URL="sqlite:///{demo.instance.resolve() / "demo.db"}"' in settings
    assert f'SMTP_PORT="{demo.smtp_port}"' in settings
    assert f'STRIPE_API_BASE="http://127.0.0.1:{demo.stripe_port}"' in settings

    timeline = demo.printed_command("timeline")
    assert Path(timeline[timeline.index("--env-file") + 1]).resolve() == demo.env_file.resolve()
    shown = subprocess.run(  # noqa: S603 - the command the demo printed
        timeline, cwd=ROOT, env=_newcomers_environment(), capture_output=True, text=True, timeout=60
    )
    assert shown.returncode == 0, shown.stderr
    assert "account_imported" in shown.stdout
    assert "link_issued" in shown.stdout

    # The same settings reach the demo's mail catcher: the email is printed in the demo's terminal.
    # At midday in Chicago, the demo person's zone: run at night, the link would wait for 08:00 there.
    midday = datetime.now(UTC).replace(hour=18, minute=0, second=0, microsecond=0).isoformat()
    send = [*timeline[: timeline.index("timeline")], "send-link", timeline[-1], "--channel", "email"]
    send += ["--now", midday]
    sent = subprocess.run(  # noqa: S603 - the printed command, with send-link
        send, cwd=ROOT, env=_newcomers_environment(), capture_output=True, text=True, timeout=60
    )
    assert sent.returncode == 0, sent.stderr
    demo.wait_for_output("EMAIL to alex.morgan@example.com")
    assert f"http://127.0.0.1:{demo.port}/l/" in demo.stdout.split("EMAIL to alex.morgan@example.com")[1]


def test_ctrl_c_stops_the_demo_and_every_child_without_a_traceback(demo):
    demo.wait_until_serving()
    children = _children(demo.process.pid)
    started = time.monotonic()
    code = demo.stop(signal.SIGINT)
    assert time.monotonic() - started < 10
    _assert_stopped_cleanly(demo, children, code)


def test_sigterm_stops_the_demo_as_ctrl_c_does(demo):
    demo.wait_until_serving()
    children = _children(demo.process.pid)
    code = demo.stop(signal.SIGTERM)
    _assert_stopped_cleanly(demo, children, code)


def test_a_taken_port_is_named_with_the_setting_that_moves_it(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        environment = _newcomers_environment(
            DEMO_PORT=str(free_port()),
            DEMO_STRIPE_PORT=str(free_port()),
            DEMO_SMTP_PORT=str(port),
            PORTAL_INSTANCE_DIR=str(tmp_path / "instance"),
            DEMO_ENV_FILE=str(tmp_path / "demo.env"),
        )
        result = subprocess.run(  # noqa: S603 - the project's own demo
            [sys.executable, "demo/run.py"],
            cwd=ROOT,
            env=environment,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert f"port {port} on 127.0.0.1 (DEMO_SMTP_PORT) is already in use" in result.stderr
    assert f"DEMO_SMTP_PORT={port + 1} make demo" in result.stderr
    assert not (tmp_path / "demo.env").exists()  # nothing started, nothing written
