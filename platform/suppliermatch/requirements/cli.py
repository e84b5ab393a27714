"""``flask requirements``: import a spreadsheet, close expired RFQs, send deadline reminders.

``close-expired`` and ``send-reminders`` are meant for cron (e.g. every 10 minutes); reads
already show a requirement past its deadline as closed, these record it and tell people.
"""

from datetime import timedelta
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlmodel import select

from suppliermatch.accounts.models import Cluster
from suppliermatch.errors import DomainError
from suppliermatch.extensions import db
from suppliermatch.requirements import importer, service


@click.group("requirements", help="Requirements (RFQs).")
def requirements_cli():
    pass


@requirements_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--cluster", "cluster_slug", help="Cluster slug for anchors created by the import.")
@click.option("--anchor-id", type=int, help="Import every row for this anchor organisation.")
@with_appcontext
def import_file(file, cluster_slug, anchor_id):
    """Import requirements from FILE (CSV, the benchmark's requirements.csv layout)."""
    cluster_id = None
    if cluster_slug:
        cluster = db.session.exec(select(Cluster).where(Cluster.slug == cluster_slug)).first()
        if cluster is None:
            raise click.ClickException(f"No cluster with the slug '{cluster_slug}'.")
        cluster_id = cluster.id
    try:
        rows = importer.read_requirements_csv(file.read_text(encoding="utf-8"))
        report = importer.import_requirements(
            db.session, rows, anchor_id=anchor_id, cluster_id=cluster_id
        )
    except (DomainError, UnicodeDecodeError) as error:
        db.session.rollback()
        raise click.ClickException(getattr(error, "message", str(error))) from error
    if not report.ok:
        db.session.rollback()
        for problem in report.errors:
            where = f"line {problem.row} ({problem.ref or 'no ref'}) {problem.field}"
            click.echo(f"{where}: {problem.message}", err=True)
        raise click.ClickException(f"{len(report.errors)} problem(s); nothing was imported.")
    db.session.commit()
    click.echo(
        f"Imported {len(report.created)} requirement(s); {len(report.existing)} already there; "
        f"{len(report.anchors_created)} new anchor(s)."
    )


@requirements_cli.command("close-expired")
@with_appcontext
def close_expired():
    """Close published requirements whose quote deadline has passed."""
    closed = service.close_expired(db.session)
    db.session.commit()
    click.echo(f"Closed {len(closed)} requirement(s).")


@requirements_cli.command("send-reminders")
@click.option(
    "--hours", default=48, show_default=True, help="Remind when the deadline is this near."
)
@with_appcontext
def send_reminders(hours):
    """Remind invited suppliers who have not quoted that the deadline is near (once each)."""
    sent = service.send_deadline_reminders(db.session, within=timedelta(hours=hours))
    db.session.commit()
    click.echo(f"Queued {sent} reminder(s).")
