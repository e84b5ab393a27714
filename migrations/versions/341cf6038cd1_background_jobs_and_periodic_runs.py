"""background jobs and periodic runs

The jobs people start (imports, duplicate scans: state, progress, report, error) with the
file a job reads, and one row per periodic job and period, whose uniqueness makes each
periodic job run once a period whatever the number of workers.

Revision ID: 341cf6038cd1
Revises: 07795c4dcef3
Create Date: 2026-12-04 14:39:22
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import suppliermatch.models_base

revision: str = "341cf6038cd1"
down_revision: str | None = "07795c4dcef3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "periodicrun",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column(
            "period_start", suppliermatch.models_base.UtcDateTime(timezone=True), nullable=False
        ),
        sa.Column("summary", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column(
            "finished_at", suppliermatch.models_base.UtcDateTime(timezone=True), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_periodicrun")),
        sa.UniqueConstraint("name", "period_start", name="once_a_period"),
    )
    with op.batch_alter_table("periodicrun", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_periodicrun_name"), ["name"], unique=False)

    op.create_table(
        "backgroundjob",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("started_by_id", sa.Integer(), nullable=True),
        sa.Column("cluster_id", sa.Integer(), nullable=True),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("rows_done", sa.Integer(), nullable=False),
        sa.Column("rows_total", sa.Integer(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("error", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column(
            "created_at", suppliermatch.models_base.UtcDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "started_at", suppliermatch.models_base.UtcDateTime(timezone=True), nullable=True
        ),
        sa.Column(
            "finished_at", suppliermatch.models_base.UtcDateTime(timezone=True), nullable=True
        ),
        sa.ForeignKeyConstraint(
            ["cluster_id"], ["cluster.id"], name=op.f("fk_backgroundjob_cluster_id_cluster")
        ),
        sa.ForeignKeyConstraint(
            ["started_by_id"], ["user.id"], name=op.f("fk_backgroundjob_started_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_backgroundjob")),
    )
    with op.batch_alter_table("backgroundjob", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_backgroundjob_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_backgroundjob_kind"), ["kind"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_backgroundjob_started_by_id"), ["started_by_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_backgroundjob_state"), ["state"], unique=False)

    op.create_table(
        "jobupload",
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("filename", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["job_id"], ["backgroundjob.id"], name=op.f("fk_jobupload_job_id_backgroundjob")
        ),
        sa.PrimaryKeyConstraint("job_id", name=op.f("pk_jobupload")),
    )


def downgrade() -> None:
    op.drop_table("jobupload")
    with op.batch_alter_table("backgroundjob", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_backgroundjob_state"))
        batch_op.drop_index(batch_op.f("ix_backgroundjob_started_by_id"))
        batch_op.drop_index(batch_op.f("ix_backgroundjob_kind"))
        batch_op.drop_index(batch_op.f("ix_backgroundjob_created_at"))

    op.drop_table("backgroundjob")
    with op.batch_alter_table("periodicrun", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_periodicrun_name"))

    op.drop_table("periodicrun")
