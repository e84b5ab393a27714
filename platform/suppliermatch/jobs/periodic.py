"""Running the periodic jobs of ``schedule``: each once a period, whatever the number of
workers and machines that look.

The worker's scheduler calls ``run_due`` every minute. For each job whose current period
has no ``PeriodicRun`` row yet, it inserts one; the unique (name, period_start) makes a
second worker's insert wait for the first transaction and then fail (PostgreSQL's unique
index; SQLite's write lock, taken at BEGIN IMMEDIATE), so the second one skips the job. A
job that raises rolls its claim back with its work and is tried again the next minute.
"""

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from suppliermatch.jobs.models import PeriodicRun
from suppliermatch.jobs.schedule import PERIODIC_JOBS, PeriodicJob
from suppliermatch.models_base import utcnow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    name: str
    ran: bool
    summary: str


def run_due(session: Session, *, now: datetime | None = None, only: str | None = None):
    """Run every periodic job (or the one named ``only``) whose period has not run yet.
    Returns what each did; a job that failed is logged and reported, the others still run."""
    moment = now or utcnow()
    outcomes = []
    for job in PERIODIC_JOBS:
        if only is not None and job.name != only:
            continue
        try:
            outcomes.append(run_once_a_period(session, job, moment))
        except Exception as error:
            session.rollback()
            log.exception("periodic job %s failed", job.name)
            outcomes.append(Outcome(job.name, False, f"failed: {type(error).__name__}: {error}"))
    return outcomes


def run_once_a_period(session: Session, job: PeriodicJob, moment: datetime) -> Outcome:
    period = job.period_start(moment)
    if _claimed(session, job.name, period):
        session.rollback()
        return Outcome(job.name, False, "already ran this period")
    claim = PeriodicRun(name=job.name, period_start=period)
    session.add(claim)
    try:
        session.flush()
    except IntegrityError:
        # Another worker claimed the period between our look and our insert.
        session.rollback()
        return Outcome(job.name, False, "already ran this period")
    if job.commits_itself:
        session.commit()
    summary = job.run(session, moment)
    claim.summary = summary[:500]
    claim.finished_at = utcnow()
    session.add(claim)
    session.commit()
    log.info("periodic job %s: %s", job.name, summary)
    return Outcome(job.name, True, summary)


def _claimed(session: Session, name: str, period: datetime) -> bool:
    statement = select(PeriodicRun.id).where(
        PeriodicRun.name == name, PeriodicRun.period_start == period
    )
    return session.exec(statement).first() is not None


def last_runs(session: Session) -> dict[str, PeriodicRun]:
    """Each periodic job's latest run, for the admin page."""
    latest: dict[str, PeriodicRun] = {}
    for job in PERIODIC_JOBS:
        row = session.exec(
            select(PeriodicRun)
            .where(PeriodicRun.name == job.name)
            .order_by(PeriodicRun.period_start.desc())
        ).first()
        if row is not None:
            latest[job.name] = row
    return latest
