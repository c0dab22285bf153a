"""/api/v1 payments and plans: what each of the creditor's debtors paid and agreed to (read only)."""

from __future__ import annotations

from sqlalchemy import select

from portal.api.auth import requires
from portal.api.blueprint import make_blueprint
from portal.api.pagination import PageArgs, page
from portal.api.payment_schemas import (
    PaymentPage,
    PaymentSchema,
    PlanPage,
    PlanSchema,
    payment_data,
    plan_data,
)
from portal.api.scoping import account_or_404, of_account_or_404
from portal.models import Payment, Plan

blp = make_blueprint("payments", "Payments received and plans agreed, per account (read only).")


@blp.route("/accounts/<int:account_id>/payments", methods=["GET"])
@blp.arguments(PageArgs, location="query", as_kwargs=True)
@blp.response(200, PaymentPage)
@requires("accounts:read")
def list_payments(account_id, limit, cursor):
    """The account's payments, oldest first, a page at a time."""
    account = account_or_404(account_id)
    query = select(Payment).where(Payment.account_id == account.id)
    rows, next_cursor = page(query, Payment.id, limit=limit, cursor=cursor)
    return {"data": [payment_data(row) for row in rows], "next_cursor": next_cursor}


@blp.route("/payments/<int:payment_id>", methods=["GET"])
@blp.response(200, PaymentSchema)
@requires("accounts:read")
def read_payment(payment_id):
    """One payment: how much, how, what for, and any part given back."""
    return payment_data(of_account_or_404(Payment, payment_id, "payment"))


@blp.route("/accounts/<int:account_id>/plans", methods=["GET"])
@blp.arguments(PageArgs, location="query", as_kwargs=True)
@blp.response(200, PlanPage)
@requires("accounts:read")
def list_plans(account_id, limit, cursor):
    """The account's plans (in force or ended), oldest first, each with its instalments."""
    account = account_or_404(account_id)
    query = select(Plan).where(Plan.account_id == account.id)
    rows, next_cursor = page(query, Plan.id, limit=limit, cursor=cursor)
    return {"data": [plan_data(row) for row in rows], "next_cursor": next_cursor}


@blp.route("/plans/<int:plan_id>", methods=["GET"])
@blp.response(200, PlanSchema)
@requires("accounts:read")
def read_plan(plan_id):
    """One plan: its kind, where it stands, and each instalment's due date, amount and status."""
    return plan_data(of_account_or_404(Plan, plan_id, "plan"))
