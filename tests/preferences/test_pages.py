"""The contact preferences page: who may see it, what saving writes, and what the person is told."""

from __future__ import annotations

import re

import pytest

from portal.extensions import db
from portal.models import Debtor
from portal.notify.optout import optout_url
from tests.notify.conftest import check_page, events, html_lang
from tests.preferences.conftest import check_error_page, stop, stopped

PAGE = "/contact-preferences"
SAVED = "/contact-preferences/saved"
FULL = {"channel": "sms", "times": "Weekday  evenings\tafter 6", "language": "en", "stop": ["phone", "post"]}


def _debtor(account) -> Debtor:
    db.session.expire_all()
    return db.session.get(Debtor, account.debtor_id)


def _checked(html: str, name: str) -> list[str]:
    inputs = re.findall(rf'<input[^>]*name="{name}"[^>]*>', html)
    return [re.search(r'value="([^"]*)"', i).group(1) for i in inputs if re.search(r"\schecked\b", i)]


def _summary_links(html: str) -> list[str]:
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S).group(0)
    return re.findall(r'<a href="#([^"]+)">', summary)


# --- Reaching the page ----------------------------------------------------------------------


def test_every_page_links_to_it_from_the_footer(reachable, sign_in, client):
    account = reachable()
    pages = ["/", "/session-ended", optout_url(account.debtor).removeprefix("http://portal.test")]
    for path in pages:
        footer = client.get(path).text.split('<footer class="site-footer">', 1)[1]
        assert f'<a href="{PAGE}">How we contact you</a>' in footer, path
    sign_in(account)
    footer = client.get("/account").text.split('<footer class="site-footer">', 1)[1]
    assert f'<a href="{PAGE}">How we contact you</a>' in footer


@pytest.mark.parametrize("path", [PAGE, SAVED])
def test_without_signing_in_the_page_explains_the_email_link_and_how_to_reach_us(client, app, path):
    response = client.get(path)
    assert response.status_code == 200
    assert check_page(response.text) == "How we contact you"
    text = response.text
    assert "Every email from us has a link near the end to stop emails" in text
    assert "you do not need to sign in or answer any questions" in text
    assert "1-800-555-0100" in text and "help@example.com" in text  # never a dead end
    assert 'name="channel"' not in text and "/verify" not in text


def test_a_session_that_has_not_confirmed_who_they_are_is_offered_the_check(reachable, client, issue_link):
    account = reachable()
    client.get(issue_link(account))
    response = client.get(PAGE)
    assert check_page(response.text) == "How we contact you"
    assert '<a href="/verify">Confirm who you are</a>' in response.text
    assert 'name="channel"' not in response.text


def test_posting_without_signing_in_changes_nothing(reachable, client, issue_link, table_rows):
    account = reachable()
    client.get(issue_link(account))  # opened the link, but did not answer the question
    before = table_rows()
    response = client.post(PAGE, data=FULL)
    assert response.status_code == 403
    assert check_page(response.text) == "How we contact you"
    assert table_rows() == before


def test_the_form_shows_what_we_hold(reachable, sign_in, client):
    account = reachable()
    account.debtor.preferred_channel = "phone"
    account.debtor.preferred_times = "Mornings"
    account.debtor.language = "es"
    db.session.commit()
    stop(account.debtor, "email", "post")
    sign_in(account)

    response = client.get(PAGE)

    assert response.status_code == 200
    assert check_page(response.text) == "Cómo nos comunicamos con usted"  # the debtor reads Spanish
    assert re.search(rf'<form method="post" action="{PAGE}"', response.text)
    assert _checked(response.text, "channel") == ["phone"]
    assert _checked(response.text, "language") == ["es"]
    assert _checked(response.text, "stop") == ["email", "post"]
    assert 'id="times" name="times" type="text" value="Mornings"' in response.text
    # Each language is named in itself, marked up in that language for screen readers.
    assert '<label class="radios__label" for="language-1" lang="es">Español</label>' in response.text


def test_with_nothing_chosen_yet_the_language_is_the_pages(reachable, sign_in, client):
    account = reachable()
    sign_in(account)
    client.get(f"/language/es?next={PAGE}")
    html = client.get(PAGE).text
    assert _checked(html, "channel") == [] and _checked(html, "stop") == []
    assert _checked(html, "language") == ["es"]


# --- Saving ---------------------------------------------------------------------------------


def test_saving_stores_everything_and_notes_it_on_each_of_the_persons_accounts(reachable, sign_in, client):
    first = reachable("ACC-1")
    second = reachable("ACC-2")
    second.debtor_id = first.debtor_id  # one person, two accounts
    db.session.commit()
    stranger = reachable("ACC-3", full_name="John Roe", email="john@example.com")
    sign_in(first)

    response = client.post(PAGE, data=FULL)

    assert response.status_code == 303 and response.headers["Location"].endswith(SAVED)
    debtor = _debtor(first)
    assert debtor.preferred_channel == "sms"
    assert debtor.preferred_times == "Weekday evenings after 6"  # spaces tidied
    assert debtor.language == "en"
    assert stopped(debtor) == ["phone", "post"]
    for account in (first, second):
        (event,) = events(account, "contact_preferences_changed")
        assert event.actor == "debtor"
        assert event.data == {
            "changed": ["preferred_channel", "preferred_times", "language", "opt_outs"],
            "preferred_channel": "sms",
            "stopped": ["phone", "post"],
            "resumed": [],
        }
        # Names of channels and fields only: nothing the person typed, no address or number.
        flat = str(event.data)
        assert "evening" not in flat and "jane" not in flat and "555" not in flat
    assert events(stranger, "contact_preferences_changed") == [] and stopped(stranger.debtor) == []


def test_the_confirmation_says_what_we_will_and_will_not_do(reachable, sign_in, client):
    account = reachable()
    sign_in(account)
    response = client.post(PAGE, data=FULL, follow_redirects=True)

    assert response.status_code == 200
    assert check_page(response.text) == "Your contact preferences are saved"
    text = response.text
    will, will_not = text.split("What we will not do", 1)
    assert "When we need to contact you, we will send you a text message first." in will
    assert "We will try to contact you at the times you told us: “Weekday evenings after 6”." in will
    assert "We will write to you in English." in will
    assert "We will not phone you." in will_not and "We will not write to you by post." in will_not
    assert "We will not email you." not in text and "We will not send you text messages." not in text
    assert "before 8am or after 9pm your time" in will_not
    assert f'<a href="{PAGE}">Change your contact preferences</a>' in text


def test_unticking_lets_us_use_a_channel_again(reachable, sign_in, client):
    account = reachable()
    stop(account.debtor, "email", "sms")
    sign_in(account)

    client.post(PAGE, data={"channel": "email", "language": "en", "stop": ["sms"]})

    assert stopped(account.debtor) == ["sms"]
    (event,) = events(account, "contact_preferences_changed")
    assert event.data["stopped"] == [] and event.data["resumed"] == ["email"]


def test_saving_the_same_again_writes_nothing_new(reachable, sign_in, client):
    account = reachable()
    sign_in(account)
    client.post(PAGE, data=FULL)
    response = client.post(PAGE, data=FULL)
    assert response.status_code == 303
    assert len(events(account, "contact_preferences_changed")) == 1
    assert stopped(account.debtor) == ["phone", "post"]


def test_clearing_the_times_is_a_change(reachable, sign_in, client):
    account = reachable()
    sign_in(account)
    client.post(PAGE, data=FULL)
    client.post(PAGE, data={**FULL, "times": "   "})
    assert _debtor(account).preferred_times is None
    assert events(account, "contact_preferences_changed")[-1].data == {"changed": ["preferred_times"]}


def test_choosing_spanish_changes_the_language_at_once_and_for_later(reachable, sign_in, client):
    account = reachable()
    sign_in(account)
    client.get(f"/language/en?next={PAGE}")  # an earlier pick with the switch is replaced

    response = client.post(PAGE, data={**FULL, "language": "es"}, follow_redirects=True)

    assert html_lang(response.text) == "es"
    assert _debtor(account).language == "es"
    assert html_lang(client.get("/account").text) == "es"
    with client.session_transaction() as session:
        assert session["lang"] == "es"
    # Back to English the same way.
    response = client.post(PAGE, data=FULL, follow_redirects=True)
    assert html_lang(response.text) == "en" and _debtor(account).language == "en"


def test_the_saved_language_is_used_in_a_new_session(reachable, sign_in, client, app):
    account = reachable()
    sign_in(account)
    client.post(PAGE, data={**FULL, "language": "es"})
    # Someone else's browser, with no choice of its own, opening a page about this person.
    stranger = app.test_client()
    assert (
        html_lang(stranger.get(optout_url(_debtor(account)).removeprefix("http://portal.test")).text) == "es"
    )


# --- Errors ---------------------------------------------------------------------------------


ERROR_CASES = [
    ({"language": "en"}, "channel-0", "Choose the best way to contact you"),
    ({"channel": "fax", "language": "en"}, "channel-0", "Choose the best way to contact you"),
    ({"channel": "sms"}, "language-0", "Choose a language"),
    ({"channel": "sms", "language": "xx"}, "language-0", "Choose a language"),
    (
        {"channel": "phone", "language": "en", "stop": ["email", "phone"]},
        "channel-2",
        "You also asked us to stop using “Phone call”. Choose another way, or untick it under "
        "“Ways you want us to stop using”.",
    ),
    (
        {"channel": "email", "language": "en", "times": "x" * 121},
        "times",
        "The best time to contact you must be 120 characters or fewer",
    ),
]


@pytest.mark.parametrize(("data", "field", "message"), ERROR_CASES)
def test_errors_are_summarised_linked_to_their_field_and_nothing_is_saved(
    reachable, sign_in, client, table_rows, data, field, message
):
    account = reachable()
    sign_in(account)
    before = table_rows()

    response = client.post(PAGE, data=data)

    assert response.status_code == 400
    html = response.text
    assert check_error_page(html) == "How we contact you"
    assert _summary_links(html) == [field]
    assert f'id="{field}"' in html
    assert html.count(message) == 2  # in the summary, and by the field
    assert table_rows() == before


def test_several_errors_are_listed_in_page_order(reachable, sign_in, client):
    account = reachable()
    sign_in(account)
    response = client.post(PAGE, data={"times": "x" * 200})
    assert _summary_links(response.text) == ["channel-0", "times", "language-0"]


def test_what_was_typed_is_kept_after_an_error(reachable, sign_in, client):
    account = reachable()
    sign_in(account)
    html = client.post(PAGE, data={"times": "Sundays", "language": "es", "stop": ["post"]}).text
    assert 'value="Sundays"' in html
    assert _checked(html, "language") == ["es"] and _checked(html, "stop") == ["post"]


@pytest.mark.parametrize(
    ("field", "channel", "index", "message"),
    [
        ("phone", "sms", 1, "We do not have a phone number for you."),
        ("phone", "phone", 2, "We do not have a phone number for you."),
        ("email", "email", 0, "We do not have an email address for you."),
        ("postal_code", "post", 3, "We do not have your postal address."),
    ],
)
def test_a_way_we_have_no_details_for_cannot_be_chosen(
    reachable, sign_in, client, field, channel, index, message
):
    account = reachable()
    sign_in(account)  # the identity check needs the date of birth, not these
    setattr(account.debtor, field, None)
    db.session.commit()
    response = client.post(PAGE, data={"channel": channel, "language": "en"})
    assert response.status_code == 400
    assert _summary_links(response.text) == [f"channel-{index}"]
    assert message in response.text and "contact us to give us one" in response.text


def test_a_missing_form_token_is_refused_kindly(reachable, sign_in, client, app, table_rows):
    account = reachable()
    sign_in(account)
    app.config["WTF_CSRF_ENABLED"] = True
    before = table_rows()
    response = client.post(PAGE, data=FULL)
    assert response.status_code == 400
    assert check_page(response.text) == "This page timed out"
    assert table_rows() == before
