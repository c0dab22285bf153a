"""Property-based fuzzing of Stripe's webhook: unsigned, garbage and signed-but-odd payloads never
give a 5xx, and what a signed odd event leaves behind never breaks the debtor's pages."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from portal.domain.transitions import ATTEMPT
from portal.extensions import db
from portal.models import AttemptStatus, Payment, PaymentAttempt
from tests.helpers import scale
from tests.helpers.webhooks import stripe_signature

INTENT = "pi_fuzz_waiting"
EXAMPLES = scale.pick(100, 5000)
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=not scale.FULL,
    suppress_health_check=list(HealthCheck),
)

_JSON_LEAF = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
    st.sampled_from(["", "\x00", "\ud800", "succeeded", "usd", "USD", "xx", "payment_intent", INTENT]),
)
_JSON = st.recursive(
    _JSON_LEAF,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)
_ODD_INTENT = st.fixed_dictionaries(
    {},
    optional={
        "id": st.one_of(st.just(INTENT), _JSON_LEAF),
        "object": st.one_of(st.just("payment_intent"), _JSON_LEAF),
        "amount": st.one_of(st.just(106025), st.integers(min_value=-(2**70), max_value=2**70), _JSON_LEAF),
        "currency": st.one_of(st.sampled_from(["usd", "USD", "eur", "jpy", "", "u\x00d"]), _JSON_LEAF),
        "status": st.one_of(
            st.sampled_from(["succeeded", "requires_payment_method", "processing", "canceled"]), _JSON_LEAF
        ),
        "client_secret": _JSON_LEAF,
        "last_payment_error": st.one_of(st.none(), _JSON, st.fixed_dictionaries({"code": _JSON_LEAF})),
        "metadata": _JSON,
    },
)
_EVENT = st.fixed_dictionaries(
    {
        "type": st.one_of(
            st.sampled_from(["payment_intent.succeeded", "payment_intent.payment_failed"]), _JSON_LEAF
        ),
        "data": st.one_of(st.fixed_dictionaries({"object": st.one_of(_ODD_INTENT, _JSON)}), _JSON),
    },
    optional={"id": _JSON_LEAF, "object": st.just("event"), "created": _JSON_LEAF},
)


@pytest.fixture(autouse=True)
def server_errors_answer_500(app):
    """Answer an unhandled error with the 500 page, as in production, so every one is counted."""
    app.config["PROPAGATE_EXCEPTIONS"] = False


@pytest.fixture
def waiting(make_account):
    """An attempt waiting at Stripe, so some fuzzed events name an intent the portal knows."""
    account = make_account()
    attempt = PaymentAttempt(
        account_id=account.id,
        live_account_id=account.id,
        amount=106025,
        currency="USD",
        idempotency_key="fuzz-attempt-1",
        stripe_payment_intent_id=INTENT,
        card_brand="Visa",
        card_last4="4242",
    )
    db.session.add(attempt)
    db.session.flush()  # created, then waiting for the card's check, as the payment service leaves it
    ATTEMPT.move(attempt, AttemptStatus.REQUIRES_ACTION)
    db.session.commit()
    return account


class Tally:
    def __init__(self):
        self.cases = 0
        self.failures: list[str] = []

    def check(self, response, what) -> None:
        self.cases += 1
        if response.status_code >= 500:
            self.failures.append(f"{response.status_code} for {what!r}"[:400])
            db.session.rollback()  # the test's app context outlives the request

    def report(self, name: str) -> None:
        scale.figure("fuzzing", f"webhook {name} cases run", self.cases, "cases")
        scale.figure("fuzzing", f"webhook {name} server errors", len(self.failures), "errors")
        assert self.failures == [], "\n".join(self.failures[:10])


def test_unsigned_or_garbage_payloads_are_refused_without_a_server_error(client):
    tally = Tally()

    @SETTINGS
    @given(
        body=st.one_of(st.binary(max_size=300), _JSON.map(lambda v: json.dumps(v).encode())),
        signature=st.one_of(
            st.none(),
            st.text(max_size=80),
            st.builds(lambda t, v: f"t={t},v1={v}", st.text(max_size=12), st.text(max_size=70)),
        ).filter(lambda s: s is None or not any(c in s for c in "\r\n\x00")),
    )
    def case(body, signature):
        headers = {"Content-Type": "application/json"}
        if signature is not None:
            headers["Stripe-Signature"] = signature.encode("utf-8", "surrogatepass").decode(
                "latin-1", "replace"
            )
        response = client.post("/stripe/webhook", data=body, headers=headers)
        tally.check(response, (body[:100], signature))
        if response.status_code != 400:
            tally.failures.append(f"{response.status_code} (not 400) for an unsigned body {body[:100]!r}")

    case()
    tally.report("unsigned")


def test_signed_but_odd_events_never_give_a_server_error(client, waiting, sign_in):
    tally = Tally()

    @SETTINGS
    @given(event=st.one_of(_EVENT, _JSON), raw=st.one_of(st.none(), st.binary(max_size=60)))
    def case(event, raw):
        body = raw if raw is not None else json.dumps(event).encode()
        response = client.post(
            "/stripe/webhook",
            data=body,
            headers={"Content-Type": "application/json", "Stripe-Signature": stripe_signature(body)},
        )
        tally.check(response, body[:300])

    case()
    # What the events left behind must not break the debtor's pages.
    sign_in(waiting)
    for page in ("/account", "/pay", "/options"):
        tally.check(client.get(page), f"GET {page} afterwards")
    tally.report("signed")


def _intent_event(**intent) -> bytes:
    obj = {
        "id": INTENT,
        "object": "payment_intent",
        "amount": 106025,
        "currency": "usd",
        "status": "succeeded",
    }
    return json.dumps({"type": "payment_intent.succeeded", "data": {"object": {**obj, **intent}}}).encode()


@pytest.mark.parametrize(
    "body",
    [
        b"null",
        b"[]",
        b'"text"',
        b"\xff\xfe",
        b"[" * 100000 + b"]" * 100000,
        json.dumps({"data": None}).encode(),
        json.dumps({"type": "payment_intent.succeeded", "data": {"object": []}}).encode(),
        _intent_event(amount="106025"),
        _intent_event(amount=None),
        _intent_event(amount=2**64),
        _intent_event(amount=True),
        _intent_event(currency="u\x00d"),
        _intent_event(currency=None),
        _intent_event(id=None),
        _intent_event(status=["succeeded"]),
    ],
)
def test_a_signed_event_that_is_not_a_readable_payment_intent_is_a_4xx(client, waiting, body):
    response = client.post(
        "/stripe/webhook",
        data=body,
        headers={"Content-Type": "application/json", "Stripe-Signature": stripe_signature(body)},
    )
    assert response.status_code in (200, 400)
    db.session.expire_all()
    assert db.session.scalars(select(Payment)).all() == []


@pytest.mark.parametrize("signature", ["t=0,v1=\x80", "t=1,v1=é", "\xff"])
def test_a_signature_that_is_not_ascii_is_refused_not_a_500(client, signature):
    """Found by the fuzzing: Stripe's digest comparison raises TypeError on non-ASCII text."""
    response = client.post(
        "/stripe/webhook",
        data=b"{}",
        headers={"Content-Type": "application/json", "Stripe-Signature": signature},
    )
    assert response.status_code == 400
