"""An MSME's supplier profile: the enterprise, what it can do and with what."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from suppliermatch.models_base import timestamp_field


class Supplier(SQLModel, table=True):
    """An enterprise that supplies (or could supply) an anchor plant.

    Bulk-imported suppliers have no organisation until the MSME signs up and claims
    the profile; a supplier created through sign-up belongs to its MSME organisation.
    """

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int | None = Field(
        default=None, foreign_key="organisation.id", unique=True, index=True
    )
    cluster_id: int | None = Field(default=None, foreign_key="cluster.id", index=True)
    external_ref: str | None = Field(default=None, max_length=40, unique=True, index=True)
    legal_name: str = Field(max_length=200)
    trade_name: str | None = Field(default=None, max_length=200)
    gstin: str | None = Field(default=None, max_length=15, unique=True, index=True)
    pan: str | None = Field(default=None, max_length=10, index=True)
    udyam_number: str | None = Field(default=None, max_length=19, unique=True, index=True)
    investment_inr: int | None = Field(default=None, sa_type=sa.BigInteger)
    turnover_inr: int | None = Field(default=None, sa_type=sa.BigInteger)
    enterprise_class: str | None = Field(default=None, max_length=10)
    year_established: int | None = None
    employees: int | None = None
    contact_name: str | None = Field(default=None, max_length=160)
    email: str | None = Field(default=None, max_length=254, index=True)
    phone: str | None = Field(default=None, max_length=20, index=True)
    address: str | None = Field(default=None, max_length=400)
    pincode: str | None = Field(default=None, max_length=6, index=True)
    district: str | None = Field(default=None, max_length=80)
    state: str | None = Field(default=None, max_length=60)
    lat: float | None = None
    lon: float | None = None
    # Free text as the MSME writes it ("we do Ni/Cu/Ni barrel plating ..."): matching reads it.
    about: str | None = Field(default=None, max_length=4000)
    # Semicolon-free list of category slugs declared on import, for rows without capabilities.
    categories: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    is_public: bool = Field(default=True)
    merged_into_id: int | None = Field(default=None, foreign_key="supplier.id")
    version: int = Field(default=1)
    created_at: datetime = timestamp_field()
    updated_at: datetime = timestamp_field()


class Capability(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    supplier_id: int = Field(foreign_key="supplier.id", index=True)
    category: str = Field(max_length=40, index=True)
    process: str | None = Field(default=None, max_length=60, index=True)
    description: str = Field(default="", max_length=2000)
    best_tolerance_mm: float | None = None
    max_part_size_mm: float | None = None
    materials: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    capacity_per_month: float | None = None
    capacity_unit: str | None = Field(default=None, max_length=20)


class Equipment(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    supplier_id: int = Field(foreign_key="supplier.id", index=True)
    machine: str = Field(max_length=160)
    make: str | None = Field(default=None, max_length=120)
    count: int = Field(default=1)


class DuplicateCandidate(SQLModel, table=True):
    """A pair the duplicate detector flagged, awaiting a coordinator's merge or dismissal."""

    id: int | None = Field(default=None, primary_key=True)
    supplier_id: int = Field(foreign_key="supplier.id", index=True)
    other_supplier_id: int = Field(foreign_key="supplier.id", index=True)
    score: float
    evidence: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    status: str = Field(default="open", max_length=12)
    decided_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = timestamp_field()

    __table_args__ = (sa.UniqueConstraint("supplier_id", "other_supplier_id"),)
