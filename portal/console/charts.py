"""Charts drawn on the server as SVG, and the CSV download of each chart's table.

A chart is a picture of the table printed beside it, never the only way to the figures: it is one
image to a screen reader (`role="img"`, named by its <title> and summarised by its <desc>), it
needs no JavaScript, and it scales to its container through its viewBox.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

from markupsafe import Markup, escape

WIDTH = 640
ROW = 44  # each row: its label on one line, its bar beneath
TOP = 8
VALUE_SPACE = 150  # room right of the longest bar for its value
LABEL_CHARS = 80  # longer labels are cut in the picture; the table beside holds them whole
#: 5.2:1 against white (GOV.UK blue), so the bars meet the 3:1 asked of graphics.
BAR = "#1d70b8"
#: 19.5:1 against white.
TEXT = "#0b0c0c"
#: A spreadsheet reads a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def bar_chart(
    title: str,
    rows: Sequence[tuple[str, int]],
    *,
    value_label: Callable[[int], str],
    chart_id: str | None = None,
) -> Markup:
    """Horizontal bars, one per (label, value), longest for the largest value.

    *value_label* writes a value for people (a money amount, a count); *chart_id* makes the ids
    of the title and description unique on the page (by default, from the title and rows).
    """
    rows = list(rows)
    key = chart_id or "chart-" + hashlib.sha256(repr((title, rows)).encode()).hexdigest()[:10]
    title_id, desc_id = f"{key}-title", f"{key}-desc"
    largest = max((value for _, value in rows), default=0)
    span = WIDTH - VALUE_SPACE
    height = TOP * 2 + ROW * len(rows)
    summary = "; ".join(f"{label}: {value_label(value)}" for label, value in rows) or title
    parts = [
        Markup(
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="100%" role="img" '
            'aria-labelledby="{t} {d}" class="chart" font-family="sans-serif" font-size="14">'
        ).format(w=WIDTH, h=height, t=title_id, d=desc_id),
        Markup('<title id="{}">{}</title>').format(title_id, escape(title)),
        Markup('<desc id="{}">{}</desc>').format(desc_id, escape(summary)),
    ]
    for number, (label, value) in enumerate(rows):
        top = TOP + ROW * number
        length = max(1, round(span * value / largest)) if value > 0 else 0  # a small value still shows
        shown = label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "\u2026"
        parts.append(
            Markup(
                '<g><text x="0" y="{ly}" fill="{text}">{label}</text>'
                '<rect x="0" y="{by}" width="{length}" height="16" fill="{bar}"/>'
                '<text x="{vx}" y="{vy}" fill="{text}">{value}</text></g>'
            ).format(
                ly=top + 14,
                by=top + 20,
                vy=top + 33,
                vx=length + 6,
                length=length,
                label=escape(shown),
                value=escape(value_label(value)),
                bar=BAR,
                text=TEXT,
            )
        )
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def csv_text(header: Sequence[str], rows: Iterable[Sequence]) -> str:
    """The table as CSV (RFC 4180, CRLF line ends), safe to open in a spreadsheet.

    Numbers are written as they are; any other cell that a spreadsheet would run as a formula
    gets a leading apostrophe, so it is shown as text.
    """
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_cell(cell) for cell in header])
    writer.writerows([_cell(cell) for cell in row] for row in rows)
    return out.getvalue()


def _cell(value) -> str | int | float | Decimal:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, date | datetime):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
