"""page forms' one-time tokens: idempotency records may belong to a browser session

A form sent before signing in (sign-up) records its token under the session's random scope
instead of a user; exactly one of the two is set.

Revision ID: a6f0c3d2e915
Revises: e4a7c2b9d810
Create Date: 2026-12-03 18:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "a6f0c3d2e915"
down_revision: str | None = "e4a7c2b9d810"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("idempotencyrecord", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("session_scope", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True)
        )
        batch_op.alter_column("user_id", existing_type=sa.Integer(), nullable=True)
        batch_op.create_unique_constraint(
            batch_op.f("uq_idempotencyrecord_session_scope"), ["session_scope", "key", "endpoint"]
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_idempotencyrecord_one_owner"),
            "(user_id IS NULL) <> (session_scope IS NULL)",
        )


def downgrade() -> None:
    op.execute("DELETE FROM idempotencyrecord WHERE user_id IS NULL")
    with op.batch_alter_table("idempotencyrecord", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_idempotencyrecord_one_owner"), type_="check")
        batch_op.drop_constraint(batch_op.f("uq_idempotencyrecord_session_scope"), type_="unique")
        batch_op.alter_column("user_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("session_scope")
