"""Find an account by reference, name, email address or phone number."""

from __future__ import annotations

from flask import render_template, request
from sqlalchemy import func, or_, select

from portal.console.access import scoped, signed_in
from portal.console.blueprint import bp
from portal.domain.phones import normalize_phone
from portal.extensions import db
from portal.models import Account, Debtor

#: At most this many matches are listed; the page says when there are more.
SHOWN = 50


def search(text: str) -> tuple[list[Account], bool]:
    """Accounts matching *text* (the person's creditors only), and whether more were left out."""
    text = " ".join(text.split())
    if not text:
        return [], False
    like = f"%{text.lower()}%"
    matches = [
        func.lower(Account.reference) == text.lower(),
        func.lower(Debtor.full_name).like(like),
        func.lower(Debtor.email) == text.lower(),
    ]
    phone = normalize_phone(text)
    if phone:
        matches.append(Debtor.phone == phone)
    query = scoped(select(Account).join(Debtor).where(or_(*matches))).order_by(
        Debtor.full_name, Account.reference
    )
    found = list(db.session.scalars(query.limit(SHOWN + 1)))
    return found[:SHOWN], len(found) > SHOWN


@bp.route("/find")
@signed_in
def find():
    text = request.args.get("q", "")
    found, more = search(text)
    return render_template(
        "console/find.html", text=text, found=found, more=more, searched=bool(text.strip())
    )
