"""A production install is whole: the wheel carries templates, static files, compiled catalogs and
migrations, and a portal installed from it alone speaks Spanish on a Spanish page.

Slow (it builds the package and installs it in a fresh virtual environment) but it runs in CI.
The build requirements come from PyPI (pip's cache makes later runs quick); the portal's own
dependencies come from the running virtual environment, so nothing else is downloaded.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import tomllib
import urllib.request
import zipfile
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tests.helpers.servers import free_port, wait_for_http

ROOT = Path(__file__).resolve().parent.parent
START_PAGE_TITLE = "Pay or ask about an account"

pytestmark = pytest.mark.slow

# What the checkout holds but a build must not see: compiled catalogs in particular, so that
# only the build step can have put them in the wheel.
LEFT_OUT = shutil.ignore_patterns(
    ".git",
    ".venv",
    "instance",
    "build",
    "dist",
    "*.egg-info",
    "__pycache__",
    "*.pyc",
    "*.mo",
    "tests",
    "test-artifacts",
    ".pytest_cache",
    ".ruff_cache",
    ".hypothesis",
)


def run(args, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(args, capture_output=True, text=True, check=False, **kwargs)  # noqa: S603
    assert result.returncode == 0, f"{args} failed:\n{result.stdout}\n{result.stderr}"
    return result


def bin_python(venv: Path) -> Path:
    return venv / "bin" / "python"


def site_packages(venv: Path) -> Path:
    [path] = venv.glob("lib/python*/site-packages")
    return path


def build_sdist_then_wheel(tmp_path: Path) -> tuple[Path, Path]:
    """Build as `python -m build` does: an sdist from a clean copy, then the wheel from that sdist."""
    source = tmp_path / "source"
    shutil.copytree(ROOT, source, ignore=LEFT_OUT)
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["build-system"]["requires"]
    builder = tmp_path / "build-env"
    run([sys.executable, "-m", "venv", "--without-pip", builder])
    run([sys.executable, "-m", "pip", "--python", bin_python(builder), "install", "-q", *requires])

    dist = tmp_path / "dist"
    dist.mkdir()
    call = "import sys; from setuptools import build_meta as b; print(getattr(b, sys.argv[1])(sys.argv[2]))"
    sdist_name = run([bin_python(builder), "-c", call, "build_sdist", dist], cwd=source).stdout.split()[-1]
    with tarfile.open(dist / sdist_name) as archive:
        archive.extractall(tmp_path / "unpacked", filter="data")
    [unpacked] = (tmp_path / "unpacked").iterdir()
    wheel_name = run([bin_python(builder), "-c", call, "build_wheel", dist], cwd=unpacked).stdout.split()[-1]
    return dist / sdist_name, dist / wheel_name


def install_alone(tmp_path: Path, wheel: Path) -> Path:
    """A fresh venv holding the portal from the wheel only; its dependencies are borrowed."""
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", venv])
    # A plain path in a .pth adds the shared site-packages without running *its* .pth files, so
    # the checkout's editable install of the portal stays out of sight.
    shared = sysconfig.get_paths()["purelib"]
    (site_packages(venv) / "borrowed_dependencies.pth").write_text(shared + "\n")
    run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            bin_python(venv),
            "install",
            "-q",
            "--no-deps",
            "--no-index",
            wheel,
        ]
    )
    return venv


def spanish(msgid: str) -> str:
    with open(ROOT / "i18n" / "es" / "LC_MESSAGES" / "messages.po", "rb") as handle:
        translated = read_po(handle, locale="es")[msgid].string
    assert translated and translated != msgid
    return translated


def test_the_wheel_alone_runs_a_spanish_portal(tmp_path):
    sdist, wheel = build_sdist_then_wheel(tmp_path)
    with tarfile.open(sdist) as archive:
        shipped_sources = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert "i18n/es/LC_MESSAGES/messages.po" in shipped_sources
    with zipfile.ZipFile(wheel) as archive:
        shipped = set(archive.namelist())
    for needed in (
        "portal/translations/es/LC_MESSAGES/messages.mo",
        "portal/translations/vi/LC_MESSAGES/messages.mo",
        "portal/translations/zh_Hant/LC_MESSAGES/messages.mo",
        "portal/templates/base.html",
        "portal/templates/links/index.html",
        "portal/migrations/env.py",
        "portal/migrations/alembic.ini",
        "portal/migrations/script.py.mako",
        "portal/wsgi.py",
    ):
        assert needed in shipped, f"{needed} is not in {wheel.name}"
    assert any(name.startswith("portal/migrations/versions/") for name in shipped)
    assert any(name.startswith("portal/static/") for name in shipped)

    venv = install_alone(tmp_path, wheel)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTHON", "FLASK_"))}
    env.update(
        {
            "PORTAL_ENV": "production",
            "SECRET_KEY": "packaging-test-secret-long-enough-for-production",
            "SMTP_HOST": "127.0.0.1",
            "STRIPE_SECRET_KEY": "sk_test_packaging",
            "STRIPE_PUBLISHABLE_KEY": "pk_test_packaging",
            "STRIPE_WEBHOOK_SECRET": "whsec_packaging",
            "DATABASE_URL": f"sqlite:///{elsewhere / 'portal.db'}",
            "PORTAL_INSTANCE_DIR": str(elsewhere / "instance"),
            "RATELIMIT_ENABLED": "false",
        }
    )
    python = bin_python(venv)

    where = run(
        [python, "-c", "import portal; print(portal.__file__)"], cwd=elsewhere, env=env
    ).stdout.strip()
    assert Path(where).is_relative_to(site_packages(venv)), f"portal came from {where}, not the wheel"
    # The checkout's own folder (its portal/ and wsgi.py) is not on the path; its .venv may be.
    probe = "import importlib.util, sys; print(importlib.util.find_spec('wsgi')); print(*sys.path, sep='\\n')"
    wsgi_spec, *paths = run([python, "-c", probe], cwd=elsewhere, env=env).stdout.splitlines()
    assert wsgi_spec == "None"
    assert ROOT not in [Path(p).resolve() for p in paths if p], paths

    run([python, "-m", "flask", "--app", "portal.wsgi", "db", "upgrade"], cwd=elsewhere, env=env)
    tables = run(
        [
            python,
            "-c",
            "import sqlite3; print(sqlite3.connect('portal.db').execute("
            "\"select count(*) from sqlite_master where name='events'\").fetchone()[0])",
        ],
        cwd=elsewhere,
        env=env,
    )
    assert tables.stdout.strip() == "1"

    port = free_port()
    server = subprocess.Popen(  # noqa: S603 - the gunicorn the portal depends on
        [python, "-m", "gunicorn", "--workers", "1", "--bind", f"127.0.0.1:{port}", "portal.wsgi:app"],
        cwd=elsewhere,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}/"
        wait_for_http(url, seconds=60, process=server)
        request = urllib.request.Request(url, headers={"Accept-Language": "es"})  # noqa: S310 - loopback
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback
            page = response.read().decode()
    finally:
        server.terminate()
        _, errors = server.communicate(timeout=30)
    assert '<html lang="es">' in page, errors
    assert spanish(START_PAGE_TITLE) in page
    assert START_PAGE_TITLE not in page
