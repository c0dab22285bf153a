"""The payments blueprint: paying in full and the receipt (routes.py), paying part or settling
(part_routes.py); `portal.payments.init_app` imports both and registers it. Stripe's webhook has
its own blueprint (webhook.py), outside the debtor's session."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("payments", __name__)
