"""A qualification of a supplier's part for an anchor, its elements, and 8D corrective actions.

The anchor's approved-supplier list is not a table of its own: it is the approved (and interim
approved) qualifications still in their validity, so it cannot disagree with the record.
"""

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from suppliermatch.models_base import optional_timestamp_field, timestamp_field


class QualificationTemplate(SQLModel, table=True):
    """What an anchor asks for: PPAP at a level with its element list, or AS9102 forms."""

    __table_args__ = (sa.UniqueConstraint("anchor_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    anchor_id: int = Field(foreign_key="organisation.id", index=True)
    name: str = Field(max_length=120)
    kind: str = Field(max_length=8)
    ppap_level: int | None = None
    elements: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    created_at: datetime = timestamp_field()


class Qualification(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    award_id: int = Field(foreign_key="award.id", index=True)
    anchor_id: int = Field(foreign_key="organisation.id", index=True)
    supplier_id: int = Field(foreign_key="supplier.id", index=True)
    kind: str = Field(max_length=8)
    ppap_level: int | None = None
    part: str = Field(max_length=120)
    category: str | None = Field(default=None, max_length=40, index=True)
    state: str = Field(default="open", max_length=12, index=True)
    decision_note: str | None = Field(default=None, max_length=1000)
    valid_until: date | None = None
    decided_at: datetime | None = optional_timestamp_field()
    opened_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = timestamp_field()


class QualificationElement(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("qualification_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    qualification_id: int = Field(foreign_key="qualification.id", index=True)
    code: str = Field(max_length=40)
    state: str = Field(default="requested", max_length=10)
    original_filename: str | None = Field(default=None, max_length=255)
    stored_name: str | None = Field(default=None, max_length=64)
    content_type: str | None = Field(default=None, max_length=40)
    size_bytes: int | None = None
    sha256: str | None = Field(default=None, max_length=64)
    return_reason: str | None = Field(default=None, max_length=500)
    uploaded_at: datetime | None = optional_timestamp_field()


class CorrectiveAction(SQLModel, table=True):
    """An 8D after a rejected lot, on the qualification's record."""

    id: int | None = Field(default=None, primary_key=True)
    qualification_id: int = Field(foreign_key="qualification.id", index=True)
    lot_reference: str = Field(max_length=60)
    rejected_on: date
    disciplines: dict = Field(default_factory=dict, sa_type=sa.JSON)
    containment_approved_at: datetime | None = optional_timestamp_field()
    root_cause_approved_at: datetime | None = optional_timestamp_field()
    state: str = Field(default="open", max_length=10)
    opened_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = timestamp_field()
