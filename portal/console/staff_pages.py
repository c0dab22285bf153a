"""Staff (admins): list, invite, change role and creditors, disable, reset a sign-in."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from portal.console import staff_admin
from portal.console.access import creditor_ids, requires, staff
from portal.console.blueprint import bp
from portal.console.staff_forms import InviteForm, RightsForm
from portal.extensions import db
from portal.models import Creditor, StaffAudit, StaffRole, StaffUser


def _visible(person: StaffUser) -> bool:
    """An admin limited to some creditors manages only staff limited to those creditors too."""
    if not staff().creditors:
        return True
    mine = set(creditor_ids())
    return bool(person.creditors) and {c.id for c in person.creditors} <= mine


def _person_or_404(staff_id: int) -> StaffUser:
    person = db.session.get(StaffUser, staff_id)
    if person is None or not _visible(person):
        abort(404)
    return person


def _chosen_creditors(slugs) -> list[Creditor]:
    if not slugs:
        # Every creditor, which only an admin who sees every creditor may give.
        return []
    return list(db.session.scalars(select(Creditor).where(Creditor.slug.in_(sorted(slugs)))))


def _rights_refusal(form: RightsForm | InviteForm) -> bool:
    """True (with the error on the form) when the chosen rights exceed the admin's own."""
    if not form.creditors.data and staff().creditors:
        form.add_error(form.creditors, _("Choose at least one creditor: you may only give creditors you see"))
        return True
    return False


@bp.route("/staff", methods=["GET", "POST"])
@requires(StaffRole.ADMIN)
def staff_list():
    people = [p for p in db.session.scalars(select(StaffUser).order_by(StaffUser.email)) if _visible(p)]
    form = InviteForm()
    setup_link = None
    if form.validate_on_submit() and not _rights_refusal(form):
        try:
            person, token = staff_admin.create(
                form.email.data, StaffRole(form.role.data), _chosen_creditors(form.creditors.data), by=staff()
            )
        except staff_admin.StaffError as error:
            form.add_error(form.email, str(error))
        else:
            db.session.commit()
            setup_link = staff_admin.setup_url(token)
            people = [
                p for p in db.session.scalars(select(StaffUser).order_by(StaffUser.email)) if _visible(p)
            ]
            form = InviteForm(formdata=None)
            return render_template(
                "console/staff.html",
                people=people,
                form=form,
                errors=[],
                setup_link=setup_link,
                invited=person,
            )
    status = 400 if form.is_submitted() and form.error_summary() else 200
    return render_template(
        "console/staff.html",
        people=people,
        form=form,
        errors=form.error_summary(),
        setup_link=None,
        invited=None,
    ), status


@bp.route("/staff/<int:staff_id>", methods=["GET", "POST"])
@requires(StaffRole.ADMIN)
def staff_member(staff_id: int):
    person = _person_or_404(staff_id)
    form = RightsForm(data={"role": person.role.value, "creditors": [c.slug for c in person.creditors]})
    if form.validate_on_submit() and not _rights_refusal(form):
        try:
            staff_admin.change(
                person, StaffRole(form.role.data), _chosen_creditors(form.creditors.data), by=staff()
            )
        except staff_admin.StaffError as error:
            form.add_error(form.role, str(error))
        else:
            db.session.commit()
            flash(_("%(email)s now has the role %(role)s.", email=person.email, role=person.role.value))
            return redirect(url_for("console.staff_member", staff_id=person.id))
    status = 400 if form.is_submitted() and form.error_summary() else 200
    history = db.session.scalars(
        select(StaffAudit).where(StaffAudit.staff_id == person.id).order_by(StaffAudit.id.desc()).limit(50)
    )
    return render_template(
        "console/staff_member.html",
        person=person,
        form=form,
        errors=form.error_summary(),
        history=list(history),
    ), status


@bp.route("/staff/<int:staff_id>/disable", methods=["POST"])
@requires(StaffRole.ADMIN)
def disable_staff(staff_id: int):
    person = _person_or_404(staff_id)
    try:
        staff_admin.disable(person, by=staff())
    except staff_admin.StaffError as error:
        flash(str(error))
        return redirect(url_for("console.staff_member", staff_id=person.id))
    db.session.commit()
    flash(_("%(email)s can no longer sign in and has been signed out everywhere.", email=person.email))
    return redirect(url_for("console.staff_member", staff_id=person.id))


@bp.route("/staff/<int:staff_id>/reset", methods=["POST"])
@requires(StaffRole.ADMIN)
def reset_staff(staff_id: int):
    person = _person_or_404(staff_id)
    token = staff_admin.reset(person, by=staff())
    db.session.commit()
    return render_template("console/staff_reset.html", person=person, setup_link=staff_admin.setup_url(token))
