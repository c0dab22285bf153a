"""Every step of a task says where the debtor is, on the page and in its title."""

from __future__ import annotations

import re
from datetime import timedelta

from portal.guidance.steps import JOURNEYS, PLACES, step_for
from portal.models.types import utcnow
from tests.helpers.plan_pages import choose_plan


def _indicator(html: str) -> str:
    return re.search(r'<p class="step-indicator">([^<]*)</p>', html).group(1)


def test_every_step_names_a_route_of_the_app(app):
    routes = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert set(PLACES) <= routes, sorted(set(PLACES) - routes)
    assert all(len(steps) >= 2 for steps in JOURNEYS.values())


def test_the_plan_review_is_step_4_of_5_on_the_page_and_in_the_title(app, make_account, sign_in, client):
    sign_in(make_account())
    choose_plan(client, frequency="monthly", count=3, first=utcnow().date() + timedelta(days=3))
    page = client.get("/plan/review").text
    assert _indicator(page) == "Step 4 of 5: Check and agree"
    title = re.search(r"<title>([^<]*)</title>", page).group(1)
    assert title.startswith("Check your payment plan – Step 4 of 5: Check and agree – ")
    assert [_indicator(client.get(path).text) for path in ("/plan/new", "/plan/new/payments")] == [
        "Step 1 of 5: How often",
        "Step 2 of 5: How much each time",
    ]
    assert _indicator(client.get("/plan/new/first-payment-date").text) == "Step 3 of 5: Your first payment"


def test_a_shared_page_takes_its_step_from_the_journey_started_last(app, make_account, sign_in, client):
    sign_in(make_account())
    client.get("/settle")  # starts the settlement journey
    with app.test_request_context():
        assert step_for("payments.receipt", "settle").text == "Step 2 of 2: Your receipt"
        assert step_for("payments.receipt", "pay_part").text == "Step 3 of 3: Your receipt"
    with client.session_transaction() as session:
        assert session["journey"] == "settle"


def test_pages_where_a_task_is_chosen_carry_no_step(app, make_account, sign_in, client):
    sign_in(make_account())
    for path in ("/account", "/options", "/cant-pay"):
        assert 'class="step-indicator"' not in client.get(path).text, path
