"""An MSME's supplier profile: the enterprise, what it can do and with what."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from suppliermatch.models_base import optional_timestamp_field, timestamp_field


class Supplier(SQLModel, table=True):
    """An enterprise that supplies (or could supply) an anchor plant.

    Bulk-imported suppliers have no organisation until the MSME claims the profile (by a
    coordinator's invitation or a code sent to ``email``, see onboarding); a supplier
    created through sign-up belongs to its MSME organisation.
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
    # Up to rules.MAX_PHONES numbers in E.164 (``+919876543210;ext=12``), ", " between.
    phone: str | None = Field(default=None, max_length=80, index=True)
    address: str | None = Field(default=None, max_length=400)
    pincode: str | None = Field(default=None, max_length=6, index=True)
    district: str | None = Field(default=None, max_length=80)
    state: str | None = Field(default=None, max_length=60)
    lat: float | None = None
    lon: float | None = None
    # Free text as the MSME writes it ("we do Ni/Cu/Ni barrel plating ..."): matching reads it.
    about: str | None = Field(default=None, max_length=4000)
    # Monthly capacity the MSME states for the whole unit, kept when no capability row
    # carries it (an import row whose text names no taxonomy process still has a capacity).
    capacity_per_month: float | None = None
    capacity_unit: str | None = Field(default=None, max_length=20)
    # Semicolon-free list of category slugs declared on import, for rows without capabilities.
    categories: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    # Lower-case words of everything a search may match (names, capabilities, processes
    # and their synonyms, equipment, place); rebuilt by the service on every change.
    search_text: str = Field(default="", max_length=8000)
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
    # "import" rows are replaced when the same spreadsheet row is imported again;
    # "profile" rows were written by a person and are never touched by an import.
    source: str = Field(default="profile", max_length=10)
    version: int = Field(default=1)


class Equipment(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    supplier_id: int = Field(foreign_key="supplier.id", index=True)
    machine: str = Field(max_length=160)
    make: str | None = Field(default=None, max_length=120)
    count: int = Field(default=1)
    version: int = Field(default=1)


class DuplicateCandidate(SQLModel, table=True):
    """A pair the duplicate detector flagged, awaiting a coordinator's merge or dismissal."""

    id: int | None = Field(default=None, primary_key=True)
    supplier_id: int = Field(foreign_key="supplier.id", index=True)
    other_supplier_id: int = Field(foreign_key="supplier.id", index=True)
    score: float
    evidence: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    status: str = Field(default="open", max_length=12)
    decided_by_id: int | None = Field(default=None, foreign_key="user.id")
    decided_at: datetime | None = optional_timestamp_field()
    created_at: datetime = timestamp_field()

    __table_args__ = (sa.UniqueConstraint("supplier_id", "other_supplier_id"),)


class SupplierImport(SQLModel, table=True):
    """One spreadsheet import and its validation report, kept so the report can be reread."""

    id: int | None = Field(default=None, primary_key=True)
    cluster_id: int | None = Field(default=None, foreign_key="cluster.id", index=True)
    uploaded_by_id: int | None = Field(default=None, foreign_key="user.id")
    filename: str = Field(max_length=255)
    # all_or_nothing: one bad row stops the file; good_rows_only: bad rows are skipped.
    mode: str = Field(max_length=20)
    # imported (every row landed), partial (good rows only), rejected (nothing landed).
    outcome: str = Field(max_length=12)
    rows_total: int = 0
    rows_created: int = 0
    rows_updated: int = 0
    rows_rejected: int = 0
    problems_total: int = 0
    # [{"row", "ref", "field", "problem"}], the first IMPORT_REPORT_MAX_PROBLEMS of them.
    problems: list[dict] = Field(default_factory=list, sa_type=sa.JSON)
    # Rows that were accepted but deserve a look (two rows for one enterprise ...).
    notices: list[dict] = Field(default_factory=list, sa_type=sa.JSON)
    # The suppliers the import's good rows landed on (new and updated), for inviting them
    # from the report.
    supplier_ids: list[int] = Field(default_factory=list, sa_type=sa.JSON)
    created_at: datetime = timestamp_field()
