"""Gunicorn reads this file from the working directory (`gunicorn wsgi:app`); keep it whatever else
is given on the command line, it is what makes several workers safe."""

from portal.serving import RedactingLogger, refuse_unshared_rate_limits

logger_class = RedactingLogger


def on_starting(server):
    refuse_unshared_rate_limits(server)
