"""Several gunicorn workers must share one rate-limit count: with memory storage each worker counted
alone, so two workers let twice the limit through."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from portal import create_app
from portal.config import ConfigError
from tests.helpers.scale import figure, pick
from tests.helpers.settings import app_config
from tests.security.gunicorn_portal import Gunicorn, production_env, shared_redis, unique_prefix

LINK_LIMIT = 30  # @limiter.limit("30/minute") on /l/<token>


def test_two_workers_with_memory_storage_refuse_to_start(database_url, localstripe, mail_server, tmp_path):
    env = production_env(database_url, localstripe, mail_server)
    server = Gunicorn(env, tmp_path, workers=2)
    assert server.wait_for_exit() != 0
    logs = server.logs()
    assert "Refusing to start" in logs
    assert "RATELIMIT_STORAGE_URI" in logs
    assert "Booting worker" not in logs, "no worker may start"


def test_web_concurrency_with_memory_storage_is_refused_by_the_app(
    database_url, localstripe, mail_server, monkeypatch
):
    """Servers other than gunicorn announce their workers in WEB_CONCURRENCY; the app refuses too."""
    monkeypatch.setenv("WEB_CONCURRENCY", "4")
    settings = {**app_config(database_url, localstripe, mail_server), "PORTAL_ENV": "production"}
    settings["SECRET_KEY"] = "s" * 40
    with pytest.raises(ConfigError, match="4 workers"):
        create_app({**settings, "RATELIMIT_STORAGE_URI": "memory://"})
    create_app({**settings, "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/15"})


def _guess(url: str, client: str) -> int:
    return requests.get(url, headers={"X-Forwarded-For": client}, timeout=30).status_code


def test_two_workers_with_redis_share_the_count(database_url, localstripe, mail_server, tmp_path):
    env = production_env(
        database_url,
        localstripe,
        mail_server,
        RATELIMIT_STORAGE_URI=shared_redis(),
        RATELIMIT_KEY_PREFIX=unique_prefix(),
        TRUSTED_PROXY_HOPS="1",
    )
    server = Gunicorn(env, tmp_path, workers=2, access_format='%(p)s "%(r)s" %(s)s')
    try:
        server.wait_until_up()
        rounds = pick(2, 10)
        over = 0
        for round_ in range(rounds):
            # Each round is another client (named by the trusted proxy's X-Forwarded-For), sending
            # limit + 1 guesses at once so that both workers answer some of them.
            client = f"198.51.100.{round_ + 1}"
            urls = [f"{server.url}/l/guess-{round_}-{n}" for n in range(LINK_LIMIT + 1)]
            with ThreadPoolExecutor(max_workers=8) as pool:
                statuses = list(pool.map(_guess, urls, [client] * len(urls)))
            assert statuses.count(404) == LINK_LIMIT and statuses.count(429) == 1, statuses
            over += statuses.count(404) - LINK_LIMIT
        server.stop()
        pids = set(re.findall(r"^<(\d+)> \"GET /l/", server.access_log.read_text(), re.MULTILINE))
        assert len(pids) == 2, f"both workers must have answered, not only {pids}"
        figure("security", "rounds of limit+1 guesses across 2 workers", rounds, "rounds")
        figure("security", "guesses let through past the limit across 2 workers", over, "requests")
    finally:
        server.stop()
