"""The Results page's charts and CSV: accessible SVG drawn on the server, and downloads that a
spreadsheet opens as data, never as formulas."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal

from markupsafe import Markup

from portal.console.charts import BAR, TEXT, bar_chart, csv_text

SVG = "{http://www.w3.org/2000/svg}"
ROWS = [("Acme Bank", 120000), ("Bravo Credit", 30000), ("Nothing yet", 0)]


def _dollars(minor: int) -> str:
    return f"${minor / 100:,.2f}"


def _parse(svg: Markup) -> ET.Element:
    return ET.fromstring(str(svg))  # raises on anything that is not well-formed XML


def _contrast_with_white(colour: str) -> float:
    def channel(hex_pair: str) -> float:
        c = int(hex_pair, 16) / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return 1.05 / (luminance + 0.05)


def test_a_bar_chart_is_one_named_and_described_image_that_scales():
    svg = bar_chart("Recovered by creditor", ROWS, value_label=_dollars)

    assert isinstance(svg, Markup)
    root = _parse(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert re.fullmatch(r"0 0 \d+ \d+", root.get("viewBox"))
    assert root.get("width") == "100%" and root.get("height") is None
    title_id, desc_id = root.get("aria-labelledby").split()
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert (title.get("id"), title.text) == (title_id, "Recovered by creditor")
    assert desc.get("id") == desc_id
    assert desc.text == "Acme Bank: $1,200.00; Bravo Credit: $300.00; Nothing yet: $0.00"


def test_each_bar_carries_its_label_and_value_and_is_as_long_as_its_share():
    root = _parse(bar_chart("Recovered", ROWS, value_label=_dollars))

    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert texts == ["Acme Bank", "$1,200.00", "Bravo Credit", "$300.00", "Nothing yet", "$0.00"]
    widths = [float(r.get("width")) for r in root.iter(f"{SVG}rect")]
    assert widths[0] > 0 and abs(widths[1] - widths[0] / 4) <= 0.5 and widths[2] == 0
    view_width = int(root.get("viewBox").split()[2])
    for group in root.iter(f"{SVG}g"):
        rect, value = group.find(f"{SVG}rect"), group.findall(f"{SVG}text")[1]
        assert float(value.get("x")) > float(rect.get("width"))  # the value sits past its bar
        assert float(rect.get("width")) < view_width


def test_colours_stand_out_from_white():
    root = _parse(bar_chart("Recovered", ROWS, value_label=_dollars))
    fills = {element.get("fill") for element in root.iter() if element.get("fill")}
    assert fills == {BAR, TEXT}
    assert all(_contrast_with_white(colour) >= 3 for colour in fills)


def test_labels_titles_and_values_are_escaped():
    hostile = '<script>alert("x")</script>'
    svg = bar_chart(hostile, [(hostile, 5), ("A & B", 3)], value_label=lambda v: f"<b>{v}</b>")

    root = _parse(svg)
    assert "<script>" not in str(svg) and "<b>" not in str(svg)
    assert not [element for element in root.iter() if element.tag.endswith("script")]
    assert root.find(f"{SVG}title").text == hostile
    assert [t.text for t in root.iter(f"{SVG}text")] == [hostile, "<b>5</b>", "A & B", "<b>3</b>"]


def test_two_charts_on_one_page_have_different_ids_and_a_chart_with_no_rows_still_draws():
    first = _parse(bar_chart("Plans", [("On track", 3)], value_label=str))
    second = _parse(bar_chart("Discounts", [("USD", 3)], value_label=str))
    assert first.get("aria-labelledby") != second.get("aria-labelledby")
    named = _parse(bar_chart("Plans", [], value_label=str, chart_id="plans"))
    assert named.get("aria-labelledby") == "plans-title plans-desc"
    assert named.find(f"{SVG}desc").text == "Plans"
    assert list(named.iter(f"{SVG}rect")) == []


def test_a_long_label_is_cut_in_the_picture_but_whole_in_the_description():
    label = "A creditor with a very long name " * 5
    root = _parse(bar_chart("Long", [(label, 1)], value_label=str))
    drawn = root.find(f"{SVG}g/{SVG}text").text
    assert len(drawn) <= 80 and drawn.endswith("\u2026")
    assert label in root.find(f"{SVG}desc").text


def test_csv_has_a_header_and_rows_and_quotes_what_needs_quoting():
    text = csv_text(
        ["Creditor", "Week", "Currency", "Amount (minor units)"],
        [("Acme, Inc.", date(2026, 11, 30), "USD", 120050), ('Say "hi"', date(2026, 12, 7), "EUR", -5)],
    )

    assert text.endswith("\r\n")
    assert list(csv.reader(io.StringIO(text))) == [
        ["Creditor", "Week", "Currency", "Amount (minor units)"],
        ["Acme, Inc.", "2026-11-30", "USD", "120050"],
        ['Say "hi"', "2026-12-07", "EUR", "-5"],  # a number is data, not a formula
    ]


def test_cells_a_spreadsheet_would_run_as_formulas_are_made_text():
    hostile = [
        '=HYPERLINK("http://evil")',
        "+1+1",
        "-2+3",
        "@SUM(A1)",
        "\tTAB",
        "plain",
        None,
        Decimal("1.50"),
    ]
    (row,) = list(csv.reader(io.StringIO(csv_text(["h"] * len(hostile), [hostile]))))[1:]
    assert row == [
        '\'=HYPERLINK("http://evil")',
        "'+1+1",
        "'-2+3",
        "'@SUM(A1)",
        "'\tTAB",
        "plain",
        "",
        "1.50",
    ]
    (header,) = list(csv.reader(io.StringIO(csv_text(["=cmd"], []))))
    assert header == ["'=cmd"]
