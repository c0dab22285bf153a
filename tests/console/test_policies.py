"""Policies in the console: the current version per creditor, its history with who changed what,
and the supervisor's form, which saves exactly what `set-policy` would and refuses what it would."""

from __future__ import annotations

import html
import re
import threading
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import CreditorPolicy


class _Inputs(HTMLParser):
    """What a browser would post for the form on a page: every input as it is filled in."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, list[str]] = {}

    def handle_starttag(self, tag, attrs):
        if tag != "input":
            return
        found = dict(attrs)
        kind = found.get("type", "text")
        if kind in ("radio", "checkbox") and "checked" not in found:
            return
        if kind == "file" or "name" not in found:
            return
        self.data.setdefault(found["name"], []).append(found.get("value") or "")


def _filled_in(page: str) -> dict[str, list[str]]:
    parser = _Inputs()
    parser.feed(page)
    return parser.data


def _versions(slug_id: int) -> list[tuple[int, dict]]:
    db.session.expire_all()
    rows = db.session.scalars(
        select(CreditorPolicy).where(CreditorPolicy.creditor_id == slug_id).order_by(CreditorPolicy.version)
    ).all()
    return [(row.version, row.settings) for row in rows]


@pytest.fixture
def acme(make_account):
    """Acme Bank, whose largest open balance is 1,060.25 USD; and Beta Loans beside it."""
    make_account("B-1", "beta", "Beta Loans", full_name="John Roe", email="john@example.com")
    return make_account().creditor


def test_the_list_shows_each_creditor_the_person_may_see_with_its_version_and_limits(
    acme, make_staff, console_sign_in, runner
):
    assert runner.invoke(args=["set-policy", "acme", "--max-instalments", "12"]).exit_code == 0
    page = console_sign_in(make_staff(creditors=["acme"])).get("/console/policies")

    assert page.status_code == 200
    assert "Acme Bank" in page.text and "Beta Loans" not in page.text
    assert "Version 2, saved" in page.text
    assert "Up to 12 instalments of at least $25.00" in page.text
    assert "Up to 20% off, paid within 30 days" in page.text and "From $10.00" in page.text
    assert 'href="/console/policies/acme"' in page.text

    everyone = console_sign_in(make_staff(email="all@example.com")).get("/console/policies").text
    assert "Beta Loans" in everyone and "Version 1: the defaults, not saved yet" in everyone


def test_a_supervisor_saves_a_new_version_and_the_history_shows_both_with_who_and_what(
    acme, make_staff, console_sign_in
):
    person = make_staff(email="sup@example.com", role="supervisor")
    client = console_sign_in(person)
    form = client.get("/console/policies/acme/edit")
    assert form.status_code == 200
    filled = _filled_in(form.text)
    # Every setting set-policy offers is on the form, filled in with the current values.
    assert filled["version"] == ["1"]
    assert filled["currency"] == ["USD"] and filled["instalment_minimum"] == ["25.00"]
    assert filled["settlement_max_discount_pct"] == ["20"] and filled["retry_days"] == ["3,7"]
    assert filled["frequencies"] == ["weekly", "every_two_weeks", "monthly"]
    assert filled["part_payments"] == ["yes"] and filled["down_payment_required"] == ["no"]
    assert 'id="contact_limit_7d-hint"' in form.text and 'id="grace_days-hint"' in form.text

    unchanged = client.post("/console/policies/acme/edit", data=filled)
    assert unchanged.status_code == 400 and "You changed nothing" in unchanged.text
    assert _versions(acme.id) == []

    changed = dict(filled)
    changed |= {"settlement_max_discount_pct": ["25"], "frequencies": ["monthly"], "part_minimum": ["12.50"]}
    saved = client.post("/console/policies/acme/edit", data=changed)

    assert saved.status_code == 302 and saved.headers["Location"].endswith("/console/policies/acme")
    (one, first), (two, second) = _versions(acme.id)
    assert (one, two) == (1, 2)
    assert first["settlement_max_discount_pct"] == 20 and "made_by" not in first
    assert second["settlement_max_discount_pct"] == 25 and second["frequencies"] == ["monthly"]
    assert second["part_minimum"] == 1250 and second["grace_days"] == 3
    assert second["made_by"] == {"actor": f"staff:{person.id}", "by": "sup@example.com"}

    page = client.get("/console/policies/acme").text
    assert "Version 2 of Acme Bank" in page  # the flash
    history = page[page.index("History") :]
    assert history.index(">2<") < history.index(">1<"), "newest first"
    assert "sup@example.com" in history and "The portal&#39;s defaults" in history
    assert "Largest settlement discount, in percent: 20, now 25" in history
    assert "Smallest part payment: $10.00, now $12.50" in history
    assert (
        "How often instalments may fall due: Every week, Every two weeks, Every month, now Every month"
        in (history)
    )
    assert "The first version." in history


# The last value says whether set-policy reads the same text (its whole-number options are
# refused by click before they reach the shared check, and it has no empty option).
@pytest.mark.parametrize(
    ("field", "typed", "named", "command_reads_it"),
    [
        ("settlement_max_discount_pct", "150", "settlement_max_discount_pct must be between 0 and 100", True),
        ("part_minimum", "2000.00", "part_minimum is above the largest balance owed to this creditor", True),
        ("part_minimum", "12.345", "'12.345' has more than 2 decimal places for USD", True),
        ("retry_days", "7,3", "retry_days must be increasing whole days, e.g. 3,7", True),
        ("currency", "XYZ", "currency is not a known ISO 4217 code, such as USD", True),
        ("grace_days", "three", "grace_days must be a whole number", False),
        ("max_instalments", "", "Enter a value for “Most instalments in a plan”", False),
    ],
)
def test_a_value_set_policy_refuses_is_refused_beside_its_field_and_nothing_is_saved(
    acme, make_staff, console_sign_in, runner, field, typed, named, command_reads_it
):
    client = console_sign_in(make_staff(role="supervisor"))
    filled = _filled_in(client.get("/console/policies/acme/edit").text)

    refused = client.post("/console/policies/acme/edit", data=filled | {field: [typed]})

    assert refused.status_code == 400
    assert "<title>Error:" in refused.text
    assert f'<a href="#{field}">' in refused.text  # the summary links to the field
    beside = re.search(rf'<p class="error-message" id="{field}-error">(.*?)</p>', refused.text, re.S)
    assert beside and named in html.unescape(beside.group(1))
    assert _versions(acme.id) == []
    if command_reads_it:
        # The command refuses the same value with the same words.
        command = runner.invoke(args=["set-policy", "acme", f"--{field.replace('_', '-')}", typed])
        assert command.exit_code == 1 and f"Not changed: {named}" in command.output
        assert _versions(acme.id) == []


def test_every_bad_value_is_named_at_once(acme, make_staff, console_sign_in):
    client = console_sign_in(make_staff(role="supervisor"))
    filled = _filled_in(client.get("/console/policies/acme/edit").text)
    refused = client.post(
        "/console/policies/acme/edit",
        data=filled | {"settlement_max_discount_pct": ["101"], "misses_before_broken": ["0"]},
    )
    assert refused.status_code == 400
    assert 'id="settlement_max_discount_pct-error"' in refused.text
    assert 'id="misses_before_broken-error"' in refused.text


def test_a_change_made_meanwhile_is_not_overwritten(acme, make_staff, console_sign_in, runner):
    client = console_sign_in(make_staff(role="supervisor"))
    filled = _filled_in(client.get("/console/policies/acme/edit").text)  # from version 1
    assert runner.invoke(args=["set-policy", "acme", "--grace-days", "9"]).exit_code == 0  # version 2

    stale = client.post("/console/policies/acme/edit", data=filled | {"max_instalments": ["12"]})

    assert stale.status_code == 409
    assert "Version 2 was saved while you were changing version 1" in stale.text
    assert _filled_in(stale.text)["grace_days"] == ["9"]  # the form now shows the newest
    assert [version for version, _settings in _versions(acme.id)] == [1, 2]
    assert _versions(acme.id)[-1][1]["max_instalments"] == 24


def test_agents_see_policies_but_not_the_form(acme, make_staff, console_sign_in):
    client = console_sign_in(make_staff())
    page = client.get("/console/policies/acme")
    assert page.status_code == 200 and "Change this policy" not in page.text
    assert client.get("/console/policies/acme/edit").status_code == 403
    posted = client.post(
        "/console/policies/acme/edit", data={"version": "1", "settlement_max_discount_pct": "30"}
    )
    assert posted.status_code == 403
    assert _versions(acme.id) == []


def test_another_creditors_policy_is_not_found(acme, make_staff, console_sign_in):
    client = console_sign_in(make_staff(role="supervisor", creditors=["acme"]))
    assert "Change this policy" in client.get("/console/policies/acme").text
    for slug in ("beta", "nope"):
        assert client.get(f"/console/policies/{slug}").status_code == 404
        assert client.get(f"/console/policies/{slug}/edit").status_code == 404
        assert client.post(f"/console/policies/{slug}/edit", data={"version": "1"}).status_code == 404
    beta = db.session.scalar(select(CreditorPolicy.id).where(CreditorPolicy.creditor_id != acme.id))
    assert beta is None


# PostgreSQL queues the two on the creditor's row lock, and the second finds version 2 saved;
# SQLite lets both read version 1, and the unique version number refuses the second insert.
def test_two_supervisors_saving_the_same_version_at_once_save_it_once(app, acme, make_staff, console_sign_in):
    clients = [console_sign_in(make_staff(email=f"sup{n}@example.com", role="supervisor")) for n in range(2)]
    filled = _filled_in(clients[0].get("/console/policies/acme/edit").text)
    changes = [{"grace_days": ["5"]}, {"max_instalments": ["12"]}]
    start = threading.Barrier(2)
    statuses: list[int] = [0, 0]

    def save(index):
        start.wait(timeout=30)
        statuses[index] = (
            clients[index].post("/console/policies/acme/edit", data=filled | changes[index]).status_code
        )

    threads = [threading.Thread(target=save, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(statuses) == [302, 409]
    versions = _versions(acme.id)
    assert [version for version, _settings in versions] == [1, 2]
    newest = versions[-1][1]
    assert (newest["grace_days"], newest["max_instalments"]) in ((5, 24), (3, 12)), "one change, not both"
