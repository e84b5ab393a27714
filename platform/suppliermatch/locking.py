"""Optimistic locking: a write succeeds only against the version (and state) it was based on.

The check and the write are one statement, ``UPDATE ... SET version = version + 1 WHERE
id = :id AND version = :v``, so that two processes can never both win: the loser's UPDATE
matches no row (PostgreSQL re-reads the row after the winner commits; SQLite serialises
writers with BEGIN IMMEDIATE) and it gets a 409 instead of silently overwriting. Tables
with ``updated_at`` get it moved too: the matching and search indexes of every process
find changes by it.
"""

import sqlalchemy as sa
from sqlmodel import Session, SQLModel

from suppliermatch.errors import Conflict
from suppliermatch.models_base import utcnow
from suppliermatch.translatable import N_, marked


def update_if_current(
    session: Session,
    model: type[SQLModel],
    row_id: int,
    *,
    what: str,
    version: int | None = None,
    status: str | None = None,
    values: dict | None = None,
    conflict_message: str | None = None,
) -> None:
    """Set ``values`` and bump the version of row ``row_id`` only if it is still at
    ``version`` / ``status``; Conflict (409, nothing changed) otherwise.

    ``version=None`` skips the version check (a state move whose caller sent none); the
    status check still stops two concurrent moves from both succeeding.
    """
    conditions = [model.id == row_id]
    if version is not None:
        conditions.append(model.version == version)
    if status is not None:
        conditions.append(model.status == status)
    stamp = {"updated_at": utcnow()} if "updated_at" in model.model_fields else {}
    statement = (
        sa.update(model)
        .where(*conditions)
        .values(**{**stamp, **(values or {})}, version=model.version + 1)
        .execution_options(synchronize_session=False)
    )
    if session.execute(statement).rowcount == 1:
        return
    current = session.scalar(sa.select(model.version).where(model.id == row_id))
    if version is not None and current != version:
        raise Conflict(stale_message(what, version, current), field="version")
    raise Conflict(
        conflict_message or N_("This %(what)s changed meanwhile; reload it.", what=marked(what))
    )


def claim(
    session: Session,
    row,
    *,
    what: str,
    version: int | None = None,
    status: str | None = None,
    conflict_message: str | None = None,
    values: dict | None = None,
) -> None:
    """``update_if_current`` for a loaded ``row``, which is then read again."""
    if version is not None and version != row.version:
        raise Conflict(stale_message(what, version, row.version), field="version")
    try:
        update_if_current(
            session,
            type(row),
            row.id,
            what=what,
            version=version,
            status=status,
            values=values,
            conflict_message=conflict_message,
        )
    finally:
        session.refresh(row)


def stale_message(what: str, expected: int, current: int | None) -> str:
    return N_(
        "Someone else changed this %(what)s after you opened it (you had version %(expected)s, "
        "it is now at version %(current)s). Nothing was changed: reload it and apply your "
        "change again.",
        what=marked(what),
        expected=expected,
        current=current,
    )
