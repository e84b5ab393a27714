"""``flask worker`` runs the queue's jobs and the periodic schedule; ``flask jobs`` shows
and runs background work by hand."""

import logging

import click
from flask.cli import with_appcontext

from suppliermatch.extensions import db
from suppliermatch.formats import moment_text
from suppliermatch.jobs import periodic, service
from suppliermatch.jobs.queue import queue
from suppliermatch.jobs.schedule import PERIODIC_JOBS


@click.command("worker")
@click.option("--threads", default=2, show_default=True, help="Jobs run at once.")
@click.option(
    "--no-scheduler",
    is_flag=True,
    help="Take jobs only; leave the minute tick of the periodic jobs to other workers "
    "(harmless either way: each periodic job runs once a period).",
)
@with_appcontext
def worker_command(threads: int, no_scheduler: bool):
    """Run queued jobs (imports, duplicate scans) and the periodic jobs, until stopped."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    huey = queue()
    click.echo(
        f"Worker on {type(huey).__name__} ({threads} thread(s)"
        f"{', no scheduler' if no_scheduler else ', with the periodic schedule'})."
    )
    consumer = huey.create_consumer(
        workers=threads, worker_type="thread", periodic=not no_scheduler
    )
    consumer.run()


@click.group("jobs", help="Background jobs: status, and the periodic jobs by hand.")
def jobs_cli():
    pass


@jobs_cli.command("status")
@with_appcontext
def status_command():
    """Queue depth, jobs by state, the latest failures and the periodic jobs' last runs."""
    status = service.status(db.session, queue())
    counts = ", ".join(f"{state} {count}" for state, count in status.by_state.items())
    click.echo(f"Queue: {status.queue_depth} waiting, {status.scheduled} retries scheduled.")
    click.echo(f"Jobs: {counts}.")
    last = periodic.last_runs(db.session)
    click.echo("Periodic jobs:")
    for job in PERIODIC_JOBS:
        run = last.get(job.name)
        seen = f"last {moment_text(run.period_start)}: {run.summary}" if run else "not run yet"
        click.echo(f"  {job.name} ({job.every_text}): {seen}")
    if status.failures:
        click.echo("Latest failures:")
        for job in status.failures:
            when = moment_text(job.finished_at) if job.finished_at else "?"
            click.echo(f"  job {job.id} {job.kind} (user {job.started_by_id}) {when}: {job.error}")
    else:
        click.echo("No job has failed.")


@jobs_cli.command("run-periodic")
@click.option(
    "--name",
    type=click.Choice([job.name for job in PERIODIC_JOBS]),
    help="Only this job (default: every one whose period has not run).",
)
@with_appcontext
def run_periodic_command(name: str | None):
    """Run the periodic jobs due now, as the worker's scheduler does every minute."""
    failed = False
    for outcome in periodic.run_due(db.session, only=name):
        click.echo(f"{outcome.name}: {outcome.summary}")
        failed = failed or outcome.summary.startswith("failed")
    if failed:
        raise SystemExit(1)
