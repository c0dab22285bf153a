"""Admins manage staff on the Staff page: invite (a set-up link shown once), change role and
creditors, disable, reset; nobody else reaches it, and a limited admin gives no more than they have."""

from __future__ import annotations

import re

from sqlalchemy import select

from portal.extensions import db
from portal.models import StaffAudit, StaffRole, StaffUser


def test_only_admins_reach_the_staff_pages(make_account, make_staff, console_sign_in):
    make_account()
    for role in ("agent", "supervisor"):
        client = console_sign_in(make_staff(f"{role}@example.com", role))
        assert client.get("/console/staff").status_code == 403
        assert (
            client.post("/console/staff", data={"email": "x@example.com", "role": "admin"}).status_code == 403
        )
        assert "Staff</a>" not in client.get("/console/").text


def test_an_admin_invites_a_person_who_then_sets_up_with_the_link(
    app, make_account, make_staff, console_sign_in
):
    make_account()
    admin = make_staff("admin@example.com", "admin")
    client = console_sign_in(admin)
    page = client.post(
        "/console/staff", data={"email": "New.Agent@example.com", "role": "agent", "creditors": ["acme"]}
    )
    assert page.status_code == 200 and "new.agent@example.com is invited" in page.text
    (token,) = re.findall(r"/console/set-up/([\w-]+)", page.text)
    person = db.session.scalar(select(StaffUser).where(StaffUser.email == "new.agent@example.com"))
    assert person.role is StaffRole.AGENT and [c.slug for c in person.creditors] == ["acme"]
    entry = db.session.scalar(
        select(StaffAudit).where(StaffAudit.kind == "created", StaffAudit.staff_id == person.id)
    )
    assert entry.by_staff_id == admin.id
    assert app.test_client().get(f"/console/set-up/{token}").status_code == 200


def test_a_bad_or_taken_address_and_no_role_are_said_plainly(make_staff, console_sign_in):
    client = console_sign_in(make_staff("admin@example.com", "admin"))
    bad = client.post("/console/staff", data={"email": "not-an-address", "role": "agent"})
    assert bad.status_code == 400 and "Enter an email address like name@example.com" in bad.text
    taken = client.post("/console/staff", data={"email": "admin@example.com", "role": "agent"})
    assert taken.status_code == 400 and "already a staff user" in taken.text
    no_role = client.post("/console/staff", data={"email": "a@example.com"})
    assert no_role.status_code == 400 and "Choose a role" in no_role.text


def test_changing_rights_ends_the_persons_sessions_and_an_admin_cannot_demote_themselves(
    make_account, make_staff, console_sign_in
):
    make_account()
    admin = make_staff("admin@example.com", "admin")
    agent = make_staff("agent@example.com", "agent")
    agent_client, admin_client = console_sign_in(agent), console_sign_in(admin)
    changed = admin_client.post(f"/console/staff/{agent.id}", data={"role": "supervisor"})
    assert changed.status_code == 302
    db.session.refresh(agent)
    assert agent.role is StaffRole.SUPERVISOR
    assert agent_client.get("/console/").status_code == 302  # signed in under the old rights: ended
    own = admin_client.post(f"/console/staff/{admin.id}", data={"role": "agent"})
    assert own.status_code == 400 and "cannot change your own role" in own.text


def test_disable_and_reset_from_the_page(make_staff, console_sign_in):
    admin = make_staff("admin@example.com", "admin")
    agent = make_staff("agent@example.com", "agent")
    agent_client, admin_client = console_sign_in(agent), console_sign_in(admin)
    assert admin_client.post(f"/console/staff/{agent.id}/disable").status_code == 302
    assert agent_client.get("/console/").status_code == 302
    db.session.refresh(agent)
    assert not agent.is_active
    reset = admin_client.post(f"/console/staff/{agent.id}/reset")
    assert reset.status_code == 200 and "/console/set-up/" in reset.text
    db.session.refresh(agent)
    assert agent.is_active and agent.password_hash is None
    assert admin_client.post(f"/console/staff/{admin.id}/disable").status_code == 302
    db.session.refresh(admin)
    assert admin.is_active  # refused: "ask another admin"


def test_an_admin_limited_to_a_creditor_manages_only_staff_within_it(
    make_account, make_staff, console_sign_in
):
    make_account("A-1", "acme", "Acme Bank")
    make_account("B-1", "beta", "Beta Loans")
    everyone = make_staff("boss@example.com", "admin")
    limited = make_staff("acme-admin@example.com", "admin", creditors=["acme"])
    client = console_sign_in(limited)
    assert client.get(f"/console/staff/{everyone.id}").status_code == 404
    assert "boss@example.com" not in client.get("/console/staff").text
    unlimited = client.post("/console/staff", data={"email": "x@example.com", "role": "agent"})
    assert unlimited.status_code == 400 and "Choose at least one creditor" in unlimited.text
    beta = client.post(
        "/console/staff", data={"email": "x@example.com", "role": "agent", "creditors": ["beta"]}
    )
    assert beta.status_code == 400  # beta is not offered to this admin, so it is not taken


def test_your_sign_in_page_counts_sessions_and_signs_out_everywhere(make_staff, console_sign_in):
    person = make_staff()
    first, second = console_sign_in(person), console_sign_in(person)
    page = first.get("/console/me").text
    assert "2 devices or browsers" in page and "Recovery codes left" in page
    assert second.post("/console/sign-out-everywhere").status_code == 302
    assert first.get("/console/me").status_code == 302
