"""The campaign benchmark runs, at a small size, and its figures add up: a benchmark that breaks
unnoticed would report nothing the next time it is needed. It runs in its own process, as
`make bench` runs it, with its own database, SMTP server and Twilio stand-in."""

from __future__ import annotations

import re

import pytest

from tests.bench.running import run_bench


@pytest.mark.parametrize("channel", ["email", "sms"])
def test_the_campaign_benchmark_queues_and_sends_everything_it_is_asked_to(channel, tmp_path):
    result = run_bench(
        "campaign",
        ["--accounts", "300", "--send", "40", "--workers", "1,2"] + ["--channel", channel],
        tmp_path,
    )
    figures = dict(re.findall(r"^(\S.*?)\s{2,}(\S+)$", result.stdout, re.M))
    assert figures["channel"] == channel and figures["queued"] == "300"
    assert float(figures["accounts queued/s"]) > 0
    for senders in (1, 2):
        assert float(figures[f"sent/s with {senders} senders"]) > 0
    assert float(figures["peak RSS after sending MB"]) >= float(figures["peak RSS after queueing MB"]) > 0
