"""The OpenAPI document is the contract: schemathesis generates requests for every operation it
describes (valid ones and, separately, invalid ones) and sends them to the live WSGI app with a
seeded creditor's key; every answer must be no server error, have a documented status and content
type, and match the documented schema. Bounded and derandomized so CI is quick and stable."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from portal import clock
from portal.api.blueprint import PREFIX
from portal.extensions import db
from portal.models import Payment
from tests.api.seeding import seed_creditor

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
MORNING = datetime(2027, 1, 15, 14, 0, tzinfo=UTC)  # inside contact hours, so links go at once


@pytest.fixture
def seeded(make_account, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: MORNING)
    mine = seed_creditor(make_account, "alpha")
    seed_creditor(make_account, "bravo")
    for number in range(3):
        db.session.add(
            Payment(
                account_id=mine.account.id,
                amount=1000 + number,
                currency="USD",
                method="cheque",
                reference=f"CHQ-{number}",
            )
        )
    db.session.commit()
    return mine


def _documented_operations(app) -> set[str]:
    """What the URL map serves under the API, as schemathesis labels operations."""
    import re

    labels = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(PREFIX) and rule.rule != f"{PREFIX}/openapi.json":
            path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
            labels |= {f"{method} {path}" for method in rule.methods - {"HEAD", "OPTIONS"}}
    return labels


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["valid", "invalid"])
def test_every_operation_keeps_the_contract(app, seeded, mode):
    schema = schemathesis.openapi.from_wsgi(f"{PREFIX}/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {operation.label for operation in operations} == _documented_operations(app)
    headers = seeded.headers

    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=25,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            case.call_and_validate(headers=headers, checks=CHECKS)
            if mode is GenerationMode.POSITIVE and case.path_parameters:
                # The same request for the key's own rows, so real answers meet the schema too.
                case.path_parameters = {name: seeded.ids[name] for name in case.path_parameters}
                case.call_and_validate(headers=headers, checks=CHECKS)

        check()
