"""Which step of which journey a page is, so every step can say "Step 2 of 3: Check and agree".

Pages where the debtor chooses a task (their account, the options, "I can't pay") start no
journey, so they carry no step. A page shared by journeys (the receipt) takes its place from the
journey the debtor last started.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, request, session
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

# journey -> steps; each step is (endpoints that show it, label)
JOURNEYS: dict[str, list[tuple[tuple[str, ...], object]]] = {
    "sign_in": [
        (("links.start",), _l("Start")),
        (("links.verify",), _l("Confirm who you are")),
    ],
    "pay_in_full": [
        (("payments.pay", "payments.pay_submit"), _l("Pay by card")),
        (("payments.receipt",), _l("Your receipt")),
    ],
    "pay_part": [
        (("payments.part_amount",), _l("Choose an amount")),
        (("payments.part_card",), _l("Pay by card")),
        (("payments.receipt",), _l("Your receipt")),
    ],
    "settle": [
        (("payments.settle",), _l("Check the offer and pay")),
        (("payments.receipt",), _l("Your receipt")),
    ],
    "plan": [
        (("plans.builder",), _l("How often")),
        (("plans.payments",), _l("How much each time")),
        (("plans.first_date", "plans.down_payment"), _l("Your first payment")),
        (("plans.review",), _l("Check and agree")),
        (("plans.confirmed",), _l("Plan set up")),
    ],
    "own_offer": [
        (("own_offer.propose",), _l("How much")),
        (("own_offer.frequency",), _l("How often")),
        (("own_offer.start",), _l("Your first payment")),
        (("own_offer.note",), _l("Anything else")),
        (("own_offer.check",), _l("Check and send")),
        (("own_offer.status",), _l("Our reply")),
        (("own_offer.agree",), _l("Check and agree")),
        (("plans.confirmed",), _l("Plan set up")),
    ],
    "afford": [
        (("afford.income",), _l("Money coming in")),
        (("afford.outgoings",), _l("Money going out")),
        (("afford.how_to_pay",), _l("How often")),
        (("afford.first_payment",), _l("Your first payment")),
        (("afford.result",), _l("What you have left")),
        (("afford.share",), _l("Share or keep private")),
    ],
    "dispute": [
        (("disputes.dispute_form",), _l("What is wrong")),
        (("disputes.details",), _l("Tell us more")),
        (("disputes.evidence",), _l("Add a document")),
        (("disputes.check",), _l("Check and send")),
        (("disputes.received",), _l("We have your dispute")),
    ],
    "promise": [
        (("cant_pay.promise",), _l("Choose a date")),
        (("cant_pay.promise_amount",), _l("How much")),
        (("cant_pay.promise_check",), _l("Check and send")),
        (("cant_pay.promise_made",), _l("Promise saved")),
    ],
    "call_back": [
        (("cant_pay.hardship",), _l("Your phone number")),
        (("cant_pay.callback_days",), _l("Days that suit you")),
        (("cant_pay.callback_times",), _l("Times that suit you")),
        (("cant_pay.callback_explanation",), _l("What is happening")),
        (("cant_pay.callback_check",), _l("Check and send")),
        (("cant_pay.hardship_sent",), _l("Request sent")),
    ],
    "preferences": [
        (("preferences.edit",), _l("Your choices")),
        (
            ("preferences.channel", "preferences.times", "preferences.language", "preferences.stop"),
            _l("Change a choice"),
        ),
        (("preferences.saved",), _l("Saved")),
    ],
    "stop_emails": [
        (("optout.confirm",), _l("Confirm")),
        (("optout.stop",), _l("Emails stopped")),
    ],
}


@dataclass(frozen=True)
class Step:
    number: int
    total: int
    label: str

    @property
    def text(self) -> str:
        return _(
            "Step %(number)d of %(total)d: %(label)s", number=self.number, total=self.total, label=self.label
        )


# endpoint -> every (journey, step index) it shows, worked out once rather than on each request
PLACES: dict[str, list[tuple[str, int]]] = {}
for _name, _steps in JOURNEYS.items():
    for _index, (_endpoints, _label) in enumerate(_steps):
        for _endpoint in _endpoints:
            PLACES.setdefault(_endpoint, []).append((_name, _index))


def step_for(endpoint: str | None, current_journey: str | None) -> Step | None:
    """The step this endpoint is in the debtor's current journey (or its only journey)."""
    places = PLACES.get(endpoint or "")
    if not places:
        return None
    name, index = next(((n, i) for n, i in places if n == current_journey), places[0])
    steps = JOURNEYS[name]
    return Step(index + 1, len(steps), str(steps[index][1]))


def init_app(app: Flask) -> None:
    @app.before_request
    def _remember_journey():
        if "link" not in session:
            return  # only a debtor's own session; pages like "stop emails" set no cookie
        for name, index in PLACES.get(request.endpoint or "", ()):
            if index == 0 and session.get("journey") != name:
                session["journey"] = name

    @app.context_processor
    def _step_context():
        return {"step": step_for(request.endpoint, session.get("journey")) if request else None}
