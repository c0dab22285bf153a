"""The Results page and its CSV downloads: the figures of a small scenario, on the page and in the
files alike; each person sees only their creditors; wrong filters are said, not silently ignored."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest

from portal.models import PlanStatus, Purpose
from portal.models.types import utcnow
from tests.helpers.plans import plan_rows
from tests.helpers.results import at, fake_gateway, link, paid, pay_by_card

TABLE_NAMES = ("funnel", "recovered", "plans", "discounts", "time-to-first-payment")


class _Tables(HTMLParser):
    """Each table's caption and rows (cell texts, header cells too), and each link's text and href."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.links: dict[str, str] = {}
        self._caption = self._row = self._cell = self._link = None
        self._rows: list[list[str]] = []

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._rows = []
        elif tag == "caption":
            self._caption = ""
        elif tag == "tr":
            self._row = []
        elif tag in ("th", "td"):
            self._cell = ""
        elif tag == "a":
            self._link = (dict(attrs).get("href"), "")

    def handle_endtag(self, tag):
        if tag == "caption":
            self.tables[self._caption.strip()] = self._rows
        elif tag in ("th", "td") and self._row is not None:
            self._row.append(" ".join(self._cell.split()))
            self._cell = None
        elif tag == "tr":
            self._rows.append(self._row)
            self._row = None
        elif tag == "a" and self._link:
            href, text = self._link
            self.links[" ".join(text.split())] = href
            self._link = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data
        elif self._caption is not None and self._row is None and not self._rows:
            self._caption += data
        if self._link is not None:
            self._link = (self._link[0], self._link[1] + data)


def _read(page: str) -> _Tables:
    parser = _Tables()
    parser.feed(page)
    return parser


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def _section(page: str, name: str) -> str:
    """The HTML of one section of the page, from its <section> to the next."""
    start = page.index(f'<section aria-labelledby="{name}">')
    end = page.find("<section", start + 1)
    return page[start : end if end != -1 else len(page)]


@pytest.fixture
def scenario(app, make_account):
    """Acme: Jane given a link, in and paid in full; John given a link, never opened it, on a plan;
    Ana settled without a link. Bravo: Bo given a link, in, settled; a broken plan."""
    gateway = fake_gateway(app)
    today = utcnow().date()
    jane = make_account("ACC-1")  # owes 1,060.25 USD
    john = make_account("ACC-2", full_name="John Roe", email="john@example.com")
    ana = make_account("ACC-3", full_name="Ana Ruiz", email="ana@example.com")
    bo = make_account("BR-1", "bravo", "Bravo Credit", full_name="Bo Park", email="bo@example.com")
    link(jane, opened=True, confirmed=True)
    pay_by_card(gateway, jane)
    link(john)
    plan_rows(john, [(today + timedelta(days=30), 20000)])
    pay_by_card(gateway, ana, 60000, Purpose.SETTLEMENT)
    link(bo, opened=True, confirmed=True)
    pay_by_card(gateway, bo, 50000, Purpose.SETTLEMENT)
    plan_rows(bo, [(today + timedelta(days=30), 20000)], status=PlanStatus.BROKEN)
    return {"today": today, "monday": today - timedelta(days=today.weekday())}


def test_the_page_shows_each_figure_as_a_chart_beside_its_table_for_the_last_twelve_weeks(
    scenario, make_staff, console_sign_in
):
    today = scenario["today"]
    answer = console_sign_in(make_staff(role="agent", creditors=["acme"])).get("/console/results")

    assert answer.status_code == 200
    page = answer.text
    start = today - timedelta(days=83)
    assert f"from {start:%B} {start.day}, {start.year} to {today:%B} {today.day}, {today.year}" in page
    tables = _read(page).tables
    assert tables["Accounts at each step, from link to payment"] == [
        ["Step", "Accounts", "Of those given a link"],
        ["Given a link", "2", "100.0%"],
        ["Sent the link by email or text", "0", "0.0%"],
        ["Opened the link", "1", "50.0%"],
        ["Confirmed who they are", "1", "50.0%"],
        ["Chose what to do", "1", "50.0%"],
        ["Paid", "1", "50.0%"],
    ]
    monday = scenario["monday"]
    assert tables["Money recovered by creditor and week"] == [
        ["Creditor", "Week beginning", "Amount"],
        ["Acme Bank", f"{monday:%B} {monday.day}, {monday.year}", "$1,660.25"],
    ]
    assert tables["Instalment plans by where they stand now"] == [
        ["Where the plan stands", "Plans"],
        ["On track", "1"],
        ["Behind: missed a payment", "0"],
        ["Broken", "0"],
        ["Completed", "0"],
        ["Cancelled after a dispute", "0"],
    ]
    assert tables["Settlement discounts by currency"] == [
        ["Currency", "Accounts settled", "Paid by the debtors", "Forgiven by the creditors"],
        ["USD", "1", "$600.00", "$460.25"],
    ]
    waits = tables["Accounts by the time from their first link to their first payment"]
    assert waits[1] == ["Less than 1 day", "1"] and sum(int(row[1]) for row in waits[1:]) == 1
    assert "Links issued: 2. Link messages sent: 0." in _section(page, "funnel")
    assert "Recovered in all: $1,660.25." in _section(page, "recovered")
    assert "Half of them paid within 0.0 days" in _section(page, "time-to-first-payment")
    for name in TABLES_WITH_ONE_CHART:
        section = _section(page, name)
        assert section.count('<svg xmlns="http://www.w3.org/2000/svg"') == 1, name
        assert section.index("<svg") < section.index("<table"), name
        assert "Nothing yet" not in section
    assert 'role="img"' in page and 'id="recovered-usd-title"' in page
    assert "Bravo" not in page and "$500.00" not in page


TABLES_WITH_ONE_CHART = ("funnel", "recovered", "plans", "discounts", "time-to-first-payment")


def test_each_csv_holds_the_tables_figures_with_amounts_as_numbers_beside_their_currency(
    scenario, make_staff, console_sign_in
):
    client = console_sign_in(make_staff(role="agent", creditors=["acme"]))
    links = _read(client.get("/console/results").text).links
    downloads = {
        "funnel": "Download the funnel as CSV",
        "recovered": "Download the money recovered as CSV",
        "plans": "Download the plans as CSV",
        "discounts": "Download the settlement discounts as CSV",
        "time-to-first-payment": "Download the time to first payment as CSV",
    }
    files = {}
    for name, text in downloads.items():
        href = links[text]
        assert urlsplit(href).path == f"/console/results/{name}.csv"
        query = parse_qs(urlsplit(href).query)
        start = scenario["today"] - timedelta(days=83)
        assert query["creditor"] == ["all"]
        assert (query["from-day"], query["from-year"]) == ([str(start.day)], [str(start.year)])
        files[name] = _csv(client.get(href))

    assert files["funnel"] == [
        ["Step", "Accounts", "Of those given a link (%)"],
        ["Given a link", "2", "100.0"],
        ["Sent the link by email or text", "0", "0.0"],
        ["Opened the link", "1", "50.0"],
        ["Confirmed who they are", "1", "50.0"],
        ["Chose what to do", "1", "50.0"],
        ["Paid", "1", "50.0"],
    ]
    assert files["recovered"] == [
        ["Creditor", "Week beginning", "Currency", "Amount"],
        ["Acme Bank", scenario["monday"].isoformat(), "USD", "1660.25"],
    ]
    assert files["plans"][1:] == [["On track", "1"], ["Behind: missed a payment", "0"], ["Broken", "0"]] + [
        ["Completed", "0"],
        ["Cancelled after a dispute", "0"],
    ]
    assert files["discounts"] == [
        ["Currency", "Accounts settled", "Paid by the debtors", "Forgiven by the creditors"],
        ["USD", "1", "600.00", "460.25"],
    ]
    assert files["time-to-first-payment"][0] == [
        "Time to first payment",
        "From (days)",
        "Under (days)",
        "Accounts",
    ]
    assert files["time-to-first-payment"][1] == ["Less than 1 day", "0", "1", "1"]
    assert files["time-to-first-payment"][-1] == ["90 days or more", "90", "", "0"]


def test_one_creditor_or_all_of_them_and_never_one_the_person_may_not_see(
    scenario, make_staff, console_sign_in
):
    supervisor = console_sign_in(make_staff("boss@example.com", role="supervisor"))
    everyone = _read(supervisor.get("/console/results").text).tables
    recovered = everyone["Money recovered by creditor and week"][1:]
    assert [(row[0], row[2]) for row in recovered] == [
        ("Acme Bank", "$1,660.25"),
        ("Bravo Credit", "$500.00"),
    ]
    assert everyone["Accounts at each step, from link to payment"][-1] == ["Paid", "2", "66.7%"]
    only_bravo = supervisor.get("/console/results", query_string={"creditor": "bravo"})
    assert only_bravo.status_code == 200
    bravo = _read(only_bravo.text)
    assert bravo.tables["Money recovered by creditor and week"][1:][0][2] == "$500.00"
    assert len(bravo.tables["Money recovered by creditor and week"]) == 2
    assert parse_qs(urlsplit(bravo.links["Download the plans as CSV"]).query)["creditor"] == ["bravo"]
    assert _csv(supervisor.get(bravo.links["Download the plans as CSV"]))[1:4] == [
        ["On track", "0"],
        ["Behind: missed a payment", "0"],
        ["Broken", "1"],
    ]

    agent = console_sign_in(make_staff(role="agent", creditors=["acme"]))
    for path in ("/console/results", "/console/results/recovered.csv", "/console/results/funnel.csv"):
        for slug in ("bravo", "no-such-creditor"):
            assert agent.get(path, query_string={"creditor": slug}).status_code == 404, (path, slug)
    for name in TABLE_NAMES:
        text = agent.get(f"/console/results/{name}.csv").get_data(as_text=True)
        assert "Bravo" not in text and "500.00" not in text, name
    recovered = _csv(agent.get("/console/results/recovered.csv", query_string={"creditor": "acme"}))
    assert [row[0] for row in recovered[1:]] == ["Acme Bank"]


def test_wrong_dates_are_said_with_a_linked_summary_and_no_figures(scenario, make_staff, console_sign_in):
    client = console_sign_in(make_staff(role="agent"))
    today = scenario["today"]
    cases = [
        ({"from-day": "31", "from-month": "2", "from-year": "2026"}, "#from-month", "Enter a real date"),
        ({"to-day": "", "to-month": "", "to-year": ""}, "#to-month", "Enter the last day of the period"),
        (
            {"from-day": "x", "from-month": "1", "from-year": "2026"},
            "#from-month",
            "Enter the date using numbers",
        ),
        (
            {
                "from-day": "10",
                "from-month": "3",
                "from-year": "2026",
                "to-day": "9",
                "to-month": "3",
                "to-year": "2026",
            },
            "#to-month",
            "The last day must be the same as or after the first day",
        ),
        ({"to-day": "31", "to-month": "12", "to-year": "9999"}, "#to-month", "The period must end by today"),
    ]
    for query, anchor, message in cases:
        for path in ("/console/results", "/console/results/recovered.csv"):
            answer = client.get(path, query_string=query)
            assert answer.status_code == 400, (path, query)
            page = answer.text
            assert "<title>Error:" in page and "There is a problem" in page
            assert re.search(rf'<a href="{anchor}">{message}', page), (query, page)
            assert "$1,660.25" not in page and "<svg" not in page and "Correct the filters" in page
    kept = client.get("/console/results", query_string={"to-day": "9", "to-month": "3", "to-year": "1999"})
    assert kept.status_code == 400
    assert 'value="1999"' in kept.text  # what was typed is shown again beside its error
    assert client.get("/console/results", query_string={"creditor": ""}).status_code == 400
    one_day = {"from-day": str(today.day), "from-month": str(today.month), "from-year": str(today.year)}
    assert client.get("/console/results", query_string=one_day).status_code == 200


def test_a_period_with_nothing_in_it_says_so_in_every_section(scenario, make_staff, console_sign_in):
    client = console_sign_in(make_staff(role="agent"))
    last_year = {"from-day": "1", "from-month": "1", "from-year": "2020"}
    last_year |= {"to-day": "31", "to-month": "1", "to-year": "2020"}

    page = client.get("/console/results", query_string=last_year).text

    for name in TABLE_NAMES:
        section = _section(page, name)
        assert "Nothing yet for these filters" in section, name
        assert "<svg" not in section and "<table" not in section and ".csv" not in section, name
    empty = _csv(client.get("/console/results/recovered.csv", query_string=last_year))
    assert empty == [["Creditor", "Week beginning", "Currency", "Amount"]]


def test_an_unknown_table_is_not_found_and_signing_in_comes_first(
    scenario, make_staff, console_sign_in, client
):
    agent = console_sign_in(make_staff(role="agent"))
    for path in (
        "/console/results/secrets.csv",
        "/console/results/..%2Fstaff.csv",
        "/console/results/funnel.json",
    ):
        assert agent.get(path).status_code == 404, path
    for path in ("/console/results", "/console/results/funnel.csv"):
        answer = client.get(path)
        assert answer.status_code == 302 and "/console/sign-in" in answer.headers["Location"]
    nav = agent.get("/console/").text
    assert 'href="/console/results"' in nav


def test_a_creditor_named_like_a_formula_is_text_in_the_csv_and_escaped_on_the_page(
    app, make_account, make_staff, console_sign_in
):
    gateway = fake_gateway(app)
    hostile = '=HYPERLINK("http://evil.example","<b>x</b>")'
    account = make_account("EV-1", "evil", hostile, email="ev@example.com")
    pay_by_card(gateway, account)
    client = console_sign_in(make_staff(role="agent", creditors=["evil"]))

    rows = _csv(client.get("/console/results/recovered.csv"))
    assert rows[1][0] == "'" + hostile and rows[1][2:] == ["USD", "1060.25"]
    page = client.get("/console/results").text
    assert "<b>x</b>" not in page and "&lt;b&gt;x&lt;/b&gt;" in page


def test_payments_on_the_range_ends_count_and_one_day_outside_does_not(
    make_account, make_staff, console_sign_in
):
    jane = make_account("ACC-1")
    first, last = date(2026, 3, 2), date(2026, 3, 15)
    paid(jane, at(first, 0), 100)
    paid(jane, at(first - timedelta(days=1), 23, 59, 59), 200)
    paid(jane, at(last, 23, 59, 59), 400)
    paid(jane, at(last + timedelta(days=1), 0), 800)
    client = console_sign_in(make_staff(role="agent"))
    query = {
        "from-day": "2",
        "from-month": "3",
        "from-year": "2026",
        "to-day": "15",
        "to-month": "3",
        "to-year": "2026",
    }

    rows = _csv(client.get("/console/results/recovered.csv", query_string=query))

    assert rows[1:] == [
        ["Acme Bank", "2026-03-02", "USD", "1.00"],
        ["Acme Bank", "2026-03-09", "USD", "4.00"],
    ]
    answer = client.get("/console/results/recovered.csv", query_string=query)
    assert (
        answer.headers["Content-Disposition"]
        == "attachment; filename=recovered-all-2026-03-02-to-2026-03-15.csv"
    )
    page = _read(client.get("/console/results", query_string=query).text)
    assert page.tables["Money recovered by creditor and week"][1:] == [
        ["Acme Bank", "March 2, 2026", "$1.00"],
        ["Acme Bank", "March 9, 2026", "$4.00"],
    ]
