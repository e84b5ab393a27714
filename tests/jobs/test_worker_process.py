"""`flask worker` as `make run` starts it: a process of its own, on the queue in a SQLite
file, takes a job the web side queued and runs the periodic jobs by itself."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlmodel import select

from suppliermatch.extensions import db
from suppliermatch.jobs.models import BackgroundJob, PeriodicRun
from suppliermatch.jobs.queue import enqueue
from suppliermatch.jobs.schedule import PERIODIC_JOBS
from tests.jobs.conftest import dispose, standalone_app

REPO = Path(__file__).resolve().parents[2]


def test_the_worker_process_runs_a_queued_job_and_the_periodic_jobs(new_database, tmp_path):
    database_url = new_database()
    queue_url = f"sqlite:///{tmp_path / 'jobs-queue.db'}"
    web = standalone_app(database_url, tmp_path, JOBS_QUEUE_URL=queue_url)
    with web.app_context():
        job = BackgroundJob(kind="suppliers-dedup")
        db.session.add(job)
        db.session.commit()
        enqueue(job)
        job_id = job.id
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SUPPLIERMATCH_JOBS_QUEUE_URL": queue_url,
        "SUPPLIERMATCH_INSTANCE_DIR": str(tmp_path),
        "SECRET_KEY": "worker-test-key",
    }
    log = tmp_path / "worker.log"
    with log.open("w") as out:
        worker = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "worker"],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline:
                with web.app_context():
                    state = db.session.get(BackgroundJob, job_id).state
                    periods = db.session.exec(select(PeriodicRun.name)).all()
                if state == "done" and len(periods) == len(PERIODIC_JOBS):
                    break
                assert worker.poll() is None, log.read_text()
                time.sleep(0.5)
        finally:
            worker.send_signal(signal.SIGINT)
            worker.wait(timeout=30)
    dispose(web)
    assert state == "done", log.read_text()
    assert sorted(periods) == sorted(job.name for job in PERIODIC_JOBS), log.read_text()
    assert "Worker on SqliteHuey (2 thread(s), with the periodic schedule)." in log.read_text()
