"""Periodic jobs run once a period however many workers look: two workers race here, on a
database of their own where each commits for real, as two processes on two machines do.
And the queue on real Redis: two workers, one job, run once."""

import threading
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import func, select

from suppliermatch.audit.models import AuditEvent
from suppliermatch.extensions import db
from suppliermatch.jobs import periodic, schedule
from suppliermatch.jobs.models import BackgroundJob, PeriodicRun
from suppliermatch.jobs.schedule import PERIODIC_JOBS, PeriodicJob
from suppliermatch.models_base import utcnow
from suppliermatch.requirements.models import Requirement
from tests import factories
from tests.jobs.conftest import dispose, standalone_app
from tests.prerequisites import require_redis

WORKERS = 2


def _race(fresh, work):
    """Run ``work(session)`` in WORKERS threads at once, each in an app context (and with a
    database connection) of its own; return what each returned."""
    start = threading.Barrier(WORKERS)
    results: list = [None] * WORKERS
    errors: list[BaseException] = []

    def one(index: int) -> None:
        try:
            with fresh.app_context():
                start.wait(timeout=30)
                results[index] = work(db.session)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return results


@pytest.fixture
def fresh(new_database, tmp_path):
    app = standalone_app(new_database(), tmp_path)
    yield app
    dispose(app)


def test_two_workers_racing_run_each_periodic_job_once_a_period(fresh, monkeypatch):
    ran: list[str] = []

    def slow(session, now):
        # Holds its transaction long enough for the other worker to arrive meanwhile.
        ran.append(threading.current_thread().name)
        threading.Event().wait(0.3)
        return "slow work done"

    jobs = (*PERIODIC_JOBS, PeriodicJob("slow", timedelta(hours=1), "a slow job", slow))
    monkeypatch.setattr(periodic, "PERIODIC_JOBS", jobs)
    with fresh.app_context():
        anchor = factories.make_user(
            db.session, kind="anchor", cluster=factories.make_cluster(db.session)
        )
        overdue = factories.make_requirement(db.session, anchor_user=anchor, deadline_in_days=1)
        db.session.commit()
        overdue_id = overdue.id
    later = utcnow() + timedelta(days=2)

    outcomes = _race(fresh, lambda session: periodic.run_due(session, now=later))

    assert len(ran) == 1
    for job in jobs:
        mine = [o for each in outcomes for o in each if o.name == job.name]
        assert sorted(o.ran for o in mine) == [False, True], (job.name, mine)
        assert [o.summary for o in mine if not o.ran] == ["already ran this period"]
    with fresh.app_context():
        session = db.session
        runs = session.exec(select(PeriodicRun.name, func.count()).group_by(PeriodicRun.name))
        assert dict(runs.all()) == {job.name: 1 for job in jobs}
        assert session.get(Requirement, overdue_id).status == "closed"
        closings = select(func.count()).where(
            AuditEvent.entity_id == overdue_id, AuditEvent.action == "closed"
        )
        assert session.scalar(closings) == 1

    # The next period of the five-minute job runs again; the daily one does not.
    again = [
        o for o in _race(fresh, lambda s: periodic.run_due(s, now=later + timedelta(minutes=5)))
    ]
    ran_again = {o.name for each in again for o in each if o.ran}
    assert "requirements-close-expired" in ran_again
    assert "certificates-expiry" not in ran_again


def test_a_periodic_job_that_fails_leaves_its_period_to_the_next_try(fresh, monkeypatch):
    attempts = []

    def flaky(session, now):
        attempts.append(now)
        session.add(PeriodicRun(name="side-effect", period_start=now))
        if len(attempts) == 1:
            raise ConnectionError("database restarting")
        return "done"

    flaky_job = PeriodicJob("flaky", timedelta(days=1), "fails once", flaky)
    monkeypatch.setattr(periodic, "PERIODIC_JOBS", (flaky_job,))
    now = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)
    with fresh.app_context():
        first = periodic.run_due(db.session, now=now)
        second = periodic.run_due(db.session, now=now + timedelta(minutes=1))
        third = periodic.run_due(db.session, now=now + timedelta(minutes=2))
        names = db.session.exec(select(PeriodicRun.name)).all()
    assert first[0].summary == "failed: ConnectionError: database restarting"
    assert (second[0].ran, second[0].summary) == (True, "done")
    assert (third[0].ran, third[0].summary) == (False, "already ran this period")
    # The failed attempt's work was rolled back with its claim.
    assert sorted(names) == ["flaky", "side-effect"]


def test_periods_begin_on_indias_clock():
    daily = next(job for job in PERIODIC_JOBS if job.name == "certificates-expiry")
    five = next(job for job in PERIODIC_JOBS if job.name == "requirements-close-expired")
    # 19:00 UTC on 3 Dec is 00:30 IST on 4 Dec: the day that began at 18:30 UTC.
    moment = datetime(2026, 12, 3, 19, 0, tzinfo=UTC)
    assert daily.period_start(moment).astimezone(UTC) == datetime(2026, 12, 3, 18, 30, tzinfo=UTC)
    assert five.period_start(moment.replace(minute=7)).astimezone(UTC).minute == 5
    assert [job.every_text for job in schedule.PERIODIC_JOBS] == [
        "every day",
        "every 5 minutes",
        "every hour",
        "every day",
        "every minute",
    ]


REDIS_URL = "redis://127.0.0.1:6379/13"


def test_on_redis_two_workers_take_a_job_once(new_database, tmp_path):
    require_redis(REDIS_URL)
    name = f"test-{uuid.uuid4().hex[:8]}"
    app = standalone_app(new_database(), tmp_path, JOBS_QUEUE_URL=REDIS_URL, JOBS_QUEUE_NAME=name)
    huey = app.extensions["jobs_queue"]
    try:
        with app.app_context():
            job = BackgroundJob(kind="suppliers-dedup")
            db.session.add(job)
            db.session.commit()
            app.extensions["jobs_tasks"][job.kind](job.id)
            job_id = job.id

        def take(session):
            task = huey.dequeue()
            if task is None:
                return False
            huey.execute(task)
            return True

        assert sorted(_race(app, take)) == [False, True]
        with app.app_context():
            done = db.session.get(BackgroundJob, job_id)
            assert (done.state, done.attempts) == ("done", 1)
            assert done.result["summary"].startswith("checked 0 suppliers")
        assert huey.pending_count() == 0
    finally:
        huey.flush()
        dispose(app)
