"""/api/v1/offers: the plans the creditor's debtors proposed themselves, and the decision on one,
made as `decide-offer` makes it (the offer held while decided, the debtor emailed)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal import clock
from portal.api.auth import creditor, requires
from portal.api.blueprint import make_blueprint
from portal.api.errors import ApiError, ErrorSchema
from portal.api.idempotency import writes
from portal.api.link_routes import actor
from portal.api.offer_schemas import OfferDecisionArgs, OfferListArgs, OfferPage, OfferSchema, offer_data
from portal.api.outbox_messages import message_ids
from portal.api.pagination import page
from portal.api.scoping import of_account_or_404
from portal.domain import offers as offer_rules
from portal.domain.money import MoneyError, parse_major
from portal.domain.schedules import MAX_PAYMENTS, Frequency
from portal.domain.transitions import TransitionError
from portal.models import Account, Offer
from portal.notify.offer_emails import decision_key
from portal.offers import decisions
from portal.offers import service as offers

blp = make_blueprint("offers", "Offers the creditor's debtors made themselves, and the decision on each.")

#: Why the offer rules refuse a counter-offer, and the field each reason is about.
COUNTER_PROBLEMS = {
    offer_rules.Problem.AMOUNT_NOT_POSITIVE: (
        "amount",
        "The amount must be more than 0 and less than the balance.",
    ),
    offer_rules.Problem.WHOLE_BALANCE: (
        "amount",
        "The amount must be more than 0 and less than the balance.",
    ),
    offer_rules.Problem.TOO_MANY_PAYMENTS: (
        "amount",
        f"At this amount it would take more than {MAX_PAYMENTS} payments.",
    ),
    offer_rules.Problem.START_IN_PAST: ("start_date", "The first payment cannot be in the past."),
    offer_rules.Problem.START_TOO_LATE: ("start_date", "The first payment must be within a year from today."),
}


def _shown(found: list[Offer]) -> list[dict]:
    messages = message_ids(decision_key(offer.id) for offer in found)
    return [offer_data(offer, messages.get(decision_key(offer.id))) for offer in found]


@blp.route("/offers", methods=["GET"])
@blp.arguments(OfferListArgs, location="query", as_kwargs=True)
@blp.response(200, OfferPage)
@requires("requests:read")
def list_offers(limit, cursor, status, account_id):
    """List offers, oldest first, a page at a time; status=pending gives those waiting for a decision."""
    query = (
        select(Offer)
        .join(Account, Account.id == Offer.account_id)
        .where(Account.creditor_id == creditor().id)
        .options(joinedload(Offer.account))
    )
    if status is not None:
        query = query.where(Offer.status == status)
    if account_id is not None:
        query = query.where(Offer.account_id == account_id)
    rows, next_cursor = page(query, Offer.id, limit=limit, cursor=cursor)
    return {"data": _shown(rows), "next_cursor": next_cursor}


@blp.route("/offers/<int:offer_id>", methods=["GET"])
@blp.response(200, OfferSchema)
@requires("requests:read")
def read_offer(offer_id):
    """One offer: its terms, the debtor's note and figures if shared, and the decision."""
    (shown,) = _shown([of_account_or_404(Offer, offer_id, "offer")])
    return shown


@blp.route("/offers/<int:offer_id>/decision", methods=["POST"])
@writes
@blp.arguments(OfferDecisionArgs)
@blp.response(200, OfferSchema)
@blp.alt_response(409, schema=ErrorSchema, description="Decided already (code already_decided).")
@requires("requests:write")
def decide_offer(args, offer_id):
    """Accept, decline or counter a debtor's offer, as `decide-offer` does.

    The debtor is emailed the decision with a new link through the outbox (within their contact
    hours, else the next morning), and the timeline names this key. A counter-offer meets the
    rules of the debtor's own offer on today's balance, else a 422 whose field and code
    (amount_not_positive, whole_balance, too_many_payments, start_in_past, start_too_late) say
    why. An offer is decided once: a second decision, even at the same moment, is a 409
    already_decided and changes nothing.
    """
    offer = of_account_or_404(Offer, offer_id, "offer")
    terms = None
    if args["decision"] == "counter":
        try:
            minor = parse_major(args["amount"], offer.account.currency).minor
        except MoneyError as error:
            raise ApiError(
                422, "invalid", f"The amount cannot be read: {error.problem}.", field="amount"
            ) from None
        terms = offers.Terms(minor, Frequency(args["frequency"]), args["start_date"])
    try:
        queued, _why = decisions.decide(
            offer,
            decisions.Decision(args["decision"]),
            clock.now(),
            reason=args["reason"],
            terms=terms,
            actor=actor(),
        )
    except offer_rules.TermsRefused as refused:
        field, message = COUNTER_PROBLEMS[refused.problem]
        raise ApiError(422, refused.problem.value, message, field=field) from None
    except TransitionError:
        raise ApiError(
            409, "already_decided", f"Offer {offer.id} was already {offer.status.value}; nothing was changed."
        ) from None
    return offer_data(offer, queued.id if queued is not None else None)
