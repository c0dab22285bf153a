"""Shared below the features: the ledger (balances, payments applied, plans in force) and the
creditor policy in force for an account."""
