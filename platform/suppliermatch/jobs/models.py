"""What the database keeps of background work: the jobs people start, and which period
each periodic job has run for."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from suppliermatch.models_base import UtcDateTime, optional_timestamp_field, timestamp_field


class BackgroundJob(SQLModel, table=True):
    """A job a person started (an import, a duplicate scan): what the job page shows.

    The queue holds only the job's id; this row is the truth about it, whichever worker on
    whichever machine runs it. Live progress while it runs is in the queue's storage
    (``service.progress``): the job's own transaction holds SQLite's write lock.
    """

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=40, index=True)
    state: str = Field(default="queued", max_length=12, index=True)
    started_by_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    # The cluster the job works on (None: all of them, an admin's job).
    cluster_id: int | None = Field(default=None, foreign_key="cluster.id")
    params: dict = Field(default_factory=dict, sa_type=sa.JSON)
    rows_done: int = Field(default=0)
    rows_total: int = Field(default=0)
    result: dict | None = Field(default=None, sa_type=sa.JSON)
    error: str | None = Field(default=None, max_length=2000)
    attempts: int = Field(default=0)
    created_at: datetime = timestamp_field(index=True)
    started_at: datetime | None = optional_timestamp_field()
    finished_at: datetime | None = optional_timestamp_field()


class JobUpload(SQLModel, table=True):
    """The file a job reads (an uploaded spreadsheet), kept in the database so that a worker
    on another machine can read it; deleted when the job ends."""

    job_id: int = Field(foreign_key="backgroundjob.id", primary_key=True)
    filename: str = Field(max_length=255)
    content: bytes = Field(sa_type=sa.LargeBinary)


class PeriodicRun(SQLModel, table=True):
    """One row per periodic job and period: the unique pair is what makes a job run once a
    period however many workers start it (the second insert waits for the first and fails)."""

    __table_args__ = (sa.UniqueConstraint("name", "period_start", name="once_a_period"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=60, index=True)
    period_start: datetime = Field(sa_type=UtcDateTime, nullable=False)
    summary: str = Field(default="", max_length=500)
    finished_at: datetime = timestamp_field()
