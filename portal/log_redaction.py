"""Keep secrets that travel in URLs out of every log line: magic-link and opt-out tokens in paths,
and any query parameter named like a token or a secret.

Opt-out links never expire, so a token in an access log is a standing key to someone's account
settings; a log is read by more people, and kept longer, than the database.
"""

from __future__ import annotations

import logging
import re

#: Routes whose next path segment is a secret (see `flask routes`: /l/<token>, /stop/<token>).
SECRET_PATH_PREFIXES = ("/l/", "/stop/", "/console/set-up/", "/console/import/")
REDACTED = "[redacted]"

_SECRET_PATH = re.compile(
    r"(?P<prefix>" + "|".join(re.escape(p) for p in SECRET_PATH_PREFIXES) + r")[^\s\"'?#/]+"
)
# A query value named like a token or a secret, in a URL or in a bare query string (gunicorn's %(q)s).
_SECRET_QUERY = re.compile(
    r"(?P<name>(?:^|[?&\s;])[^=&\s\"';?]*(?:token|secret)[^=&\s\"';?]*=)[^&\s\"'#;]+",
    re.IGNORECASE | re.MULTILINE,
)


def redact(text: str) -> str:
    """*text* with every secret path segment and secret query value replaced by [redacted]."""
    if "/" not in text and "=" not in text:
        return text
    text = _SECRET_PATH.sub(lambda m: m.group("prefix") + REDACTED, text)
    return _SECRET_QUERY.sub(lambda m: m.group("name") + REDACTED, text)


def redact_record(record: logging.LogRecord) -> None:
    """Rewrite one record's message in place, so every handler and formatter sees the safe text."""
    try:
        message = record.getMessage()
    except Exception:  # noqa: BLE001 - a malformed record is logging's problem to report, not ours
        return
    safe = redact(message)
    if safe != message:
        record.msg, record.args = safe, ()


class RedactSecrets(logging.Filter):
    """A logging filter for handlers and loggers that do not go through the record factory."""

    def filter(self, record: logging.LogRecord) -> bool:
        redact_record(record)
        return True


def _redacting_factory(previous):
    def factory(*args, **kwargs):
        record = previous(*args, **kwargs)
        redact_record(record)
        return record

    factory.redacts_secrets = True
    return factory


def install() -> None:
    """Redact every record this process creates (werkzeug's dev server, gunicorn, the portal, libraries)."""
    current = logging.getLogRecordFactory()
    if not getattr(current, "redacts_secrets", False):
        logging.setLogRecordFactory(_redacting_factory(current))
    # Belt and braces for the access loggers, should someone swap the record factory later.
    for name in ("werkzeug", "gunicorn.access", "gunicorn.error"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactSecrets) for f in logger.filters):
            logger.addFilter(RedactSecrets())
