"""When the debtor disagrees or cannot pay: their own offers, the affordability check, promises
to pay and hardship call-backs. Each lands on the timeline and in a collector's queue."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the support pages, and the debt advice the templates show."""
    from portal.support.advice import debt_advice
    from portal.support.afford_routes import bp as afford_bp
    from portal.support.cant_pay_routes import bp as cant_pay_bp
    from portal.support.offer_routes import bp as own_offer_bp
    from portal.support.offers import REPLY_WORKING_DAYS

    app.register_blueprint(own_offer_bp)
    app.register_blueprint(afford_bp)
    app.register_blueprint(cant_pay_bp)
    app.add_template_global(debt_advice, "debt_advice_settings")
    app.add_template_global(REPLY_WORKING_DAYS, "reply_working_days")
