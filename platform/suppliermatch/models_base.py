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


# Row ids (and versions) are INTEGER columns, 32-bit signed on PostgreSQL; a larger number
# names nothing (and would make the database driver fail rather than find nothing). URL
# converters and request schemas bound ids with it.
MAX_ROW_ID = 2**31 - 1


def utcnow() -> datetime:
    return datetime.now(UTC)


class UtcDateTime(sa.types.TypeDecorator):
    """A timestamp that is always read back timezone-aware, in UTC.

    PostgreSQL keeps the offset; SQLite stores text and returns naive datetimes, which would
    then be serialised without an offset (not RFC 3339). Values are stored as UTC.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(UTC)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


def timestamp_field(**kwargs) -> datetime:
    """A timezone-aware timestamp column defaulting to now (UTC)."""
    return Field(default_factory=utcnow, sa_type=UtcDateTime, nullable=False, **kwargs)


def optional_timestamp_field(**kwargs) -> datetime | None:
    return Field(default=None, sa_type=UtcDateTime, nullable=True, **kwargs)
