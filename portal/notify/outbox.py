"""The outbox: everything sent to a person is queued here, in the transaction that causes it, and
sent by the task runner (`portal.notify.sender`), never inside a request.

A message is handed to the task runner once the transaction that queued it commits, so a
rolled-back cause sends nothing; a periodic sweep sends whatever waits for its moment, or was
queued while the task runner could not be reached.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import event, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from portal import clock, timeline
from portal.extensions import db
from portal.models import Account, Message, MessageStatus
from portal.notify.mailer import Attachment

log = logging.getLogger("portal.outbox")

_PENDING = "outbox_pending"

#: Kinds whose text is written when they are sent (a link message issues its link then), by a
#: function a feature registers with `renderer`; it fills in the message's address and text.
_RENDERERS: dict[str, Callable[[Message, datetime], None]] = {}


def renderer(kind: str):
    """Register the function that writes a *kind* message's text at sending time."""

    def register(function):
        _RENDERERS[kind] = function
        return function

    return register


def render_late(message: Message, now: datetime) -> None:
    """Write the text of a message queued without it (see `renderer`)."""
    _RENDERERS[message.kind](message, now)


def queue(
    account: Account,
    kind: str,
    *,
    key: str,
    channel: str = "email",
    subject: str | None = None,
    body: str | None = None,
    html: str | None = None,
    attachments: list[Attachment] | None = None,
    unsubscribe_url: str | None = None,
    language: str | None = None,
    debtor_initiated: bool = False,
    not_before: datetime | None = None,
    facts: dict | None = None,
    campaign_id: int | None = None,
) -> Message:
    """Queue one message in the current transaction (the caller commits); returns it.

    *key* names the message: queueing the same key again returns the message already queued,
    so whoever causes it twice (two runs, two tabs) still sends it once.
    """
    moment = not_before or clock.now()
    values = {
        "debtor_id": account.debtor_id,
        "account_id": account.id,
        "campaign_id": campaign_id,
        "channel": channel,
        "kind": kind,
        "language": language,
        "dedupe_key": key,
        "debtor_initiated": debtor_initiated,
        "not_before": moment,
        "subject": subject,
        "body": body,
        "html": html,
        "attachments": [_stored(a) for a in attachments or []] or None,
        "unsubscribe_url": unsubscribe_url,
        "facts": facts or {},
    }
    # ON CONFLICT DO NOTHING, not a savepoint: with two transactions queueing one key at once the
    # second waits for the first and then finds its row (and SQLite's driver would commit a
    # savepoint opened outside a transaction). The new row comes back whole, as the ORM's object.
    insert = _insert_for(db.session.get_bind().dialect.name)
    message = db.session.scalar(
        insert(Message)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
        .returning(Message)
    )
    if message is None:  # queued already, by this cause earlier or by another at once
        return find(key)
    timeline.record(
        account, "message_queued", message_id=message.id, about=kind, channel=channel, **(facts or {})
    )
    db.session.info.setdefault(_PENDING, []).append((message.id, moment))
    return message


def _insert_for(dialect: str):
    return postgresql_insert if dialect == "postgresql" else sqlite_insert


def find(key: str) -> Message | None:
    """The message queued under *key*, if any."""
    return db.session.scalar(select(Message).where(Message.dedupe_key == key))


def attachments_of(message: Message) -> list[Attachment]:
    """The message's attachments as the mailer takes them."""
    return [
        Attachment(a["filename"], base64.b64decode(a["content"]), a["maintype"], a["subtype"])
        for a in message.attachments or []
    ]


def _stored(item: Attachment) -> dict:
    return {
        "filename": item.filename,
        "maintype": item.maintype,
        "subtype": item.subtype,
        "content": base64.b64encode(item.content).decode("ascii"),
    }


# --- Handing committed messages to the task runner ------------------------------------------------


@event.listens_for(Session, "after_commit")
def _hand_over(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    from portal.tasks import send_message_task

    for message_id, moment in pending:
        try:
            send_message_task(message_id, moment.isoformat())
        except Exception:  # noqa: BLE001 - the sweep sends it; a queue that is down must not fail the cause
            log.exception("could not hand message %s to the task runner; the sweep will send it", message_id)


def drain(senders: int, moment: datetime) -> None:
    """Ask the task runner for *senders* senders; each claims its own batches of due messages."""
    from portal.tasks import drain_outbox_task

    for _ in range(senders):
        drain_outbox_task(moment.isoformat())


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_PENDING, None)


# --- What became of a message --------------------------------------------------------------------

GONE = (MessageStatus.SENT, MessageStatus.DELIVERED)
WAITING = (MessageStatus.QUEUED, MessageStatus.SENDING)


def queue_email(
    account: Account,
    kind: str,
    *,
    key: str,
    subject: str,
    text: str,
    html: str | None = None,
    attachments: list[Attachment] | None = None,
    debtor_initiated: bool = False,
    facts: dict | None = None,
    not_before: datetime | None = None,
) -> Message:
    """Queue an email already written in the person's language, with their one-click opt-out."""
    from portal.i18n import spoken_language
    from portal.notify.optout import optout_url

    debtor = account.debtor
    return queue(
        account,
        kind,
        key=key,
        channel="email",
        subject=subject,
        body=text,
        html=html,
        attachments=attachments,
        unsubscribe_url=optout_url(debtor),
        language=spoken_language(debtor.language),
        debtor_initiated=debtor_initiated,
        facts=facts,
        not_before=not_before,
    )
