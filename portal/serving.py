"""What gunicorn needs from the portal (gunicorn.conf.py loads it): an access log without secrets,
and a refusal to run several workers that would each keep their own rate-limit counts."""

from __future__ import annotations

import sys

from gunicorn.glogging import Logger

from portal.config import ConfigError, portal_env, rate_limit_storage, unshared_rate_limits
from portal.log_redaction import RedactSecrets, redact


class RedactingLogger(Logger):
    """Gunicorn's logger with token paths and secret query values removed from every access-log atom."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {key: redact(value) if isinstance(value, str) else value for key, value in atoms.items()}

    def setup(self, cfg):
        super().setup(cfg)
        # "Error handling request /l/<token>" and the like are written before the app is imported.
        for logger in (self.error_log, self.access_log):
            if not any(isinstance(f, RedactSecrets) for f in logger.filters):
                logger.addFilter(RedactSecrets())


def refuse_unshared_rate_limits(server) -> None:
    """Stop the master before any worker starts if the workers would not share rate-limit counts."""
    try:
        reason = unshared_rate_limits(portal_env(), rate_limit_storage(), server.cfg.workers)
    except ConfigError as error:
        reason = str(error)
    if reason:
        server.log.error("Refusing to start: %s", reason)
        sys.exit(1)
