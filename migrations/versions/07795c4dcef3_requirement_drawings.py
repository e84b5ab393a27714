"""requirement drawings: PDF, DXF or STEP files of what an RFQ asks for

Seen by the anchor's users, the cluster coordinator and the invited suppliers; the files
are under UPLOAD_DIR/drawings, named by the stored_name.

Revision ID: 07795c4dcef3
Revises: a6f0c3d2e915
Create Date: 2026-12-04 14:47:58.937983
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import suppliermatch.models_base

revision: str = "07795c4dcef3"
down_revision: str | None = "a6f0c3d2e915"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "requirementdrawing",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("requirement_id", sa.Integer(), nullable=False),
        sa.Column(
            "original_filename", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False
        ),
        sa.Column("stored_name", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("content_type", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column(
            "created_at", suppliermatch.models_base.UtcDateTime(timezone=True), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["requirement_id"],
            ["requirement.id"],
            name=op.f("fk_requirementdrawing_requirement_id_requirement"),
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"], ["user.id"], name=op.f("fk_requirementdrawing_uploaded_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_requirementdrawing")),
        sa.UniqueConstraint("stored_name", name=op.f("uq_requirementdrawing_stored_name")),
    )
    with op.batch_alter_table("requirementdrawing", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_requirementdrawing_requirement_id"), ["requirement_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("requirementdrawing", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_requirementdrawing_requirement_id"))

    op.drop_table("requirementdrawing")
