"""The promise to pay and the call-back request, one question a page: each answer kept on the
server (per account and run) and shown again, "Back" to the question before, a check page that
lists every answer with a "Change" link and sends nothing until its button is pressed."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

import pytest

from portal.accounts import policies
from portal.domain.locale_dates import example_date
from portal.extensions import db
from portal.models.types import utcnow
from tests.helpers.plan_pages import (
    check_page,
    error_summary,
    field_error,
    fresh,
    long_date,
    page_text,
    title,
)
from tests.helpers.plans import plan_rows
from tests.support_pages.helpers import (
    PROMISE_PAGES,
    ask_call_back,
    date_form,
    drafts_for,
    requests_for,
    send_promise,
)


def _today() -> date:
    return utcnow().date()


@pytest.fixture
def account(make_account, sign_in):
    account = make_account()
    account.debtor.phone = "312 555 0199"
    db.session.commit()
    sign_in(account)
    return account


def check_rows(page: str) -> dict[str, tuple[str, str]]:
    """The check page's answers: question -> (answer as shown, where its Change link goes)."""
    rows = re.findall(
        r'<dt class="check-answers__question">(.*?)</dt>\s*<dd class="check-answers__answer">(.*?)</dd>'
        r'\s*<dd class="check-answers__change"><a href="([^"]+)">',
        page,
        re.S,
    )
    return {page_text(question): (page_text(answer), url) for question, answer, url in rows}


def back_link(page: str) -> str:
    """Where the page's "Back" link goes."""
    (url,) = re.findall(r'<a href="([^"]+)">Back</a>', page)
    return url


def value_of(page: str, field_id: str) -> str:
    """What a text box or text area shows."""
    box = re.search(rf'<input\b[^>]*\bid="{field_id}"[^>]*\bvalue="([^"]*)"', page)
    area = re.search(rf'<textarea\b[^>]*\bid="{field_id}"[^>]*>(.*?)</textarea>', page, re.S)
    assert box or area, f"no field {field_id}"
    return html.unescape((box or area).group(1))


def ticked(page: str, name: str) -> list[str]:
    """The values of the ticked boxes (or the chosen radio) called *name*."""
    return [
        value
        for tag in re.findall(rf'<input\b[^>]*\bname="{name}"[^>]*>', page)
        if " checked" in tag
        for value in re.findall(r'\bvalue="([^"]*)"', tag)
    ]


def _moves_to(response, path: str) -> None:
    assert response.status_code == 303, response.text[:500]
    assert response.headers["Location"] == path


# --- Promise to pay ----------------------------------------------------------------------------


def test_the_promise_asks_one_thing_a_page_and_shows_each_answer_again(account, client):
    day = _today() + timedelta(days=9)
    page = client.get("/cant-pay/promise").text
    assert check_page(page) == "When will you pay?"
    assert "Step 1 of 4: Choose a date" in title(page)
    assert back_link(page) == "/cant-pay"
    assert "You owe $1,060.25. We will not send you payment reminders until then." in page_text(page)
    assert "What happens if I cannot pay on that day?" in page_text(page)

    _moves_to(client.post("/cant-pay/promise", data=date_form("date", day)), "/cant-pay/promise/how-much")

    again = client.get("/cant-pay/promise").text
    assert [value_of(again, f"date-{part}") for part in ("day", "month", "year")] == [
        str(day.day),
        str(day.month),
        str(day.year),
    ]
    page = client.get("/cant-pay/promise/how-much").text
    assert check_page(page) == "How much will you pay on that day?"
    assert "Step 2 of 4: How much" in title(page)
    assert back_link(page) == "/cant-pay/promise"
    assert ticked(page, "how_much") == []

    answered = client.post("/cant-pay/promise/how-much", data={"how_much": "part", "amount": "150"})

    _moves_to(answered, "/cant-pay/promise/check")
    again = client.get("/cant-pay/promise/how-much").text
    assert ticked(again, "how_much") == ["part"] and value_of(again, "amount") == "150.00"
    check = client.get("/cant-pay/promise/check").text
    assert check_page(check) == "Check your promise before sending it"
    assert "Step 3 of 4: Check and send" in title(check)
    assert back_link(check) == "/cant-pay/promise/how-much"
    assert check_rows(check) == {
        "When will you pay?": (long_date(day), "/cant-pay/promise"),
        "How much will you pay on that day?": ("$150.00", "/cant-pay/promise/how-much"),
    }
    assert requests_for(account) == [], "nothing is sent before the check page's button"
    assert fresh(account).reminders_paused_until is None
    (draft,) = drafts_for(account)
    assert (draft.run, draft.answers) == (
        "promise",
        {"date": day.isoformat(), "how_much": "part", "amount": 15000},
    )


def test_a_change_from_the_promise_check_page_comes_back_to_it(account, client):
    send_promise(client, _today() + timedelta(days=5))  # sent: a new promise starts empty
    assert drafts_for(account) == []
    day, later = _today() + timedelta(days=4), _today() + timedelta(days=6)
    client.post("/cant-pay/promise", data=date_form("date", day))
    client.post("/cant-pay/promise/how-much", data={"how_much": "full"})
    rows = check_rows(client.get("/cant-pay/promise/check").text)
    assert rows["How much will you pay on that day?"][0] == "The full amount, $1,060.25"

    _moves_to(
        client.post(rows["When will you pay?"][1], data=date_form("date", later)), "/cant-pay/promise/check"
    )
    _moves_to(
        client.post(
            rows["How much will you pay on that day?"][1], data={"how_much": "part", "amount": "200.00"}
        ),
        "/cant-pay/promise/check",
    )

    assert check_rows(client.get("/cant-pay/promise/check").text) == {
        "When will you pay?": (long_date(later), "/cant-pay/promise"),
        "How much will you pay on that day?": ("$200.00", "/cant-pay/promise/how-much"),
    }
    _moves_to(client.post("/cant-pay/promise/check"), "/cant-pay/promise/done")
    promised = requests_for(account)[-1]
    assert (promised.promise_date, promised.promise_amount) == (later, 20000)
    assert drafts_for(account) == []


def test_the_promise_check_page_goes_to_the_first_question_not_answered(account, client):
    _moves_to(client.get("/cant-pay/promise/check"), "/cant-pay/promise")
    _moves_to(client.post("/cant-pay/promise/check"), "/cant-pay/promise")

    # Answered out of order (the "how much" page opened first): the date is still to answer.
    _moves_to(client.post("/cant-pay/promise/how-much", data={"how_much": "full"}), "/cant-pay/promise")
    _moves_to(client.get("/cant-pay/promise/check"), "/cant-pay/promise")
    _moves_to(
        client.post("/cant-pay/promise", data=date_form("date", _today() + timedelta(days=3))),
        "/cant-pay/promise/check",
    )

    assert requests_for(account) == []
    assert client.get("/cant-pay/promise/check").status_code == 200


def test_a_saved_date_that_has_left_the_window_is_asked_again_with_the_reason(account, client):
    client.post("/cant-pay/promise", data=date_form("date", _today() + timedelta(days=20)))
    client.post("/cant-pay/promise/how-much", data={"how_much": "full"})
    policies.change(account.creditor, {"first_payment_within_days": 7})
    db.session.commit()

    _moves_to(client.get("/cant-pay/promise/check"), "/cant-pay/promise")
    _moves_to(client.post("/cant-pay/promise/check"), "/cant-pay/promise")

    assert requests_for(account) == []
    page = client.get("/cant-pay/promise")
    check_page(page.text)
    expected = (
        f"The date must be between {long_date(_today() + timedelta(days=1))}"
        f" and {long_date(_today() + timedelta(days=7))}"
    )
    assert error_summary(page.text) == {"date-month": expected}
    assert field_error(page.text, "date-month") == expected
    assert title(page.text).startswith("Error: When will you pay?")
    new_day = _today() + timedelta(days=6)
    _moves_to(client.post("/cant-pay/promise", data=date_form("date", new_day)), "/cant-pay/promise/check")
    _moves_to(client.post("/cant-pay/promise/check"), "/cant-pay/promise/done")
    assert requests_for(account)[0].promise_date == new_day


def test_a_part_that_is_no_longer_less_than_the_balance_is_asked_again(account, client):
    client.post("/cant-pay/promise", data=date_form("date", _today() + timedelta(days=5)))
    client.post("/cant-pay/promise/how-much", data={"how_much": "part", "amount": "900.00"})
    account.principal = 80000  # the balance is now 860.25, less than the part promised
    db.session.commit()

    _moves_to(client.post("/cant-pay/promise/check"), "/cant-pay/promise/how-much")

    page = client.get("/cant-pay/promise/how-much").text
    message = "That is the whole amount you owe. Choose the full amount instead."
    assert error_summary(page) == {"amount": message} and field_error(page, "amount") == message
    assert requests_for(account) == []


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "date-month", "Enter the date you will pay"),
        (
            {"date-day": "31", "date-month": "2", "date-year": "2030"},
            "date-month",
            "Enter a real date, for example {example}",
        ),
        (
            {"date-day": "1" * 30, "date-month": "2", "date-year": "2030"},
            "date-month",
            "Enter a real date, for example {example}",
        ),
        (
            {"date-day": "3", "date-month": "\u19da", "date-year": "2030"},
            "date-month",
            "Enter the date using numbers, for example {example}",
        ),
    ],
    ids=["no-date", "not-a-date", "day-of-thirty-ones", "month-int-refuses"],
)
def test_the_date_page_says_what_is_wrong(account, client, data, field, message):
    # The example lies inside the promise window (tomorrow to 30 days ahead), month first.
    today = utcnow().date()
    example = example_date(today + timedelta(days=1), today + timedelta(days=30))
    message = message.format(example=f"{example.month} {example.day} {example.year}")
    response = client.post("/cant-pay/promise", data=data)

    assert response.status_code == 400
    assert check_page(response.text) == "When will you pay?"
    assert error_summary(response.text) == {field: message}
    assert field_error(response.text, field) == message
    assert drafts_for(account) == []


def test_with_a_plan_running_every_promise_page_goes_to_the_plan(account, client):
    plan_rows(account, [(_today() + timedelta(days=10), 5000)])
    for path in PROMISE_PAGES:
        _moves_to(client.get(path), "/plan")
        _moves_to(client.post(path, data={"how_much": "full", **date_form("date", _today())}), "/plan")
    assert drafts_for(account) == [] and requests_for(account) == []


# --- Hardship call-back ------------------------------------------------------------------------


def test_the_call_back_asks_one_thing_a_page_and_shows_each_answer_again(account, client):
    _moves_to(client.get("/help/call-back"), "/cant-pay/call-back")  # the help page's link, signed in
    page = client.get("/cant-pay/call-back").text
    assert check_page(page) == "What number should we call?"
    assert "Step 1 of 6: Your phone number" in title(page)
    assert back_link(page) == "/cant-pay"
    assert value_of(page, "phone") == "312 555 0199", "the number we hold, until one is given"

    _moves_to(
        client.post("/cant-pay/call-back", data={"phone": " 312  555 0123 "}), "/cant-pay/call-back/days"
    )

    assert value_of(client.get("/cant-pay/call-back").text, "phone") == "312 555 0123"
    page = client.get("/cant-pay/call-back/days").text
    assert check_page(page) == "Which days work best for you? (optional)"
    assert "Leave these empty if any day is fine." in page_text(page)
    assert back_link(page) == "/cant-pay/call-back"
    _moves_to(
        client.post("/cant-pay/call-back/days", data={"days": ["friday", "monday", "sunday"]}),
        "/cant-pay/call-back/times",
    )
    assert ticked(client.get("/cant-pay/call-back/days").text, "days") == ["monday", "friday"]

    page = client.get("/cant-pay/call-back/times").text
    assert check_page(page) == "What time of day works best for you? (optional)"
    assert back_link(page) == "/cant-pay/call-back/days"
    # Nothing ticked is an answer too ("any time"): the next question follows.
    _moves_to(client.post("/cant-pay/call-back/times", data={}), "/cant-pay/call-back/what-is-happening")
    assert ticked(client.get("/cant-pay/call-back/times").text, "times") == []

    page = client.get("/cant-pay/call-back/what-is-happening").text
    assert check_page(page) == "Tell us briefly what is happening (optional)"
    assert back_link(page) == "/cant-pay/call-back/times"
    _moves_to(
        client.post("/cant-pay/call-back/what-is-happening", data={"explanation": "My hours <were> cut."}),
        "/cant-pay/call-back/check",
    )
    assert value_of(client.get("/cant-pay/call-back/what-is-happening").text, "explanation") == (
        "My hours <were> cut."
    )

    check = client.get("/cant-pay/call-back/check").text
    assert check_page(check) == "Check your callback request before sending it"
    assert "Step 5 of 6: Check and send" in title(check)
    assert back_link(check) == "/cant-pay/call-back/what-is-happening"
    assert check_rows(check) == {
        "Phone number": ("312 555 0123", "/cant-pay/call-back"),
        "Days": ("Monday, Friday", "/cant-pay/call-back/days"),
        "Time of day": ("Any time we are open", "/cant-pay/call-back/times"),
        "What is happening": ("My hours <were> cut.", "/cant-pay/call-back/what-is-happening"),
    }
    assert requests_for(account) == [] and fresh(account).reminders_paused_until is None
    (draft,) = drafts_for(account)
    assert (draft.run, draft.answers) == (
        "call_back",
        {
            "phone": "312 555 0123",
            "days": ["monday", "friday"],
            "times": [],
            "explanation": "My hours <were> cut.",
        },
    )


def test_a_change_from_the_call_back_check_page_comes_back_to_it(account, client):
    ask_call_back(client, days=["monday"], times=["morning"])  # sent: a new request starts empty
    for path, data in (
        ("/cant-pay/call-back", {"phone": "312 555 0100"}),
        ("/cant-pay/call-back/days", {"days": ["monday"]}),
        ("/cant-pay/call-back/times", {"times": ["morning"]}),
        ("/cant-pay/call-back/what-is-happening", {"explanation": ""}),
    ):
        client.post(path, data=data)
    rows = check_rows(client.get("/cant-pay/call-back/check").text)
    assert rows["What is happening"][0] == "Not given"

    _moves_to(client.post(rows["Days"][1], data={"days": ["wednesday"]}), "/cant-pay/call-back/check")
    _moves_to(
        client.post(rows["Phone number"][1], data={"phone": "+1 312 555 0142"}), "/cant-pay/call-back/check"
    )

    rows = check_rows(client.get("/cant-pay/call-back/check").text)
    assert (rows["Days"][0], rows["Phone number"][0], rows["Time of day"][0]) == (
        "Wednesday",
        "+1 312 555 0142",
        "Morning",
    )
    _moves_to(client.post("/cant-pay/call-back/check"), "/cant-pay/call-back/done")
    asked = requests_for(account)[-1]
    assert (asked.phone, asked.call_days, asked.call_times, asked.explanation) == (
        "+1 312 555 0142",
        "wednesday",
        "morning",
        "",
    )
    assert drafts_for(account) == []


def test_the_call_back_check_page_goes_to_the_first_question_not_answered(account, client):
    _moves_to(client.get("/cant-pay/call-back/check"), "/cant-pay/call-back")
    client.post("/cant-pay/call-back", data={"phone": "312 555 0100"})
    client.post("/cant-pay/call-back/days", data={})

    _moves_to(client.get("/cant-pay/call-back/check"), "/cant-pay/call-back/times")
    _moves_to(client.post("/cant-pay/call-back/check"), "/cant-pay/call-back/times")

    assert requests_for(account) == []
    assert fresh(account).reminders_paused_until is None


def test_the_explanation_page_keeps_what_was_typed_when_it_is_too_long(account, client):
    response = client.post("/cant-pay/call-back/what-is-happening", data={"explanation": "y" * 2001})

    assert response.status_code == 400
    message = "Your explanation must be 2000 characters or fewer"
    assert error_summary(response.text) == {"explanation": message}
    assert field_error(response.text, "explanation") == message
    assert value_of(response.text, "explanation") == "y" * 2001
    assert drafts_for(account) == []


# --- Drafts belong to one account and one run -------------------------------------------------------


def test_answers_are_kept_per_account_and_sending_one_run_keeps_the_other(
    account, client, app, make_account, issue_link
):
    other = make_account(reference="ACC-2", email="sam@example.com", full_name="Sam Roe")
    other.debtor.phone = "312 555 0177"
    db.session.commit()
    second = app.test_client()
    second.get(issue_link(other))
    dob = other.debtor.date_of_birth
    second.post("/verify", data={"day": str(dob.day), "month": str(dob.month), "year": str(dob.year)})
    day = _today() + timedelta(days=8)
    client.post("/cant-pay/promise", data=date_form("date", day))
    client.post("/cant-pay/call-back", data={"phone": "312 555 0111"})

    assert value_of(second.get("/cant-pay/promise").text, "date-day") == ""
    assert value_of(second.get("/cant-pay/call-back").text, "phone") == "312 555 0177"
    _moves_to(second.get("/cant-pay/promise/check"), "/cant-pay/promise")
    assert drafts_for(other) == []

    assert ask_call_back(second).headers["Location"] == "/cant-pay/call-back/done"
    assert send_promise(second, day + timedelta(days=1)).headers["Location"] == "/cant-pay/promise/done"
    assert [r.phone for r in requests_for(other) if r.phone] == ["312 555 0100"]
    assert requests_for(account) == []
    assert {d.run for d in drafts_for(account)} == {"promise", "call_back"}

    client.post("/cant-pay/call-back/days", data={})
    client.post("/cant-pay/call-back/times", data={})
    client.post("/cant-pay/call-back/what-is-happening", data={"explanation": ""})
    _moves_to(client.post("/cant-pay/call-back/check"), "/cant-pay/call-back/done")

    assert [(d.run, d.answers) for d in drafts_for(account)] == [("promise", {"date": day.isoformat()})]
    assert value_of(client.get("/cant-pay/promise").text, "date-day") == str(day.day)
