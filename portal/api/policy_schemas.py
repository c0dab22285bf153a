"""A creditor's policy as the API shows it (every limit, amounts as decimal strings) and a change
to it, named as `set-policy`'s options are."""

from __future__ import annotations

import marshmallow as ma

from portal.accounts import policies
from portal.api.fields import Amount, amount
from portal.api.pagination import page_schema
from portal.domain.policy import AMOUNTS, FLAGS, NUMBERS
from portal.domain.schedules import Frequency
from portal.models import CreditorPolicy

_FREQUENCIES = [f.value for f in Frequency]
#: Whole numbers beyond these are no policy anyone means, and would overflow date arithmetic.
_NUMBER = ma.validate.Range(min=-1_000_000, max=1_000_000)

_DESCRIPTIONS = {
    "part_payments": "May a debtor pay part of the balance?",
    "part_minimum": "The smallest part payment.",
    "settlement": "May a debtor settle for less than the balance?",
    "settlement_max_discount_pct": "The largest settlement discount, in percent (0 to 100).",
    "settlement_days": "Days a settlement offer stays open.",
    "instalments": "May a debtor agree an instalment plan?",
    "instalment_minimum": "The smallest instalment.",
    "max_instalments": "The most instalments a plan may have.",
    "max_duration_days": "The longest a plan may run, in days.",
    "first_payment_within_days": "The first payment falls within this many days.",
    "down_payment_required": "Must a plan start with a down payment?",
    "down_payment_minimum": "The smallest down payment.",
    "small_final_payment": "May the last instalment be a remainder below the minimum?",
    "grace_days": "Days of grace after a missed payment.",
    "misses_before_broken": "Missed instalments before a plan is broken.",
    "hardship_pause_days": "Days a call-back request pauses reminders (1 to 365).",
    "contact_limit_7d": "At most this many messages to one person in any 7 days (1 to 50).",
}


def _described(name: str) -> dict:
    return {"description": _DESCRIPTIONS[name]} if name in _DESCRIPTIONS else {}


def _shown_fields() -> dict:
    fields: dict = {
        "version": ma.fields.Integer(required=True, metadata={"description": "1 for the portal's defaults."}),
        "saved_at": ma.fields.AwareDateTime(
            allow_none=True,
            required=True,
            metadata={"description": "When it was saved; null for the portal's defaults, never changed."},
        ),
        "made_by": ma.fields.String(
            allow_none=True,
            required=True,
            metadata={
                "description": "Who wrote it: api:<key prefix> or staff:<id>; null for the defaults and for "
                "set-policy on the server."
            },
        ),
        "currency": ma.fields.String(required=True, metadata={"description": "The amounts' currency."}),
        "frequencies": ma.fields.List(
            ma.fields.String(metadata={"enum": _FREQUENCIES}),
            required=True,
            metadata={"description": "How often instalments may fall due."},
        ),
        "retry_days": ma.fields.List(
            ma.fields.Integer(),
            required=True,
            metadata={"description": "Days after the due date to try a declined payment again, increasing."},
        ),
    }
    for name in AMOUNTS:
        fields[name] = Amount(required=True, metadata=_described(name))
    for name in FLAGS:
        fields[name] = ma.fields.Boolean(required=True, metadata=_described(name))
    for name in NUMBERS:
        fields[name] = ma.fields.Integer(required=True, metadata=_described(name))
    return fields


PolicySchema = ma.Schema.from_dict(_shown_fields(), name="Policy")
PolicyPage = page_schema(PolicySchema, "PolicyPage")


def policy_data(row: CreditorPolicy) -> dict:
    settings = policies.rules(row).to_dict()
    currency = settings["currency"]
    for name in AMOUNTS:
        settings[name] = amount(settings[name], currency)
    made_by = policies.made_by(row) or {}
    return {"version": row.version, "saved_at": row.created_at, "made_by": made_by.get("actor"), **settings}


def _change_fields() -> dict:
    fields: dict = {
        "based_on": ma.fields.Integer(
            load_default=None,
            validate=ma.validate.Range(min=1, max=2147483647),
            metadata={
                "description": "The version this change was made from; when another was saved since, "
                "nothing is saved (409 policy_conflict). Absent: applied to the newest version."
            },
        ),
        "currency": ma.fields.String(
            load_default=None,
            validate=ma.validate.Length(min=1, max=8),
            metadata={"description": "ISO 4217 code; the amounts given are in it."},
        ),
        "frequencies": ma.fields.List(
            ma.fields.String(validate=ma.validate.OneOf(_FREQUENCIES)),
            load_default=None,
            validate=ma.validate.Length(max=len(_FREQUENCIES)),
        ),
        "retry_days": ma.fields.List(
            ma.fields.Integer(strict=True, validate=_NUMBER),
            load_default=None,
            validate=ma.validate.Length(max=30),
        ),
    }
    for name in AMOUNTS:
        fields[name] = Amount(
            load_default=None, validate=ma.validate.Length(min=1, max=32), metadata=_described(name)
        )
    for name in FLAGS:
        fields[name] = ma.fields.Boolean(load_default=None, metadata=_described(name))
    for name in NUMBERS:
        fields[name] = ma.fields.Integer(
            load_default=None, strict=True, validate=_NUMBER, metadata=_described(name)
        )
    return fields


PolicyChangeArgs = ma.Schema.from_dict(_change_fields(), name="PolicyChange")


def typed(args: dict) -> dict:
    """The change as set-policy's options give it: None for a setting not given, lists comma-separated."""
    given = {name: value for name, value in args.items() if name != "based_on"}
    if given.get("frequencies") is not None:
        given["frequencies"] = ",".join(given["frequencies"])
    if given.get("retry_days") is not None:
        given["retry_days"] = ",".join(str(day) for day in given["retry_days"])
    return given
