"""Keep magic-link tokens out of access logs (the dev server's and gunicorn's)."""

from __future__ import annotations

import logging
import re

_TOKEN_PATH = re.compile(r"/l/[^\s\"?]+")


class RedactLinkTokens(logging.Filter):
    """Rewrite '/l/<token>' to '/l/[redacted]' in any record that passes through."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "/l/" in message:
            record.msg = _TOKEN_PATH.sub("/l/[redacted]", message)
            record.args = ()
        return True


def install() -> None:
    for name in ("werkzeug", "gunicorn.access", "gunicorn.error"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactLinkTokens) for f in logger.filters):
            logger.addFilter(RedactLinkTokens())
