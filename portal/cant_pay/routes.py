""" "I can't pay right now": the choices. A promise to pay (promise_routes) and a hardship
call-back request (callback_routes) are pages of the same blueprint (blueprint.py), each a run
of questions."""

from __future__ import annotations

from flask import g, render_template

from portal import clock
from portal.accounts import ledger
from portal.cant_pay.blueprint import bp, closed
from portal.links.access import verified_required
from portal.plans.options import options_for


@bp.get("/cant-pay")
@verified_required
def choices():
    if (elsewhere := closed()) is not None:
        return elsewhere
    policy = options_for(g.account, clock.today()).policy
    return render_template(
        "cant_pay/cant_pay.html",
        account=g.account,
        plan=ledger.active_plan(g.account.id),
        pause_days=policy.hardship_pause_days,
    )
