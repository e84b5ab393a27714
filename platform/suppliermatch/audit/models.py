"""The audit trail: who did what to which record, when, and why."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from suppliermatch.models_base import timestamp_field


class AuditEvent(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    actor_user_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    entity_type: str = Field(max_length=40)
    entity_id: int = Field(index=True)
    action: str = Field(max_length=60)
    from_state: str | None = Field(default=None, max_length=40)
    to_state: str | None = Field(default=None, max_length=40)
    note: str | None = Field(default=None, max_length=2000)
    details: dict | None = Field(default=None, sa_type=sa.JSON)
    created_at: datetime = timestamp_field(index=True)

    __table_args__ = (sa.Index("ix_auditevent_entity", "entity_type", "entity_id"),)
