"""The queue's tasks: the jobs people start, and the scheduler's minute tick.

Each task gets only a job id (or nothing): what it works on is read from the database in
the worker, in an app context of its own, so a task runs the same on any machine.
"""

from flask import Flask
from huey import Huey

from suppliermatch.extensions import db
from suppliermatch.jobs import periodic, service
from suppliermatch.jobs.queue import EVERY_MINUTE, RETRY_DELAY_SECONDS


def register(huey: Huey, app: Flask) -> None:
    """Register the tasks on ``huey``; ``app.extensions["jobs_tasks"]`` maps kinds to them."""

    def job_task(kind: service.JobKind, work: service.Work, after=None):
        @huey.task(
            name=kind.name, retries=kind.retries, retry_delay=RETRY_DELAY_SECONDS, context=True
        )
        def run(job_id: int, task=None):
            with app.app_context():
                session = db.session
                retries_left = task.retries if task is not None else 0
                service.run_job(session, huey, job_id, work, retries_left=retries_left)
                if after is not None:
                    after(session, job_id)

        return run

    @huey.periodic_task(EVERY_MINUTE, name="periodic-tick")
    def periodic_tick():
        with app.app_context():
            periodic.run_due(db.session)

    app.extensions["jobs_tasks"] = {
        service.IMPORT.name: job_task(service.IMPORT, _import_work, after=_after_import),
        service.DEDUP_SCAN.name: job_task(service.DEDUP_SCAN, _dedup_work),
    }


def _import_work(session, job, content, progress) -> dict:
    from flask import current_app

    from suppliermatch.suppliers.imports.importer import ImportMode
    from suppliermatch.suppliers.profiles import service as suppliers

    record = suppliers.run_import(
        session,
        content or b"",
        filename=job.params["filename"],
        cluster_id=job.cluster_id,
        mode=ImportMode(job.params["mode"]),
        uploaded_by_id=job.started_by_id,
        only_within_cluster=job.params["only_within_cluster"],
        max_bytes=current_app.config["IMPORT_MAX_BYTES"],
        progress=progress.advance,
        on_total=progress.set_total,
    )
    return {
        "import_id": record.id,
        "outcome": record.outcome,
        "rows_total": record.rows_total,
        "rows_created": record.rows_created,
        "rows_updated": record.rows_updated,
        "rows_rejected": record.rows_rejected,
        "summary": str(
            service.import_summary(
                record.rows_total, record.rows_created, record.rows_updated, record.rows_rejected
            )
        ),
    }


def _after_import(session, job_id: int) -> None:
    """The planner's statistics, once the import is committed (they describe its rows)."""
    from suppliermatch.jobs.models import BackgroundJob
    from suppliermatch.suppliers.imports.importer import ImportOutcome, analyze_imported_tables

    job = session.get(BackgroundJob, job_id)
    if job is not None and job.result and job.result["outcome"] != ImportOutcome.REJECTED:
        analyze_imported_tables(session)
        session.commit()


def _dedup_work(session, job, content, progress) -> dict:
    from suppliermatch.suppliers.duplicates import service as dedup_service

    result = dedup_service.scan_for_duplicates(
        session, cluster_id=job.cluster_id, progress=progress.set
    )
    return {
        "suppliers": result.suppliers,
        "pairs": result.pairs,
        "new": result.new,
        "seconds": result.seconds,
        "summary": str(service.scan_summary(result.suppliers, result.pairs, result.new)),
    }
