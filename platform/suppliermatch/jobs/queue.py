"""The job queue: huey, on Redis in production, on a SQLite file of its own by default.

Why huey: it is one small, well-kept library that runs on Redis (several workers on several
machines take tasks from one list, each task popped by exactly one of them) and on a plain
SQLite file (``make run`` on a fresh machine needs no Redis); it retries a task that raises
(``retries``, ``retry_delay``), has a scheduler for periodic tasks, counts what is waiting
(``pending_count``), and runs tasks synchronously in tests (``immediate``). RQ and Dramatiq
need Redis (or RabbitMQ) even for one machine; APScheduler schedules but is no queue.

``JOBS_QUEUE_URL``: empty for the SQLite file in instance/ (one machine), ``redis://...``
for Redis (production: the same Redis as the rate limits, another database number is
fine), ``memory://`` for one process (tests). ``JOBS_IMMEDIATE`` runs each job as it is
queued, in the caller's process (tests).

What huey keeps is only the job's id and live progress; the truth about a job (who
started it, its state, report and error) is the ``BackgroundJob`` row in the database.
"""

from pathlib import Path

from flask import Flask, current_app
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey, crontab

QUEUE_NAME = "suppliermatch"
# A task that raised waits this long before its retry.
RETRY_DELAY_SECONDS = 30


def init_queue(app: Flask) -> Huey:
    """Build the app's queue and register its tasks; ``queue()`` returns it."""
    huey = _make_huey(
        app.config.get("JOBS_QUEUE_URL") or "",
        app.config.get("JOBS_QUEUE_NAME") or QUEUE_NAME,
        Path(app.instance_path),
    )
    huey.immediate = bool(app.config.get("JOBS_IMMEDIATE"))
    from suppliermatch.jobs import tasks

    tasks.register(huey, app)
    app.extensions["jobs_queue"] = huey
    return huey


def _make_huey(url: str, name: str, instance_dir: Path) -> Huey:
    # No result store: what a job made is in the database (BackgroundJob.result).
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey(name, url=url, results=False)
    if url == "memory://":
        return MemoryHuey(name, results=False)
    if url.startswith("sqlite:///"):
        filename = url.removeprefix("sqlite:///")
    elif url:
        raise ValueError(f"JOBS_QUEUE_URL: no queue for {url!r} (redis://, sqlite:///, memory://)")
    else:
        instance_dir.mkdir(parents=True, exist_ok=True)
        filename = str(instance_dir / "jobs-queue.db")
    return SqliteHuey(name, filename=filename, results=False)


def queue() -> Huey:
    return current_app.extensions["jobs_queue"]


def enqueue(job) -> None:
    """Put a recorded job on the queue: after the commit that recorded it, so that the
    worker (in another process, perhaps on another machine) finds the row."""
    current_app.extensions["jobs_tasks"][job.kind](job.id)


EVERY_MINUTE = crontab()
