"""account tokens (password reset, e-mail verification) and user.email_verified_at

Existing users are counted as verified as of their sign-up: they used the platform before
verification existed, and leaving them unverified would stop coordinators approving anchor
firms that were already waiting. New sign-ups verify by following the e-mailed link.

Revision ID: b3e8f1a4c2d7
Revises: 7dc356c09e7c
Create Date: 2026-12-03 12:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import suppliermatch.models_base

revision: str = "b3e8f1a4c2d7"
down_revision: str | None = "7dc356c09e7c"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

user = sa.table(
    "user",
    sa.column("created_at", suppliermatch.models_base.UtcDateTime(timezone=True)),
    sa.column("email_verified_at", suppliermatch.models_base.UtcDateTime(timezone=True)),
)


def upgrade() -> None:
    op.create_table(
        "accounttoken",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("token_digest", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column(
            "created_at", suppliermatch.models_base.UtcDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "expires_at", suppliermatch.models_base.UtcDateTime(timezone=True), nullable=False
        ),
        sa.Column("used_at", suppliermatch.models_base.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_accounttoken_user_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accounttoken")),
    )
    with op.batch_alter_table("accounttoken", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_accounttoken_token_digest"), ["token_digest"], unique=True
        )
        batch_op.create_index(batch_op.f("ix_accounttoken_user_id"), ["user_id"], unique=False)

    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "email_verified_at",
                suppliermatch.models_base.UtcDateTime(timezone=True),
                nullable=True,
            )
        )
    op.execute(user.update().values(email_verified_at=user.c.created_at))


def downgrade() -> None:
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("email_verified_at")
    with op.batch_alter_table("accounttoken", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_accounttoken_user_id"))
        batch_op.drop_index(batch_op.f("ix_accounttoken_token_digest"))
    op.drop_table("accounttoken")
