"""Optimistic locking: a write succeeds only against the version (and state) it was based on.

The check and the write are one statement, ``UPDATE ... SET version = version + 1 WHERE
id = :id AND version = :v``, so that two processes can never both win: the loser's UPDATE
matches no row (PostgreSQL re-reads the row after the winner commits; SQLite serialises
writers with BEGIN IMMEDIATE) and it gets a 409 instead of silently overwriting.
"""

import sqlalchemy as sa
from sqlmodel import Session

from suppliermatch.errors import Conflict

STALE_MESSAGE = (
    "Someone else changed this {what} after you opened it (you had version {expected}, "
    "it is now at version {current}). Reload it and apply your change again."
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
    """Bump ``row``'s version (and set ``values``) only if it is still at ``version`` / ``status``.

    ``version=None`` skips the version check (a state move whose caller sent none); the
    status check still stops two concurrent moves from both succeeding.
    """
    model = type(row)
    conditions = [model.id == row.id]
    if version is not None:
        if version != row.version:
            raise Conflict(
                STALE_MESSAGE.format(what=what, expected=version, current=row.version),
                field="version",
            )
        conditions.append(model.version == version)
    if status is not None:
        conditions.append(model.status == status)
    statement = (
        sa.update(model)
        .where(*conditions)
        .values(version=model.version + 1, **(values or {}))
        .execution_options(synchronize_session=False)
    )
    result = session.execute(statement)
    if result.rowcount != 1:
        session.refresh(row)
        if version is not None and row.version != version:
            raise Conflict(
                STALE_MESSAGE.format(what=what, expected=version, current=row.version),
                field="version",
            )
        raise Conflict(conflict_message or f"This {what} changed meanwhile; reload it.")
    session.refresh(row)
