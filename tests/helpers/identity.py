"""The identity check's answers, as the debtor types them."""

from __future__ import annotations


def dob_answer(day, month, year) -> dict:
    return {"day": str(day), "month": str(month), "year": str(year)}
