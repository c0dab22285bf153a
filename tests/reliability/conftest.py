"""Fixtures the reliability suites share. Cards are typed into a card page's SetupIntent at
localstripe, as Stripe.js does it, with tests.helpers.cards."""
