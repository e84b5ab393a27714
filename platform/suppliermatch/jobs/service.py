"""The jobs people start: recorded, queued, followed, and shown to who started them.

Functions take the session and never commit, except ``run_job``, which is the worker's
unit of work: it marks the job running, does it, and records the report or the error.
"""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlmodel import Session, func, select

from suppliermatch.access import Actor
from suppliermatch.errors import DomainError, NotFound
from suppliermatch.jobs.models import BackgroundJob, JobUpload
from suppliermatch.models_base import utcnow
from suppliermatch.translatable import N_

log = logging.getLogger(__name__)

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
FINISHED = (DONE, FAILED)
# Live progress is written to the queue's storage at most this often.
PROGRESS_EVERY_SECONDS = 0.5
# An admin's list shows this many recent failures.
FAILURES_SHOWN = 20


@dataclass(frozen=True)
class JobKind:
    """One kind of job a person can start: what it is called on its page, and whether a
    failed attempt may be tried again (only where a second run cannot do harm)."""

    name: str
    title: str
    retries: int


# An import is not tried again by itself: its error is shown to the coordinator, who
# corrects the file or uploads it again (importing a file twice changes nothing).
IMPORT = JobKind("suppliers-import", N_("Supplier import"), retries=0)
# A scan records each pair once (known pairs are skipped): running it again is harmless.
DEDUP_SCAN = JobKind("suppliers-dedup", N_("Duplicate scan"), retries=2)
KINDS = {kind.name: kind for kind in (IMPORT, DEDUP_SCAN)}


def create_job(
    session: Session,
    actor: Actor | None,
    kind: JobKind,
    *,
    cluster_id: int | None,
    params: dict,
    upload: tuple[str, bytes] | None = None,
) -> BackgroundJob:
    """Record a job (and the file it reads); the caller commits, then ``enqueue``s it."""
    job = BackgroundJob(
        kind=kind.name,
        started_by_id=actor.user_id if actor is not None else None,
        cluster_id=cluster_id,
        params=params,
    )
    session.add(job)
    session.flush()
    if upload is not None:
        filename, content = upload
        session.add(JobUpload(job_id=job.id, filename=filename[:255], content=content))
    return job


def get_job_for(session: Session, actor: Actor, job_id: int) -> BackgroundJob:
    """A job its starter may follow; admins see every job. Anyone else: 404."""
    job = session.get(BackgroundJob, job_id)
    if job is None or not (actor.is_admin or job.started_by_id == actor.user_id):
        raise NotFound("No such job.")
    return job


class Progress:
    """Rows done of total while a job runs, kept in the queue's storage (readable by the
    web while the job's transaction is open) and written at most twice a second."""

    def __init__(self, huey, job_id: int, total: int = 0):
        self.huey, self.key, self.total, self.done = huey, progress_key(job_id), total, 0
        self._written = 0.0
        self._write()

    def advance(self, count: int) -> None:
        self.done += count
        if time.monotonic() - self._written >= PROGRESS_EVERY_SECONDS:
            self._write()

    def set_total(self, total: int) -> None:
        self.total = total
        self._write()

    def set(self, done: int, total: int) -> None:
        self.done, self.total = done, total
        self._write()

    def _write(self) -> None:
        self.huey.put(self.key, (self.done, self.total))
        self._written = time.monotonic()

    def clear(self) -> None:
        self.huey.get(self.key)  # reading without peek removes it


def progress_key(job_id: int) -> str:
    return f"job-progress:{job_id}"


def live_progress(huey, job: BackgroundJob) -> tuple[int, int]:
    """(rows done, total): live while the job runs, as recorded once it has finished."""
    if job.state == RUNNING:
        live = huey.get(progress_key(job.id), peek=True)
        if live is not None:
            return live
    return job.rows_done, job.rows_total


Work = Callable[[Session, BackgroundJob, bytes | None, "Progress"], dict]


def run_job(session: Session, huey, job_id: int, work: Work, *, retries_left: int) -> None:
    """The worker's unit of work for one job: mark it running, do it, record the result.

    A job already finished is left alone (a task delivered twice does nothing). An error
    the work raised on purpose (``DomainError``: a file that cannot be read further in, a
    cluster gone) is the job's error as the person will read it; anything else is logged
    in full and shown by its kind. An unexpected error with retries left puts the job back
    to queued, and the exception goes on to the queue, which runs it again later; a
    ``DomainError`` is final (the same file fails the same way).
    """
    job = session.get(BackgroundJob, job_id)
    if job is None or job.state in FINISHED:
        session.rollback()
        return
    job.state, job.started_at, job.attempts = RUNNING, utcnow(), job.attempts + 1
    session.add(job)
    upload = session.get(JobUpload, job_id)
    content = upload.content if upload is not None else None
    session.commit()
    progress = Progress(huey, job_id)
    try:
        result = work(session, job, content, progress)
    except Exception as error:
        session.rollback()
        retry = retries_left > 0 and not isinstance(error, DomainError)
        _record_failure(session, job_id, error, will_retry=retry)
        progress.clear()
        if retry:
            raise
        return
    job = session.get(BackgroundJob, job_id)
    job.state, job.result, job.finished_at, job.error = DONE, result, utcnow(), None
    job.rows_done, job.rows_total = progress.done, progress.total
    session.add(job)
    _drop_upload(session, job_id)
    session.commit()
    progress.clear()


def _record_failure(session: Session, job_id: int, error: Exception, *, will_retry: bool):
    if isinstance(error, DomainError):
        field = f"{error.field}: " if getattr(error, "field", None) else ""
        message = f"{field}{error.message}"
    else:
        log.exception("job %s failed", job_id)
        message = f"The job stopped on an unexpected error ({type(error).__name__}: {error})."
    job = session.get(BackgroundJob, job_id)
    job.error = message[:2000]
    if will_retry:
        job.state = QUEUED
    else:
        job.state, job.finished_at = FAILED, utcnow()
        _drop_upload(session, job_id)
    session.add(job)
    session.commit()


def _drop_upload(session: Session, job_id: int) -> None:
    upload = session.get(JobUpload, job_id)
    if upload is not None:
        session.delete(upload)


@dataclass(frozen=True)
class Status:
    """What an admin sees of background work."""

    queue_depth: int
    scheduled: int
    by_state: dict[str, int]
    failures: list[BackgroundJob]


def status(session: Session, huey) -> Status:
    counts = dict(
        session.exec(select(BackgroundJob.state, func.count()).group_by(BackgroundJob.state)).all()
    )
    failures = session.exec(
        select(BackgroundJob)
        .where(BackgroundJob.state == FAILED)
        .order_by(BackgroundJob.finished_at.desc(), BackgroundJob.id.desc())
        .limit(FAILURES_SHOWN)
    ).all()
    return Status(
        queue_depth=huey.pending_count(),
        scheduled=huey.scheduled_count(),
        by_state={state: counts.get(state, 0) for state in (QUEUED, RUNNING, DONE, FAILED)},
        failures=list(failures),
    )


def import_summary(rows: int, new: int, updated: int, problems: int) -> str:
    return N_(
        "%(rows)s rows: %(new)s new suppliers, %(updated)s updated, %(problems)s with problems",
        rows=rows,
        new=new,
        updated=updated,
        problems=problems,
    )


def scan_summary(suppliers: int, pairs: int, new: int) -> str:
    return N_(
        "checked %(suppliers)s suppliers: %(pairs)s possible duplicate pairs, %(new)s new",
        suppliers=suppliers,
        pairs=pairs,
        new=new,
    )


def summary_of(job: BackgroundJob) -> str:
    """What a finished job came to, marked for the reader's language; a result stored before
    its counts were kept is shown as it was written (English)."""
    result = job.result or {}
    if job.kind == IMPORT.name and "rows_total" in result:
        return import_summary(
            result["rows_total"],
            result["rows_created"],
            result["rows_updated"],
            result["rows_rejected"],
        )
    if job.kind == DEDUP_SCAN.name and "pairs" in result:
        return scan_summary(result["suppliers"], result["pairs"], result["new"])
    return result.get("summary", "")


def job_view(huey, job: BackgroundJob, *, urls: Callable[[BackgroundJob], dict]) -> dict:
    """A job as the API and the pages show it: live progress, and where to look next."""
    done, total = live_progress(huey, job)
    return {
        **job.model_dump(exclude={"params", "rows_done", "rows_total"}),
        "rows_done": done,
        "rows_total": total,
        "title": KINDS[job.kind].title if job.kind in KINDS else job.kind,
        "summary": summary_of(job) if job.state == DONE else None,
        **urls(job),
    }
