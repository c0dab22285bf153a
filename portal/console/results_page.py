"""The Results page: what the portal recovers, for the creditors and dates asked for.

Each figure is one table, built once here and used three ways: shown on the page, drawn as an
SVG chart beside it, and downloaded as CSV. So the picture, the table and the file always agree.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from flask import Response, abort, render_template, request
from flask_babel import format_date, format_decimal, format_percent, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from portal import clock
from portal.console import access, results
from portal.console.blueprint import bp
from portal.console.charts import bar_chart, csv_text
from portal.console.results_forms import ALL, ResultsFilterForm, filters_from
from portal.domain.money import Money
from portal.i18n import money

#: The funnel's steps (results.STEPS) as the page names them.
STEP_LABELS = {
    "issued": _l("Given a link"),
    "sent": _l("Sent the link by email or text"),
    "opened": _l("Opened the link"),
    "identity_confirmed": _l("Confirmed who they are"),
    "option_chosen": _l("Chose what to do"),
    "paid": _l("Paid"),
}
PLAN_LABELS = (
    ("on_track", _l("On track")),
    ("behind", _l("Behind: missed a payment")),
    ("broken", _l("Broken")),
    ("completed", _l("Completed")),
    ("cancelled", _l("Cancelled after a dispute")),
)
_PERCENT_PLACES = Decimal("0.1")


@dataclass(frozen=True)
class Table:
    """One figure: its section of the page, its table, its charts and its CSV."""

    name: str  # in the CSV's address and file name
    heading: str
    about: str  # what the figures count
    nothing: str  # said instead of an empty chart and table
    caption: str
    download: str  # the CSV link's text, naming the table
    #: (heading, True for a number column) for each column; the first column heads each row.
    columns: tuple[tuple[str, bool], ...]
    #: The cells as the page shows them; `Money` cells are formatted by the template's filter.
    rows: tuple[tuple, ...]
    csv_header: tuple[str, ...]
    #: Plain data: counts and dates as they are, amounts in major units beside their currency.
    csv_rows: tuple[tuple, ...]
    charts: tuple[Markup, ...] = ()
    notes: tuple[str, ...] = ()


def _number(value: int | Decimal) -> str:
    return format_decimal(value)


def _accounts(count: int) -> str:
    return ngettext("%(num)d account", "%(num)d accounts", count)


def _share(part: int, whole: int) -> Decimal:
    """*part* as a percentage of *whole*, to one decimal place."""
    return (Decimal(part) * 100 / whole).quantize(_PERCENT_PLACES, rounding=ROUND_HALF_UP)


def funnel_table(creditor_ids: list[int], start: date, end: date) -> Table:
    funnel = results.funnel(creditor_ids, start, end)
    counts = [(str(STEP_LABELS[step.step]), step.accounts) for step in funnel.steps]
    issued = {step.step: step.accounts for step in funnel.steps}["issued"]
    shares = [(label, count, _share(count, issued)) for label, count in counts] if issued else []
    return Table(
        name="funnel",
        heading=_("From link to payment"),
        about=_(
            "Accounts given a link in these dates, and how many of them went on, within the dates, "
            "to each step. Opening counts among everyone given a link (a link read out on the phone "
            "is never sent); each step after it counts only those who reached the step before."
        ),
        nothing=_("Nothing yet for these filters: no account was given a link in these dates."),
        caption=_("Accounts at each step, from link to payment"),
        download=_("Download the funnel as CSV"),
        columns=((_("Step"), False), (_("Accounts"), True), (_("Of those given a link"), True)),
        rows=tuple(
            (label, _number(count), format_percent(share / 100, "#,##0.0%")) for label, count, share in shares
        ),
        csv_header=(_("Step"), _("Accounts"), _("Of those given a link (%)")),
        csv_rows=tuple(shares),
        charts=(
            bar_chart(_("Accounts at each step"), counts, value_label=_accounts, chart_id="funnel-chart"),
        )
        if issued
        else (),
        notes=(
            _(
                "Links issued: %(issued)s. Link messages sent: %(sent)s.",
                issued=_number(funnel.links_issued),
                sent=_number(funnel.links_sent),
            ),
        )
        if issued
        else (),
    )


def recovered_table(creditor_ids: list[int], start: date, end: date) -> Table:
    weeks = results.recovered_by_week(creditor_ids, start, end)
    by_currency: dict[str, list[results.WeekRecovered]] = defaultdict(list)
    for row in weeks:
        by_currency[row.amount.currency].append(row)
    totals = [
        Money(sum(row.amount.minor for row in rows), currency)
        for currency, rows in sorted(by_currency.items())
    ]
    charts = tuple(
        bar_chart(
            _("Money recovered by creditor and week, in %(currency)s", currency=currency),
            [
                (
                    _("%(creditor)s, week of %(day)s", creditor=row.creditor, day=format_date(row.week)),
                    row.amount.minor,
                )
                for row in rows
            ],
            value_label=lambda minor, currency=currency: money(Money(minor, currency)),
            chart_id=f"recovered-{currency.lower()}",
        )
        for currency, rows in sorted(by_currency.items())
    )
    return Table(
        name="recovered",
        heading=_("Money recovered"),
        about=_(
            "What payments made in these dates took off the debts, less what was refunded, by creditor "
            "and by the week they were made in (weeks start on Monday)."
        ),
        nothing=_("Nothing yet for these filters: no payment was made in these dates."),
        caption=_("Money recovered by creditor and week"),
        download=_("Download the money recovered as CSV"),
        columns=((_("Creditor"), False), (_("Week beginning"), False), (_("Amount"), True)),
        rows=tuple((row.creditor, format_date(row.week, "long"), row.amount) for row in weeks),
        csv_header=(_("Creditor"), _("Week beginning"), _("Currency"), _("Amount")),
        csv_rows=tuple(
            (row.creditor, row.week, row.amount.currency, row.amount.as_decimal()) for row in weeks
        ),
        charts=charts,
        notes=(_("Recovered in all: %(amounts)s.", amounts=", ".join(money(total) for total in totals)),)
        if totals
        else (),
    )


def plans_table(creditor_ids: list[int], start: date, end: date) -> Table:
    health = results.plan_health(creditor_ids, start, end)
    counts = [(str(label), getattr(health, key)) for key, label in PLAN_LABELS]
    anything = any(count for _label, count in counts)
    return Table(
        name="plans",
        heading=_("Instalment plans"),
        about=_("Instalment plans in force at any time in these dates, by where they stand now."),
        nothing=_("Nothing yet for these filters: no instalment plan was in force in these dates."),
        caption=_("Instalment plans by where they stand now"),
        download=_("Download the plans as CSV"),
        columns=((_("Where the plan stands"), False), (_("Plans"), True)),
        rows=tuple((label, _number(count)) for label, count in counts) if anything else (),
        csv_header=(_("Where the plan stands"), _("Plans")),
        csv_rows=tuple(counts),
        charts=(
            bar_chart(
                _("Instalment plans by where they stand"),
                counts,
                value_label=lambda count: ngettext("%(num)d plan", "%(num)d plans", count),
                chart_id="plans-chart",
            ),
        )
        if anything
        else (),
    )


def discounts_table(creditor_ids: list[int], start: date, end: date) -> Table:
    settled = results.settlement_discounts(creditor_ids, start, end)
    paid_label, forgiven_label = _("Paid by the debtors"), _("Forgiven by the creditors")
    return Table(
        name="discounts",
        heading=_("Settlement discounts"),
        about=_(
            "Accounts settled for less than they owed, with the settlement paid in these dates: what "
            "the debtors paid and what the creditors forgave."
        ),
        nothing=_("Nothing yet for these filters: no settlement was paid in these dates."),
        caption=_("Settlement discounts by currency"),
        download=_("Download the settlement discounts as CSV"),
        columns=(
            (_("Currency"), False),
            (_("Accounts settled"), True),
            (paid_label, True),
            (forgiven_label, True),
        ),
        rows=tuple((d.paid.currency, _number(d.accounts), d.paid, d.forgiven) for d in settled.by_currency),
        csv_header=(_("Currency"), _("Accounts settled"), paid_label, forgiven_label),
        csv_rows=tuple(
            (d.paid.currency, d.accounts, d.paid.as_decimal(), d.forgiven.as_decimal())
            for d in settled.by_currency
        ),
        charts=tuple(
            bar_chart(
                _("Settlements in %(currency)s: paid and forgiven", currency=d.paid.currency),
                [(paid_label, d.paid.minor), (forgiven_label, d.forgiven.minor)],
                value_label=lambda minor, currency=d.paid.currency: money(Money(minor, currency)),
                chart_id=f"discounts-{d.paid.currency.lower()}",
            )
            for d in settled.by_currency
        ),
    )


def _bucket(bucket: results.DayBucket) -> str:
    if bucket.under_days is None:
        return ngettext("%(num)d day or more", "%(num)d days or more", bucket.from_days)
    if bucket.from_days == 0:
        return ngettext("Less than %(num)d day", "Less than %(num)d days", bucket.under_days)
    return _("%(low)d to under %(high)d days", low=bucket.from_days, high=bucket.under_days)


def waits_table(creditor_ids: list[int], start: date, end: date) -> Table:
    waited = results.time_to_first_payment(creditor_ids, start, end)
    counts = [(_bucket(bucket), bucket.accounts) for bucket in waited.spread]
    return Table(
        name="time-to-first-payment",
        heading=_("Time from first link to first payment"),
        about=_(
            "Accounts whose first payment was made in these dates: the days from their first link to "
            "that payment. Accounts that paid before any link are left out."
        ),
        nothing=_("Nothing yet for these filters: no account made its first payment in these dates."),
        caption=_("Accounts by the time from their first link to their first payment"),
        download=_("Download the time to first payment as CSV"),
        columns=((_("Time to first payment"), False), (_("Accounts"), True)),
        rows=tuple((label, _number(count)) for label, count in counts) if waited.accounts else (),
        csv_header=(_("Time to first payment"), _("From (days)"), _("Under (days)"), _("Accounts")),
        csv_rows=tuple(
            (label, bucket.from_days, bucket.under_days, bucket.accounts)
            for (label, _count), bucket in zip(counts, waited.spread, strict=True)
        ),
        charts=(
            bar_chart(
                _("Accounts by days from first link to first payment"),
                counts,
                value_label=_accounts,
                chart_id="waits-chart",
            ),
        )
        if waited.accounts
        else (),
        notes=(
            _(
                "Half of them paid within %(median)s days of their first link, and nine in ten within "
                "%(p90)s days.",
                median=format_decimal(waited.median_days, format="#,##0.0"),
                p90=format_decimal(waited.p90_days, format="#,##0.0"),
            ),
        )
        if waited.accounts
        else (),
    )


#: Every table, in the page's order, by the name its CSV is downloaded under.
TABLES = {
    "funnel": funnel_table,
    "recovered": recovered_table,
    "plans": plans_table,
    "discounts": discounts_table,
    "time-to-first-payment": waits_table,
}


def _filters() -> tuple[ResultsFilterForm, list[int] | None, str]:
    """The filters asked for, the creditors they cover (None while the filters are wrong) and
    whom the figures are about. A creditor the person may not see is "not found"."""
    chosen = request.args.get("creditor", ALL)
    if chosen and chosen != ALL:
        creditor = access.creditor_or_404(chosen)
        creditor_ids, who = [creditor.id], creditor.name
    else:
        creditor_ids, who = access.creditor_ids(), _("all the creditors you may see")
    choices = [(ALL, _("All the creditors you may see"))]
    choices += [(creditor.slug, creditor.name) for creditor in access.creditors()]
    form = filters_from(request.args, choices, clock.today())
    if not form.validate():
        return form, None, who
    return form, creditor_ids, who


def _page(form: ResultsFilterForm, tables: list[Table] | None, who: str):
    return render_template(
        "console/results.html",
        form=form,
        errors=form.error_summary() if tables is None else [],
        tables=tables,
        who=who,
        csv_args=form.query_args(),
    )


# The endpoint is console.results, as the navigation knows it; `results` here is the figures' module.
@bp.route("/results", endpoint="results")
@access.signed_in
def results_view():
    form, creditor_ids, who = _filters()
    if creditor_ids is None:
        return _page(form, None, who), 400
    tables = [build(creditor_ids, form.start.data, form.end.data) for build in TABLES.values()]
    return _page(form, tables, who)


@bp.route("/results/<table>.csv", endpoint="results_csv")
@access.signed_in
def results_csv(table: str):
    build = TABLES.get(table)
    if build is None:
        abort(404)
    form, creditor_ids, who = _filters()
    if creditor_ids is None:
        return _page(form, None, who), 400
    start, end = form.start.data, form.end.data
    made = build(creditor_ids, start, end)
    # Only the fixed table names, a slug's safe characters and ISO dates reach the file name.
    scope = re.sub(r"[^a-z0-9-]+", "-", form.creditor.data.lower()).strip("-") or ALL
    filename = f"{table}-{scope}-{start.isoformat()}-to-{end.isoformat()}.csv"
    return Response(
        csv_text(made.csv_header, made.csv_rows),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename={filename}"},
    )
