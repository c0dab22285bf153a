"""How we contact you: the overview of every choice, reached from the footer of every page, and
the page that confirms a saved choice. Each choice is changed on its own page (question_routes)."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for

from portal.models import Account
from portal.preferences import service
from portal.preferences.blueprint import CHOICES, bp, row, signed_in


@bp.route("/contact-preferences", methods=["GET", "POST"])
@signed_in
def edit(account: Account):
    """Every choice we hold, each with a link to the page that changes it."""
    if request.method == "POST":
        # The page used to be one form posted here. A form left open from before saves nothing
        # now: the person sees what we hold and changes it one choice at a time.
        return redirect(url_for("preferences.edit"), code=303)
    held = service.current(account.debtor)
    return render_template("preferences/edit.html", rows=[row(choice, held) for choice in CHOICES])


@bp.get("/contact-preferences/saved")
@signed_in
def saved(account: Account):
    """What we will and will not do now, under the choice just saved (named by ?choice=)."""
    held = service.current(account.debtor)
    choice = request.args.get("choice")
    return render_template(
        "preferences/saved.html", held=held, saved_row=row(choice, held) if choice in CHOICES else None
    )
