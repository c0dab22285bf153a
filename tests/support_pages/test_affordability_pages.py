"""The affordability check in the pages: what is left each month, the plan within policy that fits
it, the propose-your-own-plan form prefilled when nothing does, and figures that are kept only
when the debtor says yes (searched for in every table, on the timeline, in the logs and the
session when they say no)."""

from __future__ import annotations

import logging
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import Event
from portal.models.types import utcnow
from portal.offers.questions import RUN
from tests.helpers.plan_pages import (
    check_page,
    details,
    error_summary,
    events,
    field_error,
    links,
    long_date,
    page_text,
    schedule_rows,
)
from tests.support_pages.helpers import date_form, offers_for, propose

# Figures no other number in the database is likely to equal, in minor units and as typed.
INCOME = 234567
SPENT = {"housing": 81234, "bills": 12347, "food": 30119, "other_debts": 5783}
LEFT = INCOME - sum(SPENT.values())  # 105084: 1,050.84 a month
TYPED = {"2345.67", "812.34", "123.47", "301.19", "57.83", "1050.84"}


def _today() -> date:
    return utcnow().date()


@pytest.fixture
def account(make_account, sign_in):
    account = make_account()
    sign_in(account)
    return account


def _major(minor: int) -> str:
    return f"{minor // 100}.{minor % 100:02d}"


def _through_to_result(client, *, income, spent, frequency="monthly", start=None):
    start = start or _today() + timedelta(days=5)
    assert client.post("/afford", data={"income": _major(income)}).headers["Location"] == "/afford/outgoings"
    outgoings = {name: _major(value) for name, value in spent.items()}
    assert client.post("/afford/outgoings", data=outgoings).headers["Location"] == "/afford/how-to-pay"
    often = client.post("/afford/how-to-pay", data={"frequency": frequency})
    assert often.headers["Location"] == "/afford/first-payment", often.text
    dated = client.post("/afford/first-payment", data=date_form("start", start))
    assert dated.headers["Location"] == "/afford/result", dated.text
    page = client.get("/afford/result")
    assert page.status_code == 200
    assert check_page(page.text) == "What you have left each month"
    return page.text


def _walk(value, found: list, where: str):
    """Every figure (as an integer, or typed as text) anywhere inside *value*."""
    if isinstance(value, dict):
        for key, item in value.items():
            _walk(item, found, f"{where}.{key}")
    elif isinstance(value, list | tuple):
        for item in value:
            _walk(item, found, where)
    elif isinstance(value, bool):
        return
    elif isinstance(value, int) and value in {INCOME, LEFT, *SPENT.values()}:
        found.append((where, value))
    elif isinstance(value, str) and any(text in value for text in TYPED):
        found.append((where, value))


def _figures_stored() -> list:
    """Each place in the database where a figure turns up: every column of every row of every table."""
    db.session.expire_all()
    found: list = []
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(select(table)).mappings():
            for column, value in row.items():
                _walk(value, found, f"{table.name}.{column}")
    return found


def test_the_check_is_linked_from_the_overview_and_the_options(account, client):
    assert "/afford" in links(client.get("/account").text)
    assert "/afford" in links(client.get("/options").text)
    page = client.get("/afford")
    assert check_page(page.text) == "Check what you can afford"
    assert "This is private." in page_text(page.text)


def test_what_is_left_each_month_and_the_plan_that_fits_it(account, client):
    start = _today() + timedelta(days=5)

    html = _through_to_result(client, income=INCOME, spent=SPENT, start=start)
    page = page_text(html)

    assert details(html) == {
        "Money coming in": "$2,345.67",
        "Money going out": "$1,294.83",
        "Left each month": "$1,050.84",
    }
    # 1,060.25 in one payment is more than is left; two equal payments of 530.12 and 530.13 fit.
    assert f"2 payments of $530.12 every month, starting on {long_date(start)}." in page
    assert "The last payment is $530.13." in page


def test_weekly_payments_are_what_is_left_each_month_spread_over_the_weeks_of_a_year(account, client):
    html = _through_to_result(client, income=100000, spent={"housing": 87000}, frequency="weekly")
    page = page_text(html)

    # 130.00 a month is 1,560.00 a year: 30.00 a week. 35 weekly payments of 30.29 would be too
    # many for the policy's 24; by amount, 30.00 a week is 36 payments: nothing fits.
    assert details(html)["That is, each week"] == "$30.00"
    assert "None of our usual plans fits" in page
    assert "Our usual plans have payments of at least $25.00, and up to 24 payments." in page


def test_choosing_the_plan_without_sharing_keeps_the_figures_nowhere(account, client, caplog):
    caplog.set_level(logging.DEBUG)
    start = _today() + timedelta(days=5)
    _through_to_result(client, income=INCOME, spent=SPENT, start=start)
    assert client.post("/afford/result", data={"next": "plan"}).headers["Location"] == "/afford/share"
    share = client.get("/afford/share")
    assert check_page(share.text) == "Do you want to share your numbers with us?"

    answered = client.post("/afford/share", data={"share": "no"})

    assert answered.status_code == 303 and answered.headers["Location"] == "/plan/review"
    with client.session_transaction() as session:
        assert "afford" not in session and "offer_affordability" not in session
        assert session["plan_choice"] == {
            "frequency": "monthly",
            "first_date": start.isoformat(),
            "count": 2,
            "amount": None,
            "down_payment": 0,
        }
        found: list = []
        _walk(dict(session), found, "session")
        assert found == []
    review = client.get("/plan/review")
    assert [amount for _, _, amount in schedule_rows(review.text)] == ["$530.12", "$530.13"]
    assert _figures_stored() == []
    assert not any(kind.startswith("affordability") for kind in db.session.scalars(select(Event.kind)))
    assert not any(text in caplog.text for text in TYPED)
    assert not any(str(value) in caplog.text for value in (INCOME, LEFT, *SPENT.values()))


def test_leaving_the_check_drops_its_figures_but_switching_language_does_not(account, client):
    client.post("/afford", data={"income": "2345.67"})
    client.get("/language/es?next=/afford/outgoings")
    with client.session_transaction() as session:
        assert session["afford"] == {"income": INCOME}

    client.get("/account")

    with client.session_transaction() as session:
        assert "afford" not in session
    assert client.get("/afford/outgoings").headers["Location"] == "/afford"
    assert client.get("/afford/result").headers["Location"] == "/afford"
    assert _figures_stored() == []


def _to_how_often(client) -> None:
    """Income and outgoings answered: the check is at "How often could you pay?"."""
    client.post("/afford", data={"income": _major(INCOME)})
    client.post("/afford/outgoings", data={name: _major(value) for name, value in SPENT.items()})


def test_how_often_and_the_first_payment_are_asked_one_a_page(account, client):
    _to_how_often(client)

    often = client.get("/afford/how-to-pay")

    assert often.status_code == 200
    assert check_page(often.text) == "How often could you pay?"
    assert "It often helps to pay just after you get paid." in page_text(often.text)
    assert 'id="start-day"' not in often.text
    assert '<a href="/afford/outgoings">Back</a>' in often.text
    assert ">Continue</button>" in often.text
    assert 'action="/afford/how-to-pay"' in often.text

    client.post("/afford/how-to-pay", data={"frequency": "every_two_weeks"})
    dated = client.get("/afford/first-payment")

    assert dated.status_code == 200
    assert check_page(dated.text) == "When could you start paying?"
    assert 'name="frequency"' not in dated.text
    assert '<a href="/afford/how-to-pay">Back</a>' in dated.text
    assert ">See what fits</button>" in dated.text
    assert 'action="/afford/first-payment"' in dated.text
    # The policy's usual first payment is within 30 days.
    assert f"Our usual plans start by {long_date(_today() + timedelta(days=30))}." in page_text(dated.text)


def test_each_answer_is_shown_again(account, client):
    start = _today() + timedelta(days=9)
    _through_to_result(client, income=INCOME, spent=SPENT, frequency="weekly", start=start)

    often = client.get("/afford/how-to-pay").text
    # The kit's date boxes break their tags over lines: compare with the spaces tidied.
    dated = " ".join(client.get("/afford/first-payment").text.split())

    assert 'id="frequency-0" name="frequency" value="weekly" checked' in often
    assert often.count(" checked") == 1
    for part, value in (("day", start.day), ("month", start.month), ("year", start.year)):
        assert (
            f'id="start-{part}" name="start-{part}" type="text" inputmode="numeric" value="{value}"' in dated
        )
    # Changing how often keeps the date, and the result follows the new answer.
    assert client.post("/afford/how-to-pay", data={"frequency": "monthly"}).headers["Location"] == (
        "/afford/first-payment"
    )
    with client.session_transaction() as session:
        assert session["afford"]["frequency"] == "monthly"
        assert session["afford"]["start"] == start.isoformat()
    assert f"every month, starting on {long_date(start)}" in page_text(client.get("/afford/result").text)


def test_a_wrong_answer_is_shown_again_and_nothing_is_saved(account, client):
    _through_to_result(client, income=INCOME, spent=SPENT, frequency="weekly")
    with client.session_transaction() as session:
        before = dict(session["afford"])

    wrong = client.post(
        "/afford/first-payment", data={"start-day": "31", "start-month": "2", "start-year": "x"}
    )

    assert wrong.status_code == 400
    shown = " ".join(wrong.text.split())  # the kit's date boxes break their tags over lines
    assert 'id="start-day" name="start-day" type="text" inputmode="numeric" value="31"' in shown
    assert 'id="start-year" name="start-year" type="text" inputmode="numeric" value="x"' in shown
    with client.session_transaction() as session:
        assert session["afford"] == before


def test_a_page_asked_before_its_earlier_answers_sends_to_the_first_one_missing(account, client):
    for path in ("/afford/outgoings", "/afford/how-to-pay", "/afford/first-payment", "/afford/result"):
        assert client.get(path).headers["Location"] == "/afford", path
    assert (
        client.post("/afford/first-payment", data=date_form("start", _today())).headers["Location"]
        == "/afford"
    )

    _to_how_often(client)
    for path in ("/afford/first-payment", "/afford/result", "/afford/share"):
        assert client.get(path).headers["Location"] == "/afford/how-to-pay", path
    assert client.get("/afford/how-to-pay").status_code == 200

    client.post("/afford/how-to-pay", data={"frequency": "monthly"})
    for path in ("/afford/result", "/afford/share"):
        assert client.get(path).headers["Location"] == "/afford/first-payment", path
    assert client.get("/afford/first-payment").status_code == 200

    client.post("/afford/first-payment", data=date_form("start", _today()))
    assert client.get("/afford/result").status_code == 200
    assert client.get("/afford/share").headers["Location"] == "/afford/result"  # nothing chosen yet


def test_the_first_payment_page_keeps_the_figures_and_leaving_it_drops_them(account, client):
    start = _today() + timedelta(days=5)
    _through_to_result(client, income=INCOME, spent=SPENT, start=start)
    kept = {
        "income": INCOME,
        "outgoings": SPENT,
        "frequency": "monthly",
        "start": start.isoformat(),
    }

    assert client.get("/afford/first-payment").status_code == 200
    client.get("/language/es?next=/afford/first-payment")
    assert client.get("/afford/how-to-pay").status_code == 200

    with client.session_transaction() as session:
        assert session["afford"] == kept

    client.get("/account")

    with client.session_transaction() as session:
        assert "afford" not in session
    assert client.get("/afford/first-payment").headers["Location"] == "/afford"
    assert _figures_stored() == []


def test_a_stale_form_changes_no_answer(app, account, client):
    _through_to_result(client, income=INCOME, spent=SPENT, frequency="weekly")
    with client.session_transaction() as session:
        before = dict(session["afford"])
    app.config["WTF_CSRF_ENABLED"] = True

    for path, form in (
        ("/afford/how-to-pay", {"frequency": "monthly"}),
        ("/afford/first-payment", date_form("start", _today() + timedelta(days=1))),
    ):
        response = client.post(path, data={**form, "csrf_token": "stale"})
        assert response.status_code == 400, path
        assert check_page(response.text) == "This page timed out"
    with client.session_transaction() as session:
        assert session["afford"] == before


def test_sharing_sends_the_figures_with_an_offer_prefilled_when_nothing_fits(account, client, runner):
    start = _today() + timedelta(days=3)
    page = page_text(
        _through_to_result(client, income=150000, spent={"housing": 148000}, frequency="weekly", start=start)
    )
    assert "None of our usual plans fits" in page
    client.post("/afford/result", data={"next": "offer"})

    answered = client.post("/afford/share", data={"share": "yes"})

    assert answered.status_code == 303 and answered.headers["Location"] == "/offer/new"
    figures = {"currency": "USD", "income": 150000, "outgoings": {"housing": 148000}, "left": 2000}
    (shared,) = events(account, "affordability_shared")
    assert shared.actor == "debtor" and shared.data == figures
    form = client.get("/offer/new").text
    assert check_page(form) == "How much can you pay each time?"
    assert 'id="amount" name="amount" type="text" value="4.61"' in form  # 20.00 a month, weekly
    # How often and from when start the offer's draft; the amount, worked out from the figures,
    # stays a suggestion in the session until the debtor saves it as their own.
    assert RUN.answers(account) == {"frequency": "weekly", "start": start.isoformat()}
    assert 'value="weekly" checked' in client.get("/offer/new/how-often").text
    dated = " ".join(client.get("/offer/new/first-payment-date").text.split())
    assert f'id="start-day" name="start-day" type="text" inputmode="numeric" value="{start.day}"' in dated

    kept = client.post("/offer/new", data={"amount": "4.61"})

    assert kept.headers["Location"] == "/offer/new/note"  # how often and when were answered in the check
    assert client.post("/offer/new/note", data={"note": ""}).headers["Location"] == "/offer/new/check"
    check = client.get("/offer/new/check").text
    assert "We will send the numbers from your affordability check with your offer" in page_text(check)
    sent = client.post("/offer/new/check")

    assert sent.headers["Location"] == "/offer"
    (offer,) = offers_for(account)
    assert (offer.amount, offer.frequency, offer.start_date) == (461, "weekly", start)
    assert offer.affordability == figures
    assert events(account, "offer_made")[0].data["shared_affordability"] is True
    listed = runner.invoke(args=["offers"]).output
    assert (
        "shared affordability (monthly): income 1500.00 USD; out: housing 1480.00 USD; left 20.00 USD"
        in listed
    )
    with client.session_transaction() as session:
        assert not {"offer_affordability", "offer_prefill", "offer_suggested_amount"} & set(session)
    assert RUN.answers(account) == {}


def test_shared_figures_stay_on_the_offer_pages_and_go_when_the_debtor_leaves(account, client):
    _through_to_result(client, income=150000, spent={"housing": 148000})
    client.post("/afford/result", data={"next": "offer"})
    client.post("/afford/share", data={"share": "yes"})
    for path in ("/offer/new", "/offer/new/how-often", "/offer/new/note", "/offer/new/check"):
        client.get(path)
        with client.session_transaction() as session:
            assert "offer_affordability" in session, path

    client.get("/account")

    with client.session_transaction() as session:
        assert "offer_affordability" not in session
    propose(client, amount="4.61", start=_today() + timedelta(days=3))
    (offer,) = offers_for(account)
    assert offer.affordability is None


def test_a_new_suggestion_replaces_an_amount_saved_before(account, client):
    client.post("/offer/new", data={"amount": "30.00"})
    _through_to_result(client, income=150000, spent={"housing": 148000}, frequency="weekly")
    client.post("/afford/result", data={"next": "offer"})
    client.post("/afford/share", data={"share": "no"})

    form = client.get("/offer/new").text

    assert 'id="amount" name="amount" type="text" value="4.61"' in form
    assert "amount" not in RUN.answers(account)
    assert client.get("/offer/new/check").headers["Location"] == "/offer/new"


def test_not_sharing_an_offer_sends_no_figures(account, client):
    _through_to_result(client, income=INCOME, spent=SPENT)
    client.post("/afford/result", data={"next": "offer"})
    client.post("/afford/share", data={"share": "no"})
    form = client.get("/offer/new").text
    assert "We will send the numbers" not in page_text(form)
    assert _figures_stored() == []  # the suggested amount (what is left each month) is not written down

    propose(client, amount="10.00", frequency="monthly", start=_today())

    (offer,) = offers_for(account)
    assert offer.affordability is None
    assert _figures_stored() == []


def test_when_more_goes_out_than_comes_in_we_offer_a_call_back_and_free_advice(account, client, app):
    app.config["DEBT_ADVICE_LINKS"] = "Neutral Counselling Directory|https://counselling.example.org/"

    page = _through_to_result(client, income=100000, spent={"housing": 90000, "other_debts": 20000})

    text = page_text(page)
    assert details(page)["Left each month"] == "-$100.00"
    assert "More money goes out than comes in" in text
    assert {"/cant-pay/call-back", "https://counselling.example.org/"} <= links(page)
    assert "Free help with debt" in text


@pytest.mark.parametrize(
    ("path", "data", "errors"),
    [
        ("/afford", {}, {"income": "Enter your monthly income, or 0 if you have none"}),
        ("/afford", {"income": "lots"}, {"income": "Enter an amount using numbers, for example 25.00"}),
        (
            "/afford/outgoings",
            {"food": "12,5x"},
            {"food": "Enter an amount using numbers, for example 25.00"},
        ),
        ("/afford/how-to-pay", {}, {"frequency-0": "Choose how often you want to pay"}),
        ("/afford/how-to-pay", {"frequency": "daily"}, {"frequency-0": "Choose how often you want to pay"}),
        ("/afford/first-payment", {}, {"start-month": "Enter the date of the first payment"}),
        (
            "/afford/first-payment",
            date_form("start", date(2020, 1, 1)),
            {"start-month": "The first payment cannot be in the past."},
        ),
        (
            "/afford/first-payment",
            date_form("start", _today() + timedelta(days=400)),
            {"start-month": "The first payment must be within a year from today."},
        ),
        ("/afford/share", {}, {"share-0": "Choose yes or no"}),
    ],
    ids=[
        "no-income",
        "bad-income",
        "bad-outgoing",
        "no-frequency",
        "bad-frequency",
        "no-date",
        "past-date",
        "far-date",
        "no-answer",
    ],
)
def test_each_step_names_what_is_missing(account, client, path, data, errors):
    if path != "/afford":
        _through_to_result(client, income=INCOME, spent=SPENT)
        client.post("/afford/result", data={"next": "plan"})

    response = client.post(path, data=data)

    assert response.status_code == 400
    check_page(response.text)
    assert response.text.count("<title>Error:") == 1
    assert error_summary(response.text) == errors
    for field, message in errors.items():  # beside the field the summary links to
        assert field_error(response.text, field) == message
        assert f'id="{field}"' in response.text


def test_zero_income_is_an_answer(account, client):
    assert client.post("/afford", data={"income": "0"}).headers["Location"] == "/afford/outgoings"
    assert client.post("/afford/outgoings", data={}).headers["Location"] == "/afford/how-to-pay"


def test_enough_left_to_pay_at_once_offers_paying_in_full_or_on_a_date(account, client):
    html = _through_to_result(client, income=300000, spent={"housing": 100000})

    enough = "What you have left each month is enough to pay the full $1,060.25 in one payment."
    assert enough in page_text(html)
    assert {"/pay", "/cant-pay/promise", "/options"} <= links(html)
    assert "Choose this plan" not in page_text(html)
