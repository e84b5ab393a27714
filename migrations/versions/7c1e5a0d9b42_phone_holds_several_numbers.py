"""supplier.phone holds up to three numbers in E.164

Revision ID: 7c1e5a0d9b42
Revises: 9f324ff319e6
Create Date: 2026-12-03 09:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "7c1e5a0d9b42"
down_revision: str | None = "9f324ff319e6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("supplier", schema=None) as batch_op:
        batch_op.alter_column(
            "phone",
            existing_type=sqlmodel.sql.sqltypes.AutoString(length=20),
            type_=sqlmodel.sql.sqltypes.AutoString(length=80),
            existing_nullable=True,
        )


def downgrade() -> None:
    # Only the first number fits the old width.
    connection = op.get_bind()
    rows = connection.execute(sa.text("SELECT id, phone FROM supplier WHERE length(phone) > 20"))
    for supplier_id, phone in rows.fetchall():
        connection.execute(
            sa.text("UPDATE supplier SET phone = :phone WHERE id = :id"),
            {"phone": phone.split(",")[0][:20], "id": supplier_id},
        )
    with op.batch_alter_table("supplier", schema=None) as batch_op:
        batch_op.alter_column(
            "phone",
            existing_type=sqlmodel.sql.sqltypes.AutoString(length=80),
            type_=sqlmodel.sql.sqltypes.AutoString(length=20),
            existing_nullable=True,
        )
