"""The task runner's worker threads share one app, built once even when they start at once:
two apps built at a time would register the API's shared blueprints twice and crash the consumer."""

from __future__ import annotations

import threading
import time

import portal
from portal import tasks


def test_worker_threads_starting_at_once_build_one_app(monkeypatch, app):
    monkeypatch.setattr(tasks, "_app", None)
    built = []

    def slow_create_app(*args, **kwargs):
        built.append(threading.get_ident())
        time.sleep(0.2)  # long enough for every other thread to arrive while this one builds
        return app

    monkeypatch.setattr(portal, "create_app", slow_create_app)
    start = threading.Barrier(4)
    contexts = []

    def worker():
        start.wait()
        contexts.append(tasks._app_context())

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(5)

    assert len(built) == 1
    assert len(contexts) == 4 and all(context.app is app for context in contexts)
