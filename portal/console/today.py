"""Today: the accounts that need a person, each with why it is there."""

from __future__ import annotations

from flask import render_template

from portal import clock
from portal.console import worklist_data
from portal.console.access import creditor_ids, signed_in
from portal.console.blueprint import bp


@bp.route("/")
@signed_in
def today():
    lines = worklist_data.gather(creditor_ids(), clock.now())
    return render_template("console/today.html", lines=lines, today=clock.today())
