"""Gunicorn reads this file from the working directory (`gunicorn wsgi:app`); keep it whatever else
is given on the command line, it is what makes several workers safe."""

import gc

from portal.serving import RedactingLogger, refuse_unshared_rate_limits

logger_class = RedactingLogger
# The app is built once in the master and the workers share its memory (issue 16: memory per
# worker); a worker that cannot be built stops the master at once rather than each worker in turn.
preload_app = True


def on_starting(server):
    refuse_unshared_rate_limits(server)


def when_ready(server):
    # Objects made while building the app are never freed: keeping the collector from touching
    # them keeps their pages shared with the workers instead of copied into each one.
    gc.collect()
    gc.freeze()


def post_fork(server, worker):
    from portal.extensions import db
    from portal.wsgi import app

    # A connection the master may have opened must never be shared by two processes.
    with app.app_context():
        db.engine.dispose(close=False)
