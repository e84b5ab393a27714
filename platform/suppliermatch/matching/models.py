"""What matching stores: an anchor's shortlist per requirement, and the indexes that make
"what changed since I last looked" cheap to ask for.

Every worker keeps its own in-memory index of suppliers (``matching.cache``) and, before
each ranking, asks the database which suppliers and certificates changed since its last
look. Those two questions read ``updated_at`` ranges, so the columns are indexed here,
next to the code that needs them (the supplier and certification features own the tables).
"""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from suppliermatch.certification.models import SupplierCertificate
from suppliermatch.models_base import timestamp_field
from suppliermatch.suppliers.models import Supplier


class Shortlist(SQLModel, table=True):
    """A supplier an anchor put aside for a requirement, before (or instead of) inviting it."""

    id: int | None = Field(default=None, primary_key=True)
    requirement_id: int = Field(foreign_key="requirement.id", index=True)
    supplier_id: int = Field(foreign_key="supplier.id", index=True)
    added_by_id: int | None = Field(default=None, foreign_key="user.id")
    note: str | None = Field(default=None, max_length=500)
    created_at: datetime = timestamp_field()

    __table_args__ = (sa.UniqueConstraint("requirement_id", "supplier_id"),)


# The freshness poll: ``WHERE updated_at >= :since`` on both tables (see matching.cache).
SUPPLIER_CHANGES_INDEX = sa.Index("ix_supplier_updated_at", Supplier.__table__.c.updated_at)
CERTIFICATE_CHANGES_INDEX = sa.Index(
    "ix_suppliercertificate_updated_at", SupplierCertificate.__table__.c.updated_at
)
