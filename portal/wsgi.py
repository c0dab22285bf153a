"""Entry point for `gunicorn portal.wsgi:app` and `flask --app portal.wsgi`, from anywhere."""

from portal import create_app

app = create_app()
