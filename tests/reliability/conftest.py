"""Fixtures the reliability suites share with the payment tests."""

from tests.payments.conftest import card_token  # noqa: F401 - tokenise test cards at localstripe
