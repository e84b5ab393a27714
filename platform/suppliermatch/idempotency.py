"""Idempotency keys for every create of the API: a retried POST returns the first answer
and creates nothing new.

A client that is unsure whether its request arrived (a timeout, a 503 after the write was
saved, a lost connection) sends it again with the same ``Idempotency-Key`` header. The key
is recorded in the same transaction as what the request created: the record is added when
the view commits (a ``before_commit`` hook on the request's session), so the create and the
key are saved together or not at all. The answer (status and JSON body) is stored on the
record once the view has made it; a retry with the same key and body gets it again. Should
the process die between the commit and storing the answer, a retry is told the request was
applied (409) rather than applying it twice. The same key with another body is a client
bug and is refused (422 naming the header). Keys are per user and per operation, and are
kept: nothing deletes them.

Page forms get the same protection through ``form_tokens``, on the same records: the key
is a one-time token rendered into the form, and an anonymous form (sign-up) is keyed by
the browser's session instead of a user.
"""

import hashlib
import json
import logging
import re
from datetime import datetime

import sqlalchemy as sa
from flask import Flask, g, jsonify, make_response, request
from sqlmodel import Field, Session, SQLModel, select

from suppliermatch.errors import Conflict, ValidationFailed
from suppliermatch.models_base import timestamp_field
from suppliermatch.translatable import N_

log = logging.getLogger(__name__)

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 100
SESSION_SCOPE_LENGTH = 32
_KEY_PATTERN = re.compile(rf"^[\x21-\x7e]{{1,{MAX_KEY_LENGTH}}}$")
HEADER_DOC = {
    "in": "header",
    "name": HEADER,
    "required": False,
    "schema": {"type": "string", "maxLength": MAX_KEY_LENGTH, "pattern": "^[!-~]+$"},
    "description": "Send the same key when retrying: the first answer is returned again and "
    "nothing is created twice. Reusing a key for another body is refused (422).",
}


class IdempotencyRecord(SQLModel, table=True):
    """The first answer to a POST carrying an Idempotency-Key (or a page form's one-time
    token), replayed on retries."""

    id: int | None = Field(default=None, primary_key=True)
    # Whose key it is: a user, or for a form sent before signing in (sign-up) the browser
    # session's random scope (form_tokens.py). Exactly one of the two is set.
    user_id: int | None = Field(default=None, foreign_key="user.id")
    session_scope: str | None = Field(default=None, max_length=SESSION_SCOPE_LENGTH)
    key: str = Field(max_length=MAX_KEY_LENGTH)
    endpoint: str = Field(max_length=120)
    # SHA-256 of the request: the same key with another body is refused, not replayed.
    request_fingerprint: str = Field(max_length=64)
    # None between the commit of what the request created and the storing of its answer.
    status_code: int | None = None
    response_body: dict | list | None = Field(default=None, sa_type=sa.JSON)
    created_at: datetime = timestamp_field()

    __table_args__ = (
        sa.UniqueConstraint("user_id", "key", "endpoint"),
        sa.UniqueConstraint("session_scope", "key", "endpoint"),
        sa.CheckConstraint("(user_id IS NULL) <> (session_scope IS NULL)", name="one_owner"),
    )


def check_key(key: str) -> str:
    if not _KEY_PATTERN.match(key):
        raise ValidationFailed(
            N_(
                "%(header)s must be 1 to %(most)s visible ASCII characters (a UUID is ideal).",
                header=HEADER,
                most=MAX_KEY_LENGTH,
            ),
            field=HEADER,
        )
    return key


def request_fingerprint() -> str:
    """SHA-256 of what the request asks: JSON compared as data (key order and spacing do
    not matter), forms as their fields and the files' contents (not the multipart boundary,
    which a client draws anew on each try)."""
    if request.is_json:
        canonical = json.dumps(request.get_json(silent=True), sort_keys=True, default=str)
        return hashlib.sha256(canonical.encode()).hexdigest()
    if request.form or request.files:
        files = []
        for name, upload in sorted(request.files.items(multi=True)):
            files.append([name, upload.filename, hashlib.sha256(upload.stream.read()).hexdigest()])
            upload.stream.seek(0)
        fields = sorted(request.form.items(multi=True))
        canonical = json.dumps({"form": fields, "files": files})
        return hashlib.sha256(canonical.encode()).hexdigest()
    return hashlib.sha256(request.get_data()).hexdigest()


def find_record(
    session: Session,
    *,
    user_id: int | None,
    key: str,
    endpoint: str,
    session_scope: str | None = None,
):
    return session.exec(
        select(IdempotencyRecord).where(
            IdempotencyRecord.user_id == user_id,
            IdempotencyRecord.session_scope == session_scope,
            IdempotencyRecord.key == key,
            IdempotencyRecord.endpoint == endpoint,
        )
    ).first()


def answer_again(record: IdempotencyRecord, fingerprint: str):
    """The stored answer for a retry, or the refusal of a key reused for another request."""
    if record.request_fingerprint != fingerprint:
        raise ValidationFailed(
            N_(
                "This %(header)s was already used for a different request. "
                "Send a new key for a new request, or resend the original body unchanged.",
                header=HEADER,
            ),
            field=HEADER,
        )
    if record.status_code is None:
        raise Conflict(
            "This request was applied, but its answer was not recorded: read the object "
            "it created instead of sending it again.",
            field=HEADER,
        )
    body = record.response_body
    response = make_response(jsonify(body) if body is not None else "", record.status_code)
    response.headers[REPLAYED_HEADER] = "true"
    return response


class PendingKey:
    """A key seen on this request, whose record is added when the view commits."""

    def __init__(
        self,
        *,
        user_id: int | None,
        key: str,
        endpoint: str,
        fingerprint: str,
        session_scope: str | None = None,
    ):
        self.lookup = {
            "user_id": user_id,
            "session_scope": session_scope,
            "key": key,
            "endpoint": endpoint,
        }
        self.fingerprint = fingerprint
        self.record: IdempotencyRecord | None = None

    def add_with_the_create(self, session: Session) -> None:
        if self.record is None:
            self.record = IdempotencyRecord(**self.lookup, request_fingerprint=self.fingerprint)
            session.add(self.record)


def init_idempotency(app: Flask) -> None:
    from suppliermatch.access import current_actor
    from suppliermatch.extensions import db

    @app.before_request
    def replay_or_watch_the_key():
        key = request.headers.get(HEADER)
        if key is None or request.method != "POST" or not request.path.startswith("/api/"):
            return None
        actor = current_actor()
        if actor.user_id is None:
            return None  # keys are per user; signing up and in create nothing to retry
        pending = PendingKey(
            user_id=actor.user_id,
            key=check_key(key),
            endpoint=f"POST {request.path}"[:120],
            fingerprint=request_fingerprint(),
        )
        record = find_record(db.session, **pending.lookup)
        if record is not None:
            return answer_again(record, pending.fingerprint)
        g.idempotency = pending
        sa.event.listen(db.session, "before_commit", pending.add_with_the_create)
        return None

    @app.after_request
    def store_the_answer(response):
        pending: PendingKey | None = g.pop("idempotency", None)
        if pending is None:
            return response
        if response.status_code >= 400:
            return _twin_answer(db.session, pending) or response
        if pending.record is not None and 200 <= response.status_code < 300:
            pending.record.status_code = response.status_code
            pending.record.response_body = response.get_json(silent=True)
            try:
                db.session.commit()
            except sa.exc.SQLAlchemyError as failure:
                # What the request created is saved; a retry is told so (409), not re-applied.
                log.warning("the answer of an idempotent request was not stored: %s", failure)
                db.session.rollback()
        return response


def _twin_answer(session: Session, pending: PendingKey):
    """A request that failed may have lost a race with its own retry carrying the same key
    (the twin's commit won the unique key): the twin's answer is this one's too."""
    try:
        session.rollback()
        record = find_record(session, **pending.lookup)
    except sa.exc.SQLAlchemyError:
        return None
    if record is None or record.status_code is None:
        return None
    if record.request_fingerprint != pending.fingerprint:
        return None
    return answer_again(record, pending.fingerprint)
