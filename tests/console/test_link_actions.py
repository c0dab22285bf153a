"""An account's links in the console: what became of each, a new link shown once, revoking one or
all (a revoked link revoked again changes nothing), within the person's creditors."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from portal.extensions import db
from portal.links import service as links
from portal.models import AccountStatus, MagicLink
from portal.models.types import utcnow
from tests.helpers.records import events


def _links(account) -> list[MagicLink]:
    db.session.expire_all()
    return db.session.scalars(
        select(MagicLink).where(MagicLink.account_id == account.id).order_by(MagicLink.id)
    ).all()


def _row(page: str, marker: str) -> str:
    """The table row holding *marker*."""
    start = page.rindex("<tr>", 0, page.index(marker))
    return page[start : page.index("</tr>", start)]


def test_an_agent_issues_a_link_shown_once_and_it_is_on_the_timeline(
    make_account, make_staff, console_sign_in
):
    account = make_account()
    person = make_staff()
    client = console_sign_in(person)
    assert f"/console/accounts/{account.id}/links" in client.get(f"/console/accounts/{account.id}").text
    page = client.get(f"/console/accounts/{account.id}/links").text
    assert "No link has been issued." in page and f"/console/accounts/{account.id}#actions" in page

    issued = client.post(f"/console/accounts/{account.id}/links/issue")
    assert issued.status_code == 200
    (link,) = _links(account)
    url = links.url_for_link(link)
    assert url in issued.text and "shown only this once" in issued.text
    assert issued.headers["Cache-Control"] == "no-store"
    (event,) = events(account, "link_issued")
    assert event.actor == f"staff:{person.id}" and event.data["link_id"] == link.id
    again = client.get(f"/console/accounts/{account.id}/links").text
    assert links.token_for(link) not in again and "Live" in _row(again, "Revoke the link")
    # The link works for the debtor.
    assert client.application.test_client().get(f"/l/{links.token_for(link)}").status_code in (200, 302, 303)


def test_the_list_says_opened_confirmed_live_revoked_and_expired(
    make_account, make_staff, console_sign_in, sign_in
):
    account = make_account()
    sign_in(account)  # opens a link and confirms who they are
    old = links.issue(account, days=1)
    old.expires_at = utcnow() - timedelta(hours=1)
    gone = links.issue(account)
    links.revoke(gone)
    db.session.commit()
    page = console_sign_in(make_staff()).get(f"/console/accounts/{account.id}/links").text
    body = page[page.index("<tbody>") : page.index("</tbody>")]
    # (state, how many of "opened" and "identity confirmed" say Yes) for each link
    states = sorted(
        (next(state for state in ("Live", "Revoked", "Expired") if f">{state}<" in row), row.count(">Yes<"))
        for row in body.split("<tr>")[1:]
    )
    assert states == [("Expired", 0), ("Live", 2), ("Revoked", 0)]


def test_revoking_one_link_then_again_is_a_kind_no_op(make_account, make_staff, console_sign_in):
    account = make_account()
    first, second = links.issue(account), links.issue(account)
    db.session.commit()
    person = make_staff()
    client = console_sign_in(person)
    url = f"/console/accounts/{account.id}/links/{first.id}/revoke"
    done = client.post(url)
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/accounts/{account.id}/links")
    assert "is revoked: it no longer opens" in client.get(done.headers["Location"]).text
    again = client.post(url)
    assert again.status_code == 302
    assert "already revoked" in client.get(again.headers["Location"]).text
    (event,) = events(account, "link_revoked")
    assert event.actor == f"staff:{person.id}" and event.data["link_id"] == first.id
    revoked = {link.id: link.revoked_at for link in _links(account)}
    assert revoked[first.id] is not None and revoked[second.id] is None
    assert links.check_token(links.token_for(first)).problem is links.LinkProblem.REVOKED


def test_revoke_all_revokes_every_link_once(make_account, make_staff, console_sign_in):
    account = make_account()
    for _ in range(3):
        links.issue(account)
    db.session.commit()
    client = console_sign_in(make_staff())
    done = client.post(f"/console/accounts/{account.id}/links/revoke-all")
    assert done.status_code == 302 and "Revoked 3 link(s)" in client.get(done.headers["Location"]).text
    assert all(link.revoked_at for link in _links(account)) and len(events(account, "link_revoked")) == 3
    client.post(f"/console/accounts/{account.id}/links/revoke-all")
    assert len(events(account, "link_revoked")) == 3
    assert "nothing changed" in client.get(f"/console/accounts/{account.id}/links").text


def test_no_link_for_an_account_on_hold_or_closed(make_account, make_staff, console_sign_in):
    held = make_account("H-1")
    held.on_hold = True
    closed = make_account("C-1", email="c@example.com")
    closed.status = AccountStatus.PAID
    db.session.commit()
    client = console_sign_in(make_staff())
    on_hold = client.post(f"/console/accounts/{held.id}/links/issue")
    assert on_hold.status_code == 409 and "on hold while a dispute is reviewed" in on_hold.text
    assert 'href="#issue"' in on_hold.text
    paid = client.post(f"/console/accounts/{closed.id}/links/issue")
    assert paid.status_code == 409 and "the account is paid" in paid.text
    assert _links(held) == [] and _links(closed) == []


def test_a_new_link_unlocks_an_account_locked_by_wrong_answers(make_account, make_staff, console_sign_in):
    account = make_account()
    older = links.issue(account)
    account.identity_locked_at = utcnow()
    db.session.commit()
    client = console_sign_in(make_staff())
    issued = client.post(f"/console/accounts/{account.id}/links/issue")
    assert issued.status_code == 200
    db.session.expire_all()
    assert account.identity_locked_at is None
    assert next(link for link in _links(account) if link.id == older.id).revoked_at is not None
    assert "1 older link(s) were revoked" in issued.text


def test_another_creditors_account_and_another_accounts_link_are_not_found(
    make_account, make_staff, console_sign_in
):
    ours = make_account("A-1", "acme")
    theirs = make_account("B-1", "beta", "Beta Loans", email="b@example.com")
    their_link = links.issue(theirs)
    db.session.commit()
    client = console_sign_in(make_staff(creditors=["acme"]))
    assert client.get(f"/console/accounts/{theirs.id}/links").status_code == 404
    assert client.post(f"/console/accounts/{theirs.id}/links/issue").status_code == 404
    assert client.post(f"/console/accounts/{theirs.id}/links/revoke-all").status_code == 404
    # Their link's id under our account is not found either.
    assert client.post(f"/console/accounts/{ours.id}/links/{their_link.id}/revoke").status_code == 404
    assert _links(theirs)[0].revoked_at is None and len(_links(theirs)) == 1
