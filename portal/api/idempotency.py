"""One commit per writing request, and Idempotency-Key: the same key and body replay the first
answer; the same key with another request is refused.

The kept answer is written in the same transaction as the request's effects, so either both
exist or neither. A second request with the key while the first is running waits on the unique
index (PostgreSQL) or the write lock (SQLite) and then replays the first answer.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from functools import wraps

from flask import Response, g, request
from flask_smorest import Blueprint as SmorestBlueprint
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from portal.api.auth import current_key
from portal.api.errors import ApiError
from portal.extensions import db
from portal.models.api import IdempotentRequest

HEADER = "Idempotency-Key"
_KEPT_HEADERS = ("Location", "Content-Type")


def withhold_on_replay(*fields: str) -> None:
    """Keep these top-level fields of this request's answer out of the stored copy: a replay shows
    them as null. For secrets shown once, so they live in one table only."""
    g.idempotency_withheld = fields


def _kept_body(response: Response) -> str:
    body = response.get_data(as_text=True)
    withheld = g.pop("idempotency_withheld", ())
    if not withheld:
        return body
    answer = json.loads(body)
    return json.dumps({name: (None if name in withheld else value) for name, value in answer.items()})


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for part in (request.method.encode(), request.path.encode(), request.get_data()):
        digest.update(len(part).to_bytes(8, "big") + part)
    return digest.hexdigest()


def _claim(api_key_id: int, key: str, fingerprint: str) -> IdempotentRequest | None:
    """Take the key for this request; None when another request already holds it."""
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(IdempotentRequest)
        .values(api_key_id=api_key_id, key=key, fingerprint=fingerprint, headers={})
        .on_conflict_do_nothing(index_elements=["api_key_id", "key"])
        .returning(IdempotentRequest.id)
    )
    claimed = db.session.execute(statement).scalar()
    return db.session.get(IdempotentRequest, claimed) if claimed is not None else None


def _replay(kept: IdempotentRequest, fingerprint: str) -> Response:
    if kept.fingerprint != fingerprint:
        raise ApiError(
            422,
            "idempotency_key_reused",
            "This Idempotency-Key was used with another request; use a new key for a new request.",
            field=HEADER,
        )
    if kept.status is None:
        raise ApiError(409, "request_in_progress", "A request with this Idempotency-Key is still running.")
    response = Response(kept.body, status=kept.status)
    for name, value in (kept.headers or {}).items():
        response.headers[name] = value
    response.headers["Idempotent-Replayed"] = "true"
    return response


def writes(view: Callable) -> Callable:
    """Wrap a view that changes data: commit once on success, honour Idempotency-Key."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        _begin_writing()
        key = request.headers.get(HEADER)
        if key is None:
            return _run(view, args, kwargs)
        key = key.strip()
        if not 1 <= len(key) <= 255 or not key.isprintable():
            raise ApiError(400, "invalid_idempotency_key", "Idempotency-Key must be 1 to 255 characters.")
        fingerprint = _fingerprint()
        api_key_id = current_key().id
        kept = _claim(api_key_id, key, fingerprint)
        if kept is None:
            db.session.rollback()
            existing = db.session.scalar(
                select(IdempotentRequest).where(
                    IdempotentRequest.api_key_id == api_key_id, IdempotentRequest.key == key
                )
            )
            return _replay(existing, fingerprint)
        try:
            response = view(*args, **kwargs)
        except Exception:
            db.session.rollback()  # the key is free again: nothing happened
            raise
        if response.status_code >= 500:
            db.session.rollback()
            return response
        kept.status = response.status_code
        kept.body = _kept_body(response)
        kept.headers = {name: response.headers[name] for name in _KEPT_HEADERS if name in response.headers}
        db.session.commit()
        return response

    return _documented(wrapper)


#: How the OpenAPI document describes the header on every writing operation.
_HEADER_DOC = {
    "name": HEADER,
    "in": "header",
    "required": False,
    "description": (
        "Any unique string up to 255 characters. The same key with the same body replays the first "
        "answer (with Idempotent-Replayed: true) and does nothing again; with another body it is "
        "refused (422 idempotency_key_reused)."
    ),
    "schema": {"type": "string", "minLength": 1, "maxLength": 255},
}


def _documented(view: Callable) -> Callable:
    return SmorestBlueprint.doc(parameters=[_HEADER_DOC])(view)


def _begin_writing() -> None:
    """On SQLite, start the request's transaction holding the write lock. A transaction that
    began by reading (the key check) cannot later become a writer while another request writes:
    SQLite refuses it at once ("database is locked") instead of letting it wait its turn."""
    if db.session.get_bind().dialect.name != "sqlite":
        return
    db.session.rollback()  # only the key check has run: nothing written is lost
    db.session.connection().connection.driver_connection.execute("BEGIN IMMEDIATE")


def _run(view: Callable, args, kwargs) -> Response:
    try:
        response = view(*args, **kwargs)
    except Exception:
        db.session.rollback()
        raise
    if response.status_code < 400:
        db.session.commit()
    else:
        db.session.rollback()
    return response
