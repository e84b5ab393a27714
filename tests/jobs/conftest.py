"""Fixtures for background jobs: the queue as in production (a job waits for the worker),
and apps of their own on a database of their own, for workers that race."""

import pytest

from suppliermatch import create_app
from suppliermatch.extensions import db
from suppliermatch.tables import metadata
from tests.conftest import suite_settings


class Worker:
    """The worker's step, run by the test: take the next task and execute it."""

    def __init__(self, huey):
        self.huey = huey

    def run_next(self) -> None:
        task = self.huey.dequeue()
        assert task is not None, "nothing was queued"
        self.huey.execute(task)

    def run_retries(self) -> int:
        """Execute the retries waiting for their time, as if their time had come."""
        from datetime import UTC, datetime, timedelta

        # huey keeps naive UTC times; a day on, every retry's time has come.
        later = datetime.now(UTC).replace(tzinfo=None) + timedelta(days=1)
        due = self.huey.read_schedule(later)
        for task in due:
            self.huey.execute(task, timestamp=later)
        return len(due)


@pytest.fixture
def worker(app):
    """Jobs wait in the queue until the test runs the worker's step (``worker.run_next()``)."""
    huey = app.extensions["jobs_queue"]
    huey.immediate = False
    yield Worker(huey)
    huey.flush()
    huey.immediate = True


def standalone_app(database_url: str, tmp_path, **config):
    """An app whose sessions commit for real to ``database_url``: outside the suite's
    rolled-back transaction, as two worker processes are (the test must not use ``app``)."""
    fresh = create_app(
        {**suite_settings(database_url, tmp_path), "INDEX_SNAPSHOT_DIR": "", **config}
    )
    with fresh.app_context():
        metadata.create_all(db.engine)
    return fresh


def dispose(fresh) -> None:
    with fresh.app_context():
        db.engine.dispose()
