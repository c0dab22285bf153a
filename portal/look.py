"""The agency's own look: its colour as a tiny stylesheet, its favicon, its logo.

The Content-Security-Policy allows no inline style, so the brand colour reaches the page as
GET /brand.css, a stylesheet of custom properties generated from BRAND_COLOUR and linked from
base.html with a version derived from its text (so it can be cached for a long time).
"""

from __future__ import annotations

import hashlib
from functools import cache
from urllib.parse import urlsplit

from flask import Blueprint, Flask, Response, current_app, g, has_request_context, redirect, request, url_for
from markupsafe import escape

from portal.domain.contrast import BLACK, WHITE, mix, parse_hex, to_hex

bp = Blueprint("look", __name__)

#: A year: the address changes whenever the colour does (?v=...).
LONG_CACHE = 365 * 24 * 60 * 60
#: A day for the favicon, whose address cannot carry a version.
DAY = 24 * 60 * 60


@cache
def brand_css(colour: str) -> str:
    """Custom properties for the brand colour and the darker shade used for hover and pressed states."""
    rgb = parse_hex(colour)
    return (
        "/* Generated from BRAND_COLOUR (portal/look.py). */\n"
        ":root {\n"
        f"  --brand: {to_hex(rgb)};\n"
        f"  --brand-dark: {to_hex(mix(rgb, BLACK, 0.3))};\n"
        f"  --brand-tint: {to_hex(mix(rgb, WHITE, 0.9))};\n"
        "}\n"
    )


def _version(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:12]


@cache
def favicon_svg(colour: str, name: str) -> str:
    """A rounded square in the brand colour with the agency's initial in white."""
    initial = escape((name.strip()[:1] or "·").upper())
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">'
        f'<rect width="32" height="32" rx="7" fill="{to_hex(parse_hex(colour))}"/>'
        '<text x="16" y="23" text-anchor="middle" font-family="system-ui, Arial, sans-serif" '
        f'font-size="20" font-weight="700" fill="#ffffff">{initial}</text></svg>'
    )


@bp.get("/brand.css")
def stylesheet():
    text = brand_css(current_app.config["BRAND_COLOUR"])
    response = Response(text, mimetype="text/css")
    response.cache_control.public = True
    response.cache_control.max_age = LONG_CACHE if request.args.get("v") == _version(text) else DAY
    response.set_etag(_version(text))
    return response.make_conditional(request)


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico whatever the page says; answer with the agency's icon."""
    configured = current_app.config["FAVICON_URL"]
    if configured:
        return redirect(configured, code=302)
    svg = favicon_svg(current_app.config["BRAND_COLOUR"], current_app.config["COLLECTOR_NAME"])
    response = Response(svg, mimetype="image/svg+xml")
    response.cache_control.public = True
    response.cache_control.max_age = DAY
    return response


def image_origins(config) -> list[str]:
    """The https origins of a configured logo or favicon, which the CSP's img-src must allow."""
    origins = []
    for name in ("COLLECTOR_LOGO_URL", "FAVICON_URL"):
        parts = urlsplit(config.get(name) or "")
        if parts.scheme == "https" and parts.netloc:
            origins.append(f"https://{parts.netloc}")
    return sorted(set(origins))


def _brand():
    config = current_app.config
    return {
        "stylesheet": url_for("look.stylesheet", v=_version(brand_css(config["BRAND_COLOUR"]))),
        "favicon": config["FAVICON_URL"] or url_for("look.favicon"),
        "favicon_type": "" if config["FAVICON_URL"] else "image/svg+xml",
        "logo": config["COLLECTOR_LOGO_URL"],
    }


def note_contact_shown() -> str:
    """Called by the contact_details macro: the page shows our contact details, so the footer
    need not show them a second time. Returns nothing to print."""
    g.contact_shown = True
    return ""


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.add_template_global(note_contact_shown)

    @app.context_processor
    def _look():
        if not has_request_context():
            return {}  # an email rendered by the task runner has no page around it
        return {"brand": _brand(), "contact_shown": lambda: g.get("contact_shown", False)}
