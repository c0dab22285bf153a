"""`flask contact-check REFERENCE [--now ISO]`: per channel, may a collector make contact now, and why not."""

from __future__ import annotations

from portal.extensions import db
from tests.preferences.conftest import stop

MORNING = "2027-01-15T14:00:00Z"  # 09:00 in New York
NIGHT = "2027-01-15T03:00:00Z"  # 22:00 in New York (14 January)


def _lines(result) -> dict[str, str]:
    assert result.exit_code == 0, result.output
    rows = [line.split(None, 1) for line in result.output.splitlines() if line.startswith("  ")]
    return {channel: answer for channel, answer in rows}


def test_in_hours_with_nothing_stopped_everything_is_allowed(reachable, runner):
    reachable()
    result = runner.invoke(args=["contact-check", "ACC-1", "--now", MORNING])
    assert result.output.splitlines()[0] == "acme/ACC-1 at 2027-01-15 09:00 EST (America/New_York)"
    assert _lines(result) == {c: "allowed" for c in ("email", "sms", "phone", "post")}


def test_at_night_only_post_is_allowed_and_the_next_time_is_given(reachable, runner):
    reachable()
    result = runner.invoke(args=["contact-check", "ACC-1", "--now", NIGHT])
    next_time = "not allowed: outside_hours (next from 2027-01-15 08:00 EST)"
    assert _lines(result) == {"email": next_time, "sms": next_time, "phone": next_time, "post": "allowed"}


def test_preferences_and_missing_details_are_honoured(reachable, runner):
    account = reachable(zone="Europe/Madrid")
    account.debtor.phone = None
    account.debtor.preferred_channel = "post"
    account.debtor.preferred_times = "Mornings"
    account.debtor.language = "es"
    db.session.commit()
    stop(account.debtor, "email")

    result = runner.invoke(args=["contact-check", "ACC-1", "--now", MORNING])  # 15:00 in Madrid

    assert "at 2027-01-15 15:00 CET (Europe/Madrid)" in result.output
    assert _lines(result) == {
        "email": "not allowed: opted_out",
        "sms": "not allowed: no_address",
        "phone": "not allowed: no_address",
        "post": "allowed",
    }
    assert "Preferred channel: post" in result.output
    assert "Preferred times: Mornings" in result.output
    assert "Language: es" in result.output


def test_without_now_it_uses_the_portals_clock(reachable, runner):
    reachable()
    result = runner.invoke(args=["contact-check", "ACC-1"])
    assert set(_lines(result)) == {"email", "sms", "phone", "post"}
    assert "Preferred channel: not given" in result.output


def test_a_time_without_a_zone_is_refused(reachable, runner):
    reachable()
    result = runner.invoke(args=["contact-check", "ACC-1", "--now", "2027-01-15T14:00:00"])
    assert result.exit_code == 2 and "has no time zone" in result.output
    result = runner.invoke(args=["contact-check", "ACC-1", "--now", "tomorrow"])
    assert result.exit_code == 2 and "is not a time like" in result.output


def test_an_unknown_reference_is_reported(app, runner):
    result = runner.invoke(args=["contact-check", "NOPE"])
    assert result.exit_code == 1 and "No account with reference 'NOPE'" in result.output


def test_a_repeated_reference_needs_the_creditor(reachable, runner):
    reachable("ACC-1")
    reachable("ACC-1", creditor_slug="other", creditor_name="Other Bank")
    assert "add --creditor SLUG" in runner.invoke(args=["contact-check", "ACC-1"]).output
    result = runner.invoke(args=["contact-check", "ACC-1", "--creditor", "other", "--now", MORNING])
    assert result.output.startswith("other/ACC-1 at")
