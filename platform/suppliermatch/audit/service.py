"""Writing the audit trail. Callers commit; an audit row lands with the change it records.

Security events (logins, denials, verification decisions, quote views) go here and to
the ``suppliermatch.security`` log. Never pass secrets, prices or full GSTINs as notes.
"""

import logging
from contextvars import ContextVar

from sqlmodel import Session

from suppliermatch.audit.models import AuditEvent

# The address of the client whose request is being answered, for the security log: set for
# each request by the web layer (``audit.origin``), so that this service needs no Flask.
client_address: ContextVar[str | None] = ContextVar("client_address", default=None)
security_log = logging.getLogger("suppliermatch.security")


def record_transition(
    session: Session,
    *,
    actor_user_id: int | None,
    entity_type: str,
    entity_id: int,
    action: str,
    from_state: str | None = None,
    to_state: str | None = None,
    note: str | None = None,
    details: dict | None = None,
) -> AuditEvent:
    event = AuditEvent(
        actor_user_id=actor_user_id,
        entity_type=entity_type,
        entity_id=entity_id,
        action=action,
        from_state=from_state,
        to_state=to_state,
        note=note,
        details=details,
    )
    session.add(event)
    return event


def record_security_event(
    session: Session,
    action: str,
    *,
    user_id: int | None = None,
    entity_type: str = "user",
    entity_id: int | None = None,
    note: str | None = None,
) -> AuditEvent:
    address = client_address.get()
    security_log.info(
        "%s user=%s entity=%s:%s addr=%s", action, user_id, entity_type, entity_id, address
    )
    return record_transition(
        session,
        actor_user_id=user_id,
        entity_type=entity_type,
        entity_id=entity_id if entity_id is not None else (user_id or 0),
        action=action,
        note=note,
        details={"address": address} if address else None,
    )


def entity_history(session: Session, entity_type: str, entity_id: int) -> list[AuditEvent]:
    from sqlmodel import select

    statement = (
        select(AuditEvent)
        .where(AuditEvent.entity_type == entity_type, AuditEvent.entity_id == entity_id)
        .order_by(AuditEvent.created_at, AuditEvent.id)
    )
    return list(session.exec(statement))
