"""Entry point for `flask --app wsgi` and `gunicorn wsgi:app` from the checkout (installed: portal.wsgi)."""

from portal.wsgi import app

__all__ = ["app"]
