"""/api/v1/policy: what the key's creditor allows without a human, its saved versions, and a
change, which writes a new version as `set-policy` does (the settings not given carried over)."""

from __future__ import annotations

from sqlalchemy import select

from portal.accounts import policies
from portal.api.auth import creditor, current_key, requires
from portal.api.blueprint import make_blueprint
from portal.api.errors import ApiError, ErrorSchema
from portal.api.idempotency import writes
from portal.api.link_routes import actor
from portal.api.pagination import PageArgs, page
from portal.api.policy_schemas import PolicyChangeArgs, PolicyPage, PolicySchema, policy_data, typed
from portal.domain.policy import PolicyError
from portal.models import CreditorPolicy

blp = make_blueprint("policies", "The creditor's policy: the limits of what a debtor may choose alone.")


@blp.route("/policy", methods=["GET"])
@blp.response(200, PolicySchema)
@requires("policies:read")
def read_policy():
    """The version in force: every limit, amounts as decimal strings in the policy's currency."""
    return policy_data(policies.current(creditor()))


@blp.route("/policy/versions", methods=["GET"])
@blp.arguments(PageArgs, location="query", as_kwargs=True)
@blp.response(200, PolicyPage)
@requires("policies:read")
def list_policy_versions(limit, cursor):
    """Every version, oldest first, a page at a time; the newest is the one in force. A creditor
    whose policy was never changed has one: the portal's defaults, version 1, not yet saved."""
    query = select(CreditorPolicy).where(CreditorPolicy.creditor_id == creditor().id)
    rows, next_cursor = page(query, CreditorPolicy.id, limit=limit, cursor=cursor)
    if not rows and cursor is None:
        rows = [policies.current(creditor())]
    return {"data": [policy_data(row) for row in rows], "next_cursor": next_cursor}


@blp.route("/policy", methods=["POST"])
@writes
@blp.arguments(PolicyChangeArgs)
@blp.response(201, PolicySchema)
@blp.alt_response(
    409, schema=ErrorSchema, description="Another version was saved since based_on (policy_conflict)."
)
@requires("policies:write")
def change_policy(args):
    """Write a new version from the settings given, the rest carried over, as `set-policy` does.

    Amounts are decimal strings in the policy's currency (or in the currency given with them).
    A setting the rules refuse is a 422 naming the field (the message lists every problem); a
    change that sets nothing is a 422 nothing_to_change. Two changes at once are saved one after
    the other, each on the version before, unless based_on says which version the change was
    made from: then the second is a 409 policy_conflict and saves nothing.
    """
    owner = creditor()
    key = current_key()
    try:
        row = policies.change_typed(
            owner,
            typed(args),
            made_by={"actor": actor(), "by": f"API key {key.name}"},
            based_on=args["based_on"],
        )
    except policies.PolicyConflict:
        raise ApiError(
            409,
            "policy_conflict",
            f"Another version was saved after version {args['based_on'] or 'the one read'}: nothing was "
            "saved. Read the policy in force and make the change again.",
        ) from None
    except policies.NothingToChange:
        raise ApiError(422, "nothing_to_change", "Give at least one setting to change.") from None
    except PolicyError as error:
        field = error.problems[0][0] or None
        raise ApiError(422, "invalid", str(error), field=field) from None
    return policy_data(row), 201
