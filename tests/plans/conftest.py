"""The debtor most plan page tests start from: an account with the default policy, signed in."""

from __future__ import annotations

import pytest


@pytest.fixture
def account(make_account, sign_in):
    account = make_account()
    sign_in(account)
    return account
