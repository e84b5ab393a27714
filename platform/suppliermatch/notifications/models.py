"""The notification outbox: written in the same transaction as the event it reports."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from suppliermatch.models_base import optional_timestamp_field, timestamp_field


class Notification(SQLModel, table=True):
    """A notice for a user; or, for a supplier profile nobody has claimed yet, an e-mail to
    the profile's contact address (``supplier_id`` without ``user_id``) whose link is the
    claim link, made when the e-mail is sent (see onboarding.invitations)."""

    __table_args__ = (
        sa.CheckConstraint("user_id IS NOT NULL OR supplier_id IS NOT NULL", name="addressee"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    supplier_id: int | None = Field(default=None, foreign_key="supplier.id", index=True)
    kind: str = Field(max_length=40, index=True)
    subject: str = Field(max_length=200)
    body: str = Field(max_length=4000)
    link: str | None = Field(default=None, max_length=300)
    # Makes "send once" a database fact: the same reminder is never queued twice.
    dedup_key: str | None = Field(default=None, max_length=200, unique=True)
    created_at: datetime = timestamp_field(index=True)
    read_at: datetime | None = optional_timestamp_field()
    emailed_at: datetime | None = optional_timestamp_field()
    email_attempts: int = Field(default=0)
