"""The contact preferences, one choice a page: each shows what we hold, saves only its own choice
(noting on the timeline just what changed, as the single form did), and refuses a bad answer."""

from __future__ import annotations

import re

import pytest

from portal.extensions import db
from tests.helpers.pages import check_page
from tests.helpers.records import events
from tests.preferences.conftest import check_error_page, stop, stopped
from tests.preferences.pages import (
    LANGUAGE,
    PAGE,
    QUESTIONS,
    SAVED,
    STOP,
    TIME,
    WAY,
    checked,
    debtor_of,
    summary_links,
)

EVENT = "contact_preferences_changed"
QUESTION_OF = {
    WAY: "What is the best way to contact you?",
    TIME: "When is the best time to contact you? (optional)",
    LANGUAGE: "Which language should we use?",
    STOP: "Ways you want us to stop using",
}


@pytest.fixture
def held(reachable):
    """A person who has made every choice already: phone calls, mornings, English, no email or post."""
    account = reachable()
    account.debtor.preferred_channel = "phone"
    account.debtor.preferred_times = "Mornings"
    account.debtor.language = "en"
    db.session.commit()
    stop(account.debtor, "email", "post")
    return account


def _holding(account) -> tuple:
    debtor = debtor_of(account)
    return debtor.preferred_channel, debtor.preferred_times, debtor.language, stopped(debtor)


# --- Each page shows what we hold -----------------------------------------------------------


@pytest.mark.parametrize("path", QUESTIONS)
def test_each_page_asks_its_question_as_the_heading_and_leads_back_to_the_overview(
    held, sign_in, client, path
):
    sign_in(held)
    response = client.get(path)
    assert response.status_code == 200
    html = response.text
    assert check_page(html) == QUESTION_OF[path]
    assert re.search(rf'<form method="post" action="{path}"', html)
    assert f'<p class="no-print"><a href="{PAGE}">Back</a></p>' in html
    assert '<button type="submit" class="button">Save</button>' in html
    assert len(re.findall(r'<p class="hint" id="[a-z]+-hint">', html)) == 1  # every question has a hint


def test_each_page_shows_the_choice_we_hold(held, sign_in, client):
    sign_in(held)
    assert checked(client.get(WAY).text, "channel") == ["phone"]
    assert 'id="times" name="times" type="text" value="Mornings"' in client.get(TIME).text
    assert checked(client.get(LANGUAGE).text, "language") == ["en"]
    assert checked(client.get(STOP).text, "stop") == ["email", "post"]


def test_each_language_is_named_in_itself(held, sign_in, client):
    sign_in(held)
    html = client.get(LANGUAGE).text
    # Marked up in that language for screen readers.
    assert '<label class="radios__label" for="language-1" lang="es">Español</label>' in html
    assert '<label class="radios__label" for="language-2" lang="zh-Hant">中文（繁體）</label>' in html


def test_with_nothing_chosen_yet_nothing_is_ticked_and_the_language_is_the_pages(reachable, sign_in, client):
    account = reachable()
    sign_in(account)
    client.get(f"/language/es?next={LANGUAGE}")
    assert checked(client.get(WAY).text, "channel") == []
    assert checked(client.get(STOP).text, "stop") == []
    assert 'name="times" type="text" value=""' in client.get(TIME).text
    assert checked(client.get(LANGUAGE).text, "language") == ["es"]


# --- Saving one choice ----------------------------------------------------------------------


SAVES = [
    (
        WAY,
        {"channel": "sms"},
        ("sms", "Mornings", "en", ["email", "post"]),
        {"changed": ["preferred_channel"], "preferred_channel": "sms"},
    ),
    (
        TIME,
        {"times": "Weekday  evenings\tafter 6"},
        ("phone", "Weekday evenings after 6", "en", ["email", "post"]),  # spaces tidied
        {"changed": ["preferred_times"]},
    ),
    (
        LANGUAGE,
        {"language": "vi"},
        ("phone", "Mornings", "vi", ["email", "post"]),
        {"changed": ["language"]},
    ),
    (
        STOP,
        {"stop": ["sms", "post"]},
        ("phone", "Mornings", "en", ["post", "sms"]),
        {"changed": ["opt_outs"], "stopped": ["sms"], "resumed": ["email"]},
    ),
]


@pytest.mark.parametrize(("path", "data", "after", "event"), SAVES)
def test_saving_changes_only_that_choice_and_notes_just_it(
    held, reachable, sign_in, client, path, data, after, event
):
    second = reachable("ACC-2")
    second.debtor_id = held.debtor_id  # one person, two accounts
    db.session.commit()
    stranger = reachable("ACC-3", full_name="John Roe", email="john@example.com")
    sign_in(held)

    response = client.post(path, data=data)

    assert response.status_code == 303
    choice = next(iter(data))
    assert response.headers["Location"] == f"{SAVED}?choice={choice}"
    assert _holding(held) == after
    for account in (held, second):
        (noted,) = events(account, EVENT)
        assert noted.actor == "debtor" and noted.data == event
        # Names of channels and fields only: nothing the person typed, no address or number.
        assert "evening" not in str(noted.data) and "555" not in str(noted.data)
    assert events(stranger, EVENT) == [] and stopped(stranger.debtor) == []


@pytest.mark.parametrize(
    ("path", "data"),
    [
        (WAY, {"channel": "phone"}),
        (TIME, {"times": " Mornings "}),
        (LANGUAGE, {"language": "en"}),
        (STOP, {"stop": ["post", "email"]}),
    ],
)
def test_saving_the_choice_we_hold_writes_nothing(held, sign_in, client, table_rows, path, data):
    sign_in(held)
    before = table_rows()
    response = client.post(path, data=data)
    assert response.status_code == 303 and response.headers["Location"].startswith(SAVED)
    assert table_rows() == before  # no change, so no event saying there was one


def test_a_new_choice_is_shown_again_on_its_page_and_the_overview(held, sign_in, client):
    sign_in(held)
    client.post(WAY, data={"channel": "sms"})
    client.post(TIME, data={"times": "Sundays"})
    client.post(STOP, data={"stop": ["phone"]})
    assert checked(client.get(WAY).text, "channel") == ["sms"]
    assert 'value="Sundays"' in client.get(TIME).text
    assert checked(client.get(STOP).text, "stop") == ["phone"]
    overview = client.get(PAGE).text
    assert "Text message (SMS)" in overview and "Sundays" in overview and "Phone calls" in overview


def test_clearing_the_times_is_a_change(held, sign_in, client):
    sign_in(held)
    response = client.post(TIME, data={"times": "   "})
    assert response.status_code == 303
    assert debtor_of(held).preferred_times is None
    assert [e.data for e in events(held, EVENT)] == [{"changed": ["preferred_times"]}]


def test_unticking_every_way_lets_us_use_them_all_again(held, sign_in, client):
    sign_in(held)
    client.post(STOP, data={})
    assert stopped(debtor_of(held)) == []
    assert [e.data for e in events(held, EVENT)] == [
        {"changed": ["opt_outs"], "stopped": [], "resumed": ["email", "post"]}
    ]


def test_a_way_stopped_through_the_email_link_while_it_was_the_best_way_does_not_block_the_page(
    held, sign_in, client
):
    # Emails were the best way when the one-click link stopped them: the stop page still saves.
    debtor = held.debtor
    debtor.preferred_channel = "email"
    db.session.commit()
    sign_in(held)
    response = client.post(STOP, data={"stop": ["email", "post", "sms"]})
    assert response.status_code == 303
    assert stopped(debtor_of(held)) == ["email", "post", "sms"]
    # The best way page says so until another way is chosen.
    response = client.post(WAY, data={"channel": "email"})
    assert response.status_code == 400 and "You also asked us to stop using “Email”" in response.text


# --- Errors ---------------------------------------------------------------------------------


ERROR_CASES = [
    (WAY, {}, "channel-0", "Choose the best way to contact you"),
    (WAY, {"channel": "fax"}, "channel-0", "Choose the best way to contact you"),
    (
        WAY,
        {"channel": "post"},  # post is stopped
        "channel-3",
        "You also asked us to stop using “Letter by mail”. Choose another way, or uncheck it under "
        "“Ways you want us to stop using”.",
    ),
    (TIME, {"times": "x" * 121}, "times", "The best time to contact you must be 120 characters or fewer"),
    (LANGUAGE, {}, "language-0", "Choose a language"),
    (LANGUAGE, {"language": "xx"}, "language-0", "Choose a language"),
    (
        STOP,
        {"stop": ["email", "phone"]},  # phone calls are the best way
        "stop-2",
        "You told us the best way to contact you is “Phone call”. Uncheck it, or choose another way "
        "to contact you first.",
    ),
]


@pytest.mark.parametrize(("path", "data", "field", "message"), ERROR_CASES)
def test_errors_are_summarised_shown_by_the_field_and_nothing_is_saved(
    held, sign_in, client, table_rows, path, data, field, message
):
    sign_in(held)
    before = table_rows()

    response = client.post(path, data=data)

    assert response.status_code == 400
    html = response.text
    assert check_error_page(html) == QUESTION_OF[path]
    assert summary_links(html) == [field]
    assert f'id="{field}"' in html
    name = field.split("-")[0]
    assert re.search(rf'<p class="error-message" id="{name}(-0)?-error">', html)  # beside the field
    assert html.count(message) == 2  # in the summary, and by the field
    assert f'<a href="{PAGE}">Back</a>' in html
    assert table_rows() == before


def test_what_was_typed_or_ticked_is_kept_after_an_error(held, sign_in, client):
    sign_in(held)
    assert 'value="' + "Sundays " * 20 in client.post(TIME, data={"times": "Sundays " * 20}).text
    html = client.post(STOP, data={"stop": ["phone", "sms"]}).text
    assert checked(html, "stop") == ["sms", "phone"]
    assert checked(client.post(WAY, data={"channel": "post"}).text, "channel") == ["post"]


@pytest.mark.parametrize(
    ("field", "channel", "index", "message"),
    [
        ("phone", "sms", 1, "We do not have a phone number for you."),
        ("phone", "phone", 2, "We do not have a phone number for you."),
        ("email", "email", 0, "We do not have an email address for you."),
        ("postal_code", "post", 3, "We do not have your mailing address."),
    ],
)
def test_a_way_we_have_no_details_for_cannot_be_chosen(
    reachable, sign_in, client, field, channel, index, message
):
    account = reachable()
    sign_in(account)  # the identity check needs the date of birth, not these
    setattr(account.debtor, field, None)
    db.session.commit()
    response = client.post(WAY, data={"channel": channel})
    assert response.status_code == 400
    assert summary_links(response.text) == [f"channel-{index}"]
    assert message in response.text and "contact us to give us one" in response.text
    assert debtor_of(account).preferred_channel is None


@pytest.mark.parametrize("path", QUESTIONS)
def test_a_missing_form_token_is_refused_kindly(held, sign_in, client, app, table_rows, path):
    sign_in(held)
    app.config["WTF_CSRF_ENABLED"] = True
    before = table_rows()
    response = client.post(path, data={"channel": "sms", "times": "", "language": "es", "stop": []})
    assert response.status_code == 400
    assert check_page(response.text) == "This page timed out"
    assert table_rows() == before
