"""What every table shares: the constraint naming convention and UTC timestamps.

Imported before any table class is defined so that the naming convention is in place
for the first migration (Alembic can only drop/alter constraints that have names).
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION


def utcnow() -> datetime:
    return datetime.now(UTC)


def timestamp_field(**kwargs) -> datetime:
    """A timezone-aware timestamp column defaulting to now (UTC)."""
    return Field(
        default_factory=utcnow,
        sa_type=sa.DateTime(timezone=True),
        nullable=False,
        **kwargs,
    )


def optional_timestamp_field(**kwargs) -> datetime | None:
    return Field(default=None, sa_type=sa.DateTime(timezone=True), nullable=True, **kwargs)
