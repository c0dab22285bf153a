"""Creditor policies: the current version of each creditor's, its history (who changed what,
and when), and a form for supervisors that saves a new version as `set-policy` does."""

from __future__ import annotations

from dataclasses import dataclass

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from portal.accounts import policies
from portal.console import acting
from portal.console.access import creditor_or_404, creditors, requires, signed_in, staff
from portal.console.blueprint import bp
from portal.console.policy_forms import (
    FREQUENCY_LABELS,
    HINTS,
    LABELS,
    SECTIONS,
    PolicyForm,
    based_on,
    kind_of,
    prefill,
    typed,
)
from portal.domain.money import Money
from portal.domain.policy import AMOUNTS, FLAGS, Policy, PolicyError
from portal.extensions import db
from portal.i18n import money
from portal.models import Creditor, CreditorPolicy, StaffRole


def shown(name: str, value, currency: str) -> str:
    """A setting's value as a person reads it."""
    if name in FLAGS:
        return _("Yes") if value else _("No")
    if name in AMOUNTS:
        return money(Money(value, currency))
    if name == "frequencies":
        return ", ".join(str(FREQUENCY_LABELS.get(f, f)) for f in value) or _("None")
    if name == "retry_days":
        return ", ".join(str(day) for day in value) or _("None")
    return str(value)


@dataclass(frozen=True)
class Version:
    """One saved version as the history shows it: who saved it and what it changed."""

    row: CreditorPolicy
    policy: Policy
    #: The person's address, or None when no person is recorded (the defaults, set-policy).
    by: str | None
    #: (label, before, after) for each setting that differs from the version before.
    changes: list[tuple[str, str, str]]


def _versions(creditor: Creditor) -> list[Version]:
    """Every saved version, newest first."""
    rows = db.session.scalars(
        select(CreditorPolicy)
        .where(CreditorPolicy.creditor_id == creditor.id)
        .order_by(CreditorPolicy.version)
    ).all()
    versions: list[Version] = []
    before: Policy | None = None
    for row in rows:
        policy = policies.rules(row)
        changes = []
        if before is not None:
            old, new = before.to_dict(), policy.to_dict()
            changes = [
                (
                    str(LABELS[name]),
                    shown(name, old[name], before.currency),
                    shown(name, new[name], policy.currency),
                )
                for name in LABELS
                if old[name] != new[name]
            ]
        made_by = policies.made_by(row) or {}
        versions.append(Version(row, policy, made_by.get("by"), changes))
        before = policy
    return versions[::-1]


def _who(version: Version) -> str:
    if version.by:
        return version.by
    if version.row.version == 1:
        return _("The portal's defaults")
    return _("set-policy, on the server")


# The navigation knows the list as console.policies; "policies" here is the accounts module.
@bp.route("/policies", endpoint="policies")
@signed_in
def policies_list():
    rows = []
    for creditor in creditors():
        row = policies.current(creditor)
        rows.append((creditor, row, policies.rules(row)))
    return render_template("console/policies.html", rows=rows, shown=shown)


@bp.route("/policies/<slug>")
@signed_in
def policy(slug: str):
    creditor = creditor_or_404(slug)
    row = policies.current(creditor)
    return render_template(
        "console/policy.html",
        creditor=creditor,
        row=row,
        current=policies.rules(row),
        versions=_versions(creditor),
        labels=LABELS,
        shown=shown,
        who=_who,
        may_edit=staff().may(StaffRole.SUPERVISOR),
    )


def _render_form(creditor, form, *, errors, status=200):
    page = render_template(
        "console/policy_edit.html",
        creditor=creditor,
        form=form,
        sections=SECTIONS,
        hints=HINTS,
        kind_of=kind_of,
        errors=errors,
    )
    return page, status


def _fresh_form(creditor) -> PolicyForm:
    row = policies.current(creditor)
    return PolicyForm(formdata=None, data=prefill(row.version, policies.rules(row)))


@bp.route("/policies/<slug>/edit", methods=["GET", "POST"])
@requires(StaffRole.SUPERVISOR)
def edit_policy(slug: str):
    creditor = creditor_or_404(slug)
    form = PolicyForm()
    if not form.is_submitted():
        return _render_form(creditor, _fresh_form(creditor), errors=[])
    if not form.validate():
        return _render_form(creditor, form, errors=form.error_summary(), status=400)
    try:
        row = policies.change_typed(
            creditor,
            typed(form),
            made_by={"actor": acting.actor(), "by": staff().email},
            based_on=based_on(form),
            only_differences=True,
        )
    except policies.PolicyConflict:
        db.session.rollback()
        newest = policies.current(creditor).version
        message = _(
            "Version %(newest)s was saved while you were changing version %(yours)s, so your change "
            "was not saved. The form now shows version %(newest)s: make your change again.",
            newest=newest,
            yours=form.version.data,
        )
        return _render_form(creditor, _fresh_form(creditor), errors=[("settings", message)], status=409)
    except policies.NothingToChange:
        db.session.rollback()
        message = _("You changed nothing, so no new version was saved.")
        return _render_form(creditor, form, errors=[("settings", message)], status=400)
    except PolicyError as error:
        db.session.rollback()
        for setting, text in error.problems:
            form.add_error(form._fields.get(setting) or form.currency, text)
        return _render_form(creditor, form, errors=form.error_summary(), status=400)
    db.session.commit()
    flash(_("Version %(version)s of %(name)s's policy is saved.", version=row.version, name=creditor.name))
    return redirect(url_for("console.policy", slug=creditor.slug))
