"""`set-policy` and `show-policy`: defaults, every bad value named, versions that never change."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import CreditorPolicy


def _versions() -> list[tuple[int, dict]]:
    db.session.expire_all()
    rows = db.session.scalars(select(CreditorPolicy).order_by(CreditorPolicy.version)).all()
    return [(row.version, row.settings) for row in rows]


def _lines(output: str) -> dict[str, str]:
    """The "  name: value" lines of a printed policy."""
    pairs = (line.strip().split(": ", 1) for line in output.splitlines() if line.startswith("  "))
    return dict(pairs)


@pytest.fixture
def acme(make_account):
    """A creditor whose largest open balance is 1,060.25 USD (1,000 + 50.25 interest + 10 fees)."""
    return make_account().creditor


def test_a_new_creditor_shows_the_defaults_as_version_1(acme, runner):
    result = runner.invoke(args=["show-policy", "acme"])

    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "acme: policy version 1"
    shown = _lines(result.output)
    assert shown["currency"] == "USD"
    assert shown["part_minimum"] == "10.00 USD"
    assert shown["instalment_minimum"] == "25.00 USD"
    assert shown["down_payment_minimum"] == "0.00 USD"
    assert shown["settlement_max_discount_pct"] == "20"
    assert shown["frequencies"] == "weekly,every_two_weeks,monthly"
    assert shown["retry_days"] == "3,7"
    assert shown["misses_before_broken"] == "2"
    assert [version for version, _ in _versions()] == [1]  # the defaults are written down


def test_an_unknown_creditor_is_named(runner, acme):
    for args in (["show-policy", "nope"], ["set-policy", "nope", "--grace-days", "2"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 1
        assert "No creditor 'nope'" in result.output


@pytest.mark.parametrize(
    ("options", "named"),
    [
        (["--settlement-max-discount-pct", "150"], "settlement_max_discount_pct must be between 0 and 100"),
        (["--part-minimum", "2000.00"], "part_minimum is above the largest balance owed to this creditor"),
        (["--instalment-minimum", "1060.26"], "instalment_minimum is above the largest balance"),
        (["--frequencies", "weekly,fortnightly"], "'fortnightly' is not a valid Frequency"),
        (["--part-minimum", "12.345"], "'12.345' has more than 2 decimal places for USD"),
        (["--part-minimum", "ten"], "'ten' is not an amount"),
        (["--retry-days", "7,3"], "retry_days must be increasing"),
    ],
)
def test_a_bad_value_is_named_and_nothing_is_saved(acme, runner, options, named):
    runner.invoke(args=["show-policy", "acme"])  # version 1 exists
    before = _versions()

    result = runner.invoke(args=["set-policy", "acme", *options])

    assert result.exit_code == 1
    assert "Not changed:" in result.output and named in result.output
    assert _versions() == before


def test_every_bad_value_is_named_at_once(acme, runner):
    result = runner.invoke(
        args=["set-policy", "acme", "--settlement-max-discount-pct", "101", "--part-minimum", "5000"]
    )
    assert result.exit_code == 1
    assert "settlement_max_discount_pct" in result.output and "part_minimum" in result.output


def test_a_minimum_equal_to_the_largest_balance_is_allowed(acme, runner):
    result = runner.invoke(args=["set-policy", "acme", "--part-minimum", "1060.25"])
    assert result.exit_code == 0, result.output


def test_nothing_to_change_is_refused(acme, runner):
    result = runner.invoke(args=["set-policy", "acme"])
    assert result.exit_code == 1
    assert "Nothing to change" in result.output


def test_amounts_typed_in_major_units_are_stored_in_minor_units(acme, runner):
    result = runner.invoke(
        args=[
            "set-policy",
            "acme",
            "--part-minimum",
            "12.5",
            "--instalment-minimum",
            "30.50",
            "--down-payment-minimum",
            "100",
        ]
    )
    assert result.exit_code == 0, result.output
    (_, settings) = _versions()[-1]
    assert settings["part_minimum"] == 1250
    assert settings["instalment_minimum"] == 3050
    assert settings["down_payment_minimum"] == 10000
    assert _lines(result.output)["instalment_minimum"] == "30.50 USD"


def test_amounts_follow_the_currencys_decimal_places(acme, runner):
    result = runner.invoke(args=["set-policy", "acme", "--currency", "jpy", "--part-minimum", "500"])
    assert result.exit_code == 0, result.output
    (_, settings) = _versions()[-1]
    assert settings["currency"] == "JPY" and settings["part_minimum"] == 500
    refused = runner.invoke(args=["set-policy", "acme", "--part-minimum", "500.5"])
    assert "'500.5' has more than 0 decimal places for JPY" in refused.output


def test_each_change_is_a_new_version_and_earlier_versions_stay_as_they_were(acme, runner):
    runner.invoke(args=["show-policy", "acme"])
    (_, version_1) = _versions()[0]

    first = runner.invoke(args=["set-policy", "acme", "--settlement-max-discount-pct", "30"])
    second = runner.invoke(
        args=["set-policy", "acme", "--grace-days", "5", "--frequencies", "monthly", "--part-payments", "no"]
    )

    assert first.output.splitlines()[0] == "acme: policy version 2 saved"
    assert second.output.splitlines()[0] == "acme: policy version 3 saved"
    versions = dict(_versions())
    assert sorted(versions) == [1, 2, 3]
    assert versions[1] == version_1
    assert versions[1]["settlement_max_discount_pct"] == 20
    assert versions[2]["settlement_max_discount_pct"] == 30 and versions[2]["grace_days"] == 3
    assert versions[3]["settlement_max_discount_pct"] == 30  # carried forward
    assert versions[3]["grace_days"] == 5
    assert versions[3]["frequencies"] == ["monthly"]
    assert versions[3]["part_payments"] is False
    assert versions[2]["frequencies"] == ["weekly", "every_two_weeks", "monthly"]
    shown = runner.invoke(args=["show-policy", "acme"])
    assert shown.output.splitlines()[0] == "acme: policy version 3"


def test_a_creditors_versions_are_its_own(make_account, runner):
    make_account("A-1")
    make_account("B-1", creditor_slug="bigbank", creditor_name="Big Bank", full_name="John Roe")
    runner.invoke(args=["set-policy", "acme", "--grace-days", "4"])
    result = runner.invoke(args=["set-policy", "bigbank", "--grace-days", "6"])
    assert result.output.splitlines()[0] == "bigbank: policy version 2 saved"
    assert _lines(runner.invoke(args=["show-policy", "acme"]).output)["grace_days"] == "4"


@pytest.mark.parametrize("typed", ["1,50", "12,50", "1,2345"])
def test_an_amount_whose_comma_is_not_a_thousands_separator_is_refused(acme, runner, typed):
    """ "1,50" used to be saved as 150.00: every comma was dropped."""
    runner.invoke(args=["show-policy", "acme"])
    before = _versions()

    result = runner.invoke(args=["set-policy", "acme", "--part-minimum", typed])

    assert result.exit_code == 1
    assert f"Not changed: '{typed}' is not an amount like 1234.50 (a comma may only separate thousands)" in (
        result.output
    )
    assert _versions() == before


def test_thousands_separators_are_read_in_set_policy(acme, runner):
    result = runner.invoke(args=["set-policy", "acme", "--part-minimum", "1,000.00"])
    assert result.exit_code == 0, result.output
    assert _versions()[-1][1]["part_minimum"] == 100000
