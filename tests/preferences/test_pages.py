"""The contact preferences overview and saved page: who may see them, what they show, and how
the language choice turns the pages to it. The one-choice pages are in test_questions.py."""

from __future__ import annotations

import pytest

from portal.extensions import db
from portal.notify.optout import optout_url
from tests.helpers.pages import check_page, html_lang
from tests.helpers.records import events
from tests.preferences.conftest import stop
from tests.preferences.pages import (
    LANGUAGE,
    PAGE,
    QUESTIONS,
    SAVED,
    STOP,
    TIME,
    WAY,
    answer_rows,
    debtor_of,
    walk,
)

EVERY_PAGE = [PAGE, SAVED, *QUESTIONS]


# --- Reaching the pages ---------------------------------------------------------------------


def test_every_page_links_to_the_overview_from_the_footer(reachable, sign_in, client):
    account = reachable()
    pages = ["/", "/session-ended", optout_url(account.debtor).removeprefix("http://portal.test")]
    for path in pages:
        footer = client.get(path).text.split('<footer class="site-footer">', 1)[1]
        assert f'<a href="{PAGE}">How we contact you</a>' in footer, path
    sign_in(account)
    footer = client.get("/account").text.split('<footer class="site-footer">', 1)[1]
    assert f'<a href="{PAGE}">How we contact you</a>' in footer


@pytest.mark.parametrize("path", EVERY_PAGE)
def test_without_signing_in_every_page_explains_the_email_link_and_how_to_reach_us(client, app, path):
    response = client.get(path)
    assert response.status_code == 200
    assert check_page(response.text) == "How we contact you"
    text = response.text
    assert "Every email from us has a link at the bottom to stop emails" in text
    assert "you do not need to sign in or answer any questions" in text
    assert "1-800-555-0100" in text and "help@example.com" in text  # never a dead end
    assert "<input" not in text.split("<main", 1)[1] and "/verify" not in text


@pytest.mark.parametrize("path", EVERY_PAGE)
def test_a_session_that_has_not_confirmed_who_they_are_is_offered_the_check(
    reachable, client, issue_link, path
):
    account = reachable()
    client.get(issue_link(account))
    response = client.get(path)
    assert response.status_code == 200
    assert check_page(response.text) == "How we contact you"
    assert '<a href="/verify">Confirm who you are</a>' in response.text
    assert 'name="channel"' not in response.text and "check-answers" not in response.text


@pytest.mark.parametrize("path", [PAGE, *QUESTIONS])
def test_posting_without_signing_in_changes_nothing(reachable, client, issue_link, table_rows, path):
    account = reachable()
    client.get(issue_link(account))  # opened the link, but did not answer the question
    before = table_rows()
    response = client.post(
        path, data={"channel": "sms", "times": "Evenings", "language": "es", "stop": ["phone"]}
    )
    assert response.status_code == 403
    assert check_page(response.text) == "How we contact you"
    assert table_rows() == before


# --- The overview ---------------------------------------------------------------------------


def test_the_overview_shows_each_choice_with_a_link_to_change_it(reachable, sign_in, client):
    account = reachable()
    account.debtor.preferred_channel = "phone"
    account.debtor.preferred_times = "Mornings"
    account.debtor.language = "en"
    db.session.commit()
    stop(account.debtor, "email", "post")
    sign_in(account)

    response = client.get(PAGE)

    assert response.status_code == 200
    assert check_page(response.text) == "How we contact you"
    assert "Tell us how and when you would like us to contact you." in response.text
    assert answer_rows(response.text) == [
        ("What is the best way to contact you?", "Phone call", WAY),
        ("When is the best time to contact you? (optional)", "Mornings", TIME),
        ("Which language should we use?", '<span lang="en">English</span>', LANGUAGE),
        ("Ways you want us to stop using", "Emails\nLetters by mail", STOP),
    ]
    assert '<a href="/account">Go to your account</a>' in response.text
    assert "<form" not in response.text.split("<main", 1)[1]  # each choice is changed on its page


def test_the_overview_says_what_is_not_given_yet(reachable, sign_in, client):
    account = reachable(language=None)
    sign_in(account)
    rows = answer_rows(client.get(PAGE).text)
    assert [answer for _question, answer, _url in rows] == ["Not given", "Not given", "Not given", "None"]


def test_the_overview_is_in_the_persons_language(reachable, sign_in, client):
    account = reachable(language="es")
    sign_in(account)
    html = client.get(PAGE).text
    assert check_page(html) == "Cómo nos comunicamos con usted"
    assert answer_rows(html)[2][1] == '<span lang="es">Español</span>'


def test_a_form_posted_to_the_old_single_page_saves_nothing_and_shows_the_choices(
    reachable, sign_in, client, table_rows
):
    account = reachable()
    sign_in(account)
    before = table_rows()
    response = client.post(PAGE, data={"channel": "sms", "language": "es", "stop": ["phone"]})
    assert response.status_code == 303 and response.headers["Location"] == PAGE
    assert table_rows() == before
    assert check_page(client.get(PAGE).text) == "How we contact you"


def test_a_step_of_three_is_shown_on_each_page(reachable, sign_in, client):
    account = reachable()
    sign_in(account)
    assert "Step 1 of 3: Your choices" in client.get(PAGE).text
    for path in QUESTIONS:
        assert "Step 2 of 3: Change a choice" in client.get(path).text, path
    walk(client, {"channel": "email"})
    assert "Step 3 of 3: Saved" in client.get(SAVED).text


# --- The saved page -------------------------------------------------------------------------


def test_the_saved_page_says_what_was_saved_and_what_we_will_and_will_not_do(reachable, sign_in, client):
    account = reachable()
    stop(account.debtor, "phone", "post")
    sign_in(account)
    walk(client, {"channel": "sms", "language": "en"})

    response = client.post(TIME, data={"times": "Weekday  evenings\tafter 6"}, follow_redirects=True)

    assert response.status_code == 200
    assert check_page(response.text) == "Your contact preferences are saved"
    text = response.text
    # Only the choice just saved, with a link to change it again.
    assert answer_rows(text) == [
        ("When is the best time to contact you? (optional)", "Weekday evenings after 6", TIME)
    ]
    will, will_not = text.split("What we will not do", 1)
    assert "When we need to contact you, we will send you a text message first." in will
    assert "We will try to contact you at the times you told us: “Weekday evenings after 6”." in will
    assert "We will write to you in English." in will
    assert "We will not call you." in will_not and "We will not mail you letters." in will_not
    assert "We will not email you." not in text and "We will not send you text messages." not in text
    assert "before 8 AM or after 9 PM your time" in will_not
    assert f'<a href="{PAGE}">Change your contact preferences</a>' in text
    assert '<a href="/account">Go to your account</a>' in text


@pytest.mark.parametrize("choice", [None, "nonsense"])
def test_the_saved_page_without_a_known_choice_shows_no_row(reachable, sign_in, client, choice):
    account = reachable()
    sign_in(account)
    html = client.get(SAVED, query_string={"choice": choice} if choice else None).text
    assert check_page(html) == "Your contact preferences are saved"
    assert answer_rows(html) == []


# --- Language -------------------------------------------------------------------------------


def test_choosing_spanish_changes_the_language_at_once_and_for_later(reachable, sign_in, client):
    account = reachable()
    sign_in(account)
    client.get(f"/language/en?next={LANGUAGE}")  # an earlier pick with the switch is replaced

    response = client.post(LANGUAGE, data={"language": "es"}, follow_redirects=True)

    assert html_lang(response.text) == "es"
    assert check_page(response.text) == "Sus preferencias de contacto se guardaron"
    assert debtor_of(account).language == "es"
    assert html_lang(client.get("/account").text) == "es"
    with client.session_transaction() as session:
        assert session["lang"] == "es"
    # Back to English the same way.
    response = client.post(LANGUAGE, data={"language": "en"}, follow_redirects=True)
    assert html_lang(response.text) == "en" and debtor_of(account).language == "en"


def test_a_refused_language_does_not_change_the_pages_language(reachable, sign_in, client):
    account = reachable()
    sign_in(account)
    response = client.post(LANGUAGE, data={"language": "xx"})
    assert response.status_code == 400 and html_lang(response.text) == "en"
    with client.session_transaction() as session:
        assert "lang" not in session


def test_the_saved_language_is_used_in_a_new_session(reachable, sign_in, client, app):
    account = reachable()
    sign_in(account)
    client.post(LANGUAGE, data={"language": "es"})
    assert [e.data for e in events(account, "contact_preferences_changed")] == [{"changed": ["language"]}]
    # Someone else's browser, with no choice of its own, opening a page about this person.
    stranger = app.test_client()
    assert (
        html_lang(stranger.get(optout_url(debtor_of(account)).removeprefix("http://portal.test")).text)
        == "es"
    )
