"""The payment pages' forms: the amount of a part payment, and the card as the portal reads it
back. Stripe.js owns the card's boxes; the page posts only the SetupIntent it saved the card in."""

from __future__ import annotations

from flask import session
from flask_babel import lazy_gettext as _l
from wtforms import Field
from wtforms.validators import StopValidation

from portal.forms.base import Form
from portal.forms.fields import MoneyField
from portal.payments import card_setup

#: No SetupIntent posted, or not the one this visit was given.
NO_CARD = _l("Enter your card details")


class SetupIntentField(Field):
    """The id of the SetupIntent Stripe.js saved the card in, posted in a hidden input. It must be
    the one this visit was given (kept in session[*session_key*]). Its error is shown at the card
    boxes, so the error summary links there."""

    anchor = "card-element"

    def __init__(self, label=None, validators=None, *, session_key: str, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.session_key = session_key

    def process_data(self, value):
        self.data = value or ""

    def process_formdata(self, valuelist):
        self.data = (valuelist[0] if valuelist else "").strip()

    def pre_validate(self, form):
        # Another visit's SetupIntent (a second tab, an old page) may hold a card for another payment.
        if not self.data or self.data != session.get(self.session_key):
            raise StopValidation(NO_CARD)


class CardForm(Form):
    """The card for one payment (in full, part, settlement), saved in this visit's SetupIntent."""

    setup_intent = SetupIntentField(session_key=card_setup.SESSION_KEY)


class PartAmountForm(Form):
    """How much do you want to pay now? The policy's limits are checked by the page."""

    # The page has never shown the amount again after an error; kept so.
    amount = MoneyField(_l("How much do you want to pay now?"), keeps_typed=False)

    def __init__(self, currency: str, **kwargs):
        self.currency = currency
        super().__init__(**kwargs)
