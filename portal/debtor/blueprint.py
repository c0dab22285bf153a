"""The debtor blueprint: the overview (routes.py) and the options page (options.py);
`portal.debtor.init_app` imports both and registers it."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("debtor", __name__)
