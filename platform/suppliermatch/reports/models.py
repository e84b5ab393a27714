"""The coordinator's notes on a supplier for a requirement, kept as a dated trail."""

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from suppliermatch.models_base import timestamp_field


class Recommendation(StrEnum):
    """What the coordinator advises the anchor about a supplier for one requirement."""

    RECOMMENDED = "recommended"
    CONSIDER = "consider"
    # Could supply after vendor development (a certificate, a trial lot, a process audit).
    DEVELOP = "develop"
    NOT_RECOMMENDED = "not_recommended"


class CoordinatorNote(SQLModel, table=True):
    """One note, never edited: a later note supersedes the recommendation, the trail stays.

    Internal to the cluster office: the anchor's copy of the match report leaves them out.
    """

    id: int | None = Field(default=None, primary_key=True)
    requirement_id: int = Field(foreign_key="requirement.id", index=True)
    supplier_id: int = Field(foreign_key="supplier.id", index=True)
    author_id: int | None = Field(default=None, foreign_key="user.id")
    text: str = Field(default="", max_length=2000)
    recommendation: str | None = Field(default=None, max_length=20)
    created_at: datetime = timestamp_field()
