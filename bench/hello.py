"""The baseline of bench/pages.py: a bare Flask app answering "hello", served by the same gunicorn
settings as the portal in the same run."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "hello"
