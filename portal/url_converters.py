"""Numbers in URLs (a receipt's or an attempt's id) are bounded by what the id columns hold.

Werkzeug's `int` takes any number of digits; a larger one sent to PostgreSQL as an id is an
"integer out of range" error, a 500 instead of the 404 a missing record gets.
"""

from __future__ import annotations

from werkzeug.routing import IntegerConverter

#: The largest id a 32-bit integer column holds.
ID_MAX = 2**31 - 1


class RecordId(IntegerConverter):
    """`<int:...>` with the id columns' bounds: a larger number does not match, so it is a 404."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", ID_MAX)
        super().__init__(map, *args, **kwargs)


def init_app(app) -> None:
    """Use bounded ids for every `<int:...>` route; call before any blueprint is registered."""
    app.url_map.converters["int"] = RecordId
