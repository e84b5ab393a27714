"""``flask payments``: the daily payment reminders (for cron)."""

import click
from flask.cli import with_appcontext

from suppliermatch.extensions import db
from suppliermatch.payments.reminders import send_payment_reminders


@click.group("payments", help="Payments to MSME suppliers.")
def payments_cli():
    pass


@payments_cli.command("send-reminders")
@with_appcontext
def send_reminders():
    """Remind buyer and supplier 7 days before and on an invoice's due date (once each)."""
    queued = send_payment_reminders(db.session)
    db.session.commit()
    click.echo(f"Queued {queued} payment reminder(s).")
