"""Pages and our own CSS and JavaScript sent compressed, without opening the BREACH side channel.

BREACH reads a secret (a CSRF token, a balance) from the size of compressed answers to requests an
attacker's page makes the victim's browser send, each reflecting a guess. Those requests are
cross-site, and browsers say so in `Sec-Fetch-Site`. So a page is compressed only when the browser
says the request came from the portal itself or from the person (a typed address, a bookmark, a
link opened from an email app): never for a cross-site request, nor for a browser that does not
say. Stylesheets, scripts and the favicon hold nothing secret and are always compressed.
"""

from __future__ import annotations

from flask import Flask, Response, request
from flask_compress import Compress

from portal.console.cookies import SUBRESOURCES

#: What a browser sends when the request did not come from another site.
FIRST_PARTY = frozenset({"same-origin", "none"})
COMPRESSED_TYPES = ["text/html", "text/css", "text/javascript", "application/javascript", "image/svg+xml"]

compress = Compress()


def may_compress(path: str, fetch_site: str | None) -> bool:
    """Whether an answer to this request may be compressed (see the module's docstring)."""
    return path.startswith(SUBRESOURCES) or fetch_site in FIRST_PARTY


def init_app(app: Flask) -> None:
    # Flask-Compress does the encoding; the decision of what to compress is ours.
    app.config.setdefault("COMPRESS_REGISTER", False)
    app.config.setdefault("COMPRESS_MIMETYPES", COMPRESSED_TYPES)
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_STREAMS", False)
    app.config.setdefault("COMPRESS_MIN_SIZE", 500)
    compress.init_app(app)

    @app.after_request
    def _compress(response: Response) -> Response:
        if not request.path.startswith(SUBRESOURCES):
            # A cache must not give a cross-site request the compressed copy, nor the reverse.
            response.vary.add("Sec-Fetch-Site")
        if not may_compress(request.path, request.headers.get("Sec-Fetch-Site")):
            return response
        if response.is_streamed and response.status_code == 200 and request.path.startswith(SUBRESOURCES):
            # Static files are sent as a stream, which would go out whole; ours are a few KB,
            # so they are read and compressed with a length, as pages are.
            response.direct_passthrough = False
            response.get_data()
        return compress.after_request(response)
