"""Guidance that runs through every journey: step indicators, help pages, session warnings."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the help pages, the step indicators and the debt advice the templates show."""
    from portal.guidance import steps
    from portal.guidance.advice import debt_advice
    from portal.guidance.routes import bp

    app.register_blueprint(bp)
    steps.init_app(app)
    app.add_template_global(debt_advice, "debt_advice_settings")
