"""The logs of the whole e2e run hold no token, date of birth, email, phone or card number.

Runs after every other test (see pytest_collection_modifyitems in conftest.py) and reads the file the
session-wide `portal_log` fixture wrote: werkzeug's request log and every portal logger at INFO, other
loggers at WARNING, formatted as in production but without timestamps.
"""

from __future__ import annotations

import pytest

from tests.e2e.conftest import check_portal_log

pytestmark = pytest.mark.e2e


def test_the_logs_of_the_e2e_run_hold_no_secrets(portal_log):
    if not portal_log.portals_served:
        pytest.skip("no e2e test served the portal in this session, so there is no log to search")
    portal_log.flush()
    text = portal_log.path.read_text(encoding="utf-8", errors="replace")
    # The search means something only if the requests were logged.
    assert "[werkzeug]: " in text, f"werkzeug's request log did not reach {portal_log.path}"
    findings = check_portal_log(portal_log)
    assert not findings, portal_log.report()
