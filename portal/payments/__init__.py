"""Card payments: the Stripe gateway, paying in full, recording each payment exactly once."""
