"""anchor vetting: users of anchor firms wait for the cluster coordinator's approval

Existing anchor users are sorted by how they came: those who signed themselves up (a
``signup`` line in the audit trail) wait for their coordinator, like new sign-ups; those
the platform created (demo seed, admins) are approved. Everyone else has no vetting state.

Revision ID: 7dc356c09e7c
Revises: 7c1e5a0d9b42
Create Date: 2026-12-03 08:56:22.366969
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "7dc356c09e7c"
down_revision: str | None = "7c1e5a0d9b42"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

user = sa.table(
    "user",
    sa.column("id", sa.Integer),
    sa.column("organisation_id", sa.Integer),
    sa.column("vetting", sa.String),
)
organisation = sa.table("organisation", sa.column("id", sa.Integer), sa.column("kind", sa.String))
auditevent = sa.table(
    "auditevent",
    sa.column("entity_type", sa.String),
    sa.column("entity_id", sa.Integer),
    sa.column("action", sa.String),
)


def upgrade() -> None:
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("vetting", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True)
        )
    anchors = sa.select(organisation.c.id).where(organisation.c.kind == "anchor")
    signed_up = sa.select(auditevent.c.entity_id).where(
        auditevent.c.entity_type == "user", auditevent.c.action == "signup"
    )
    of_anchor_firms = user.c.organisation_id.in_(anchors)
    op.execute(
        user.update().where(of_anchor_firms, user.c.id.in_(signed_up)).values(vetting="pending")
    )
    op.execute(
        user.update().where(of_anchor_firms, user.c.vetting.is_(None)).values(vetting="approved")
    )


def downgrade() -> None:
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("vetting")
