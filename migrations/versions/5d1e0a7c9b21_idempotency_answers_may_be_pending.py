"""idempotency answers may be pending: every create of the API honours Idempotency-Key

The record of a key is now saved with what the request created, before its answer exists;
the answer is stored on it right after.

Revision ID: 5d1e0a7c9b21
Revises: 2fb87ed3d8cb
Create Date: 2026-12-03 09:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5d1e0a7c9b21"
down_revision: str | None = "2fb87ed3d8cb"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("idempotencyrecord", schema=None) as batch_op:
        batch_op.alter_column("status_code", existing_type=sa.Integer(), nullable=True)
        batch_op.alter_column("response_body", existing_type=sa.JSON(), nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM idempotencyrecord WHERE status_code IS NULL")
    with op.batch_alter_table("idempotencyrecord", schema=None) as batch_op:
        batch_op.alter_column("response_body", existing_type=sa.JSON(), nullable=False)
        batch_op.alter_column("status_code", existing_type=sa.Integer(), nullable=False)
