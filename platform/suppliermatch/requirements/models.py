"""Requirements (RFQs), their line items, invitations, sealed quotes, awards and ratings."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from suppliermatch.models_base import optional_timestamp_field, timestamp_field


class Requirement(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    anchor_id: int = Field(foreign_key="organisation.id", index=True)
    cluster_id: int | None = Field(default=None, foreign_key="cluster.id", index=True)
    created_by_id: int | None = Field(default=None, foreign_key="user.id")
    external_ref: str | None = Field(default=None, max_length=40, unique=True, index=True)
    title: str = Field(max_length=200)
    description: str = Field(default="", max_length=5000)
    # Optional: many RFQs name no category, and the text decides what is asked for.
    category: str | None = Field(default=None, max_length=40, index=True)
    process: str | None = Field(default=None, max_length=60)
    quantity_per_month: float | None = None
    quantity_unit: str | None = Field(default=None, max_length=20)
    tolerance_mm: float | None = None
    materials: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    required_certs: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    preferred_certs: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    plant_name: str | None = Field(default=None, max_length=120)
    plant_pincode: str | None = Field(default=None, max_length=6)
    plant_lat: float | None = None
    plant_lon: float | None = None
    max_distance_km: float | None = None
    needed_by: date | None = None
    quote_deadline: datetime | None = optional_timestamp_field()
    # When bidding ended: the quote deadline, or the moment the anchor closed early.
    # Quotes are unsealed for the anchor from then on (never while this is empty).
    closed_at: datetime | None = optional_timestamp_field()
    # Seen only by the anchor's own users and the cluster coordinator.
    budget_min_inr: int | None = Field(default=None, sa_type=sa.BigInteger)
    budget_max_inr: int | None = Field(default=None, sa_type=sa.BigInteger)
    visibility: str = Field(default="cluster", max_length=12)
    # Quotes from suppliers failing a hard constraint: "flag" (accept, marked) or "refuse"
    # (``lifecycle.NoncompliantQuotes``).
    noncompliant_quotes: str = Field(
        default="flag", max_length=8, sa_column_kwargs={"server_default": "flag"}
    )
    status: str = Field(default="draft", max_length=12, index=True)
    # Per-requirement overrides of the matching weights (factor -> weight).
    match_weights: dict | None = Field(default=None, sa_type=sa.JSON)
    version: int = Field(default=1)
    created_at: datetime = timestamp_field()
    updated_at: datetime = timestamp_field()


class RequirementLineItem(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    requirement_id: int = Field(foreign_key="requirement.id", index=True)
    item: str = Field(max_length=200)
    quantity: float
    unit: str = Field(max_length=20)
    spec_reference: str | None = Field(default=None, max_length=120)


class Invitation(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    requirement_id: int = Field(foreign_key="requirement.id", index=True)
    supplier_id: int = Field(foreign_key="supplier.id", index=True)
    invited_by_id: int | None = Field(default=None, foreign_key="user.id")
    status: str = Field(default="invited", max_length=12)
    decline_reason: str | None = Field(default=None, max_length=500)
    created_at: datetime = timestamp_field()
    responded_at: datetime | None = optional_timestamp_field()

    __table_args__ = (sa.UniqueConstraint("requirement_id", "supplier_id"),)


class Quote(SQLModel, table=True):
    """A supplier's sealed offer: its prices are seen by nobody else before the deadline."""

    id: int | None = Field(default=None, primary_key=True)
    requirement_id: int = Field(foreign_key="requirement.id", index=True)
    supplier_id: int = Field(foreign_key="supplier.id", index=True)
    submitted_by_id: int | None = Field(default=None, foreign_key="user.id")
    lead_time_days: int
    valid_until: date
    notes: str | None = Field(default=None, max_length=2000)
    status: str = Field(default="submitted", max_length=12)
    version: int = Field(default=1)
    created_at: datetime = timestamp_field()
    updated_at: datetime = timestamp_field()

    # One live quote per supplier per requirement.
    __table_args__ = (sa.UniqueConstraint("requirement_id", "supplier_id"),)


class QuoteLine(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    quote_id: int = Field(foreign_key="quote.id", index=True)
    line_item_id: int = Field(foreign_key="requirementlineitem.id")
    unit_price_inr: float

    __table_args__ = (sa.UniqueConstraint("quote_id", "line_item_id"),)


class Award(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    requirement_id: int = Field(foreign_key="requirement.id", index=True)
    supplier_id: int = Field(foreign_key="supplier.id", index=True)
    quote_id: int = Field(foreign_key="quote.id")
    quantity_per_month: float | None = None
    awarded_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = timestamp_field()

    __table_args__ = (sa.UniqueConstraint("requirement_id", "supplier_id"),)


class Rating(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    award_id: int = Field(foreign_key="award.id", unique=True)
    quality: int
    on_time: int
    communication: int
    comment: str | None = Field(default=None, max_length=2000)
    # Ratings are given after delivery: the date the anchor received the work.
    delivered_on: date
    rated_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = timestamp_field()


class RequirementDrawing(SQLModel, table=True):
    """A drawing of what is asked for (PDF, DXF or STEP), seen by the anchor's users, the
    cluster coordinator and the invited suppliers only (``requirements.drawings``)."""

    id: int | None = Field(default=None, primary_key=True)
    requirement_id: int = Field(foreign_key="requirement.id", index=True)
    original_filename: str = Field(max_length=255)
    stored_name: str = Field(max_length=80, unique=True)
    content_type: str = Field(max_length=60)
    size_bytes: int
    sha256: str = Field(max_length=64)
    uploaded_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = timestamp_field()
