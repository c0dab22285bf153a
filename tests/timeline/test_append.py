"""`timeline.record` chains each event as `link_hash` says, whichever database works the hash out
(PostgreSQL does it in SQL, in the one statement that appends)."""

from __future__ import annotations

from itertools import count

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from portal import timeline
from portal.domain.timeline_chain import GENESIS, link_hash
from portal.extensions import db
from portal.models import Event, TimelineHead

_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**40), 2**40) | _TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_TEXT, inner, max_size=3),
    max_leaves=8,
)
_REFERENCES = count(1)
_DATA = st.dictionaries(st.from_regex(r"[a-z_]{1,10}", fullmatch=True), _VALUES, max_size=4)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    entries=st.lists(
        st.tuples(st.sampled_from(["note", "payment_succeeded", "kind-ü"]), _DATA), min_size=1, max_size=4
    )
)
def test_every_event_appended_chains_as_link_hash_says(make_account, entries):
    account = make_account(reference=f"CHAIN-{next(_REFERENCES)}")
    for kind, data in entries:
        timeline.record(account, kind, actor="debtor", **data)
    db.session.commit()

    events = db.session.scalars(select(Event).where(Event.account_id == account.id).order_by(Event.seq)).all()
    prev = GENESIS
    for seq, event in enumerate(events, start=1):
        assert (event.seq, event.prev_hash) == (seq, prev)
        assert event.hash == link_hash(
            account.id, event.seq, event.kind, event.actor, event.data, event.created_at, event.prev_hash
        )
        prev = event.hash
    head = db.session.get(TimelineHead, account.id)
    assert (head.length, head.hash) == (len(events), prev)
