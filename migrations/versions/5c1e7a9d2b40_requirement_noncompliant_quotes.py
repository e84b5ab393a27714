"""requirement.noncompliant_quotes: accept (flag) or refuse quotes failing a hard constraint

Revision ID: 5c1e7a9d2b40
Revises: 5d1e0a7c9b21
Create Date: 2026-12-03 09:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "5c1e7a9d2b40"
down_revision: str | None = "5d1e0a7c9b21"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Existing requirements keep what they did: such quotes accepted, now marked.
    with op.batch_alter_table("requirement", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "noncompliant_quotes",
                sqlmodel.sql.sqltypes.AutoString(length=8),
                server_default="flag",
                nullable=False,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("requirement", schema=None) as batch_op:
        batch_op.drop_column("noncompliant_quotes")
