"""Idempotency keys: a retried POST returns the first answer and creates nothing new.

A client that is unsure whether its request arrived (timeout, lost connection) sends it
again with the same ``Idempotency-Key`` header. The first successful answer is stored with
a fingerprint of the request body, in the same transaction as what it created; a retry
with the same key and body gets that answer again. The same key with another body is a
client bug and is refused rather than guessed at.
"""

import hashlib
import json
import re

from sqlmodel import Session, select

from suppliermatch.errors import ValidationFailed
from suppliermatch.requirements.models import IdempotencyRecord

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 100
_KEY_PATTERN = re.compile(rf"^[\x21-\x7e]{{1,{MAX_KEY_LENGTH}}}$")


def check_key(key: str) -> str:
    if not _KEY_PATTERN.match(key):
        raise ValidationFailed(
            f"{HEADER} must be 1 to {MAX_KEY_LENGTH} visible ASCII characters (a UUID is ideal).",
            field=HEADER,
        )
    return key


def fingerprint(body) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def previous_answer(
    session: Session, *, user_id: int, key: str, endpoint: str, request_fingerprint: str
) -> IdempotencyRecord | None:
    """The stored answer for this key, or None for a new key."""
    record = session.exec(
        select(IdempotencyRecord).where(
            IdempotencyRecord.user_id == user_id,
            IdempotencyRecord.key == key,
            IdempotencyRecord.endpoint == endpoint,
        )
    ).first()
    if record is not None and record.request_fingerprint != request_fingerprint:
        raise ValidationFailed(
            f"This {HEADER} was already used for a different request. "
            "Send a new key for a new request, or resend the original body unchanged.",
            field=HEADER,
        )
    return record


def remember(
    session: Session,
    *,
    user_id: int,
    key: str,
    endpoint: str,
    request_fingerprint: str,
    status_code: int,
    body: dict,
) -> IdempotencyRecord:
    record = IdempotencyRecord(
        user_id=user_id,
        key=key,
        endpoint=endpoint[:120],
        request_fingerprint=request_fingerprint,
        status_code=status_code,
        response_body=body,
    )
    session.add(record)
    return record
