"""The debtor's own offer: proposing an amount and a rhythm, the collector's answer, agreeing it."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the own-offer pages."""
    # Imported here, not at module level, so that importing the offer rules does not load the pages.
    from portal.models import OfferStatus
    from portal.offers import pages, routes  # noqa: F401  (they add their routes to bp)
    from portal.offers.blueprint import bp
    from portal.offers.service import REPLY_WORKING_DAYS

    app.register_blueprint(bp)
    app.add_template_global(REPLY_WORKING_DAYS, "reply_working_days")
    # The decision email compares the offer's status with the enum, never a bare word.
    app.add_template_global(OfferStatus, "OfferStatus")
