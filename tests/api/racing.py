"""Requests released at the same moment from their own threads, each with its own app context,
test client and database connection: what the race tests of the API's decisions share."""

from __future__ import annotations

import threading

from portal.extensions import db

ROUNDS = 3


def at_once(app, posts) -> list:
    """Run each post(client) in its own thread, released together by a barrier; their answers
    (or the exception a thread raised, so a crash shows as itself in the assertion)."""
    start = threading.Barrier(len(posts), timeout=30)
    answers: list = [None] * len(posts)

    def run(index, post):
        with app.app_context():
            client = app.test_client()
            try:
                start.wait()
                answers[index] = post(client)
            except Exception as error:  # noqa: BLE001 - reported by the caller's assertion
                answers[index] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i, post)) for i, post in enumerate(posts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return answers


def statuses(answers) -> list:
    return sorted((getattr(answer, "status_code", answer) for answer in answers), key=str)


def post(path: str, body: dict, headers: dict):
    """A post for at_once: *body* as JSON to *path* with *headers*, on the thread's own client."""
    return lambda client: client.post(path, json=body, headers=headers)
