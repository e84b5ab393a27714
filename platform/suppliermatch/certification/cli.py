"""``flask certs``: the daily certificate tick (run it from cron or a systemd timer)."""

from datetime import date

import click
from flask.cli import with_appcontext

from suppliermatch.certification.expiry import run_expiry_tick
from suppliermatch.dates import today_in_india
from suppliermatch.extensions import db


@click.group("certs", help="Certificate housekeeping.")
def certs_cli():
    pass


@certs_cli.command("tick")
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Run as if it were this day (YYYY-MM-DD); defaults to today in India.",
)
@with_appcontext
def tick(today):
    """Move past-expiry certificates to expired; queue reminders 90, 30 and 7 days ahead."""
    day: date = today.date() if today else today_in_india()
    summary = run_expiry_tick(db.session, today=day)
    db.session.commit()
    click.echo(f"{day}: {summary}.")
