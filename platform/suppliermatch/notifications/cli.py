"""``flask notifications send``: e-mail the outbox through the SMTP relay in MAIL_HOST.

The worker sends the outbox every minute by itself (jobs/schedule.py); this command sends
it now, or with ``--loop`` as a sender of its own.
"""

import time

import click
from flask import current_app
from flask.cli import with_appcontext

from suppliermatch.extensions import db
from suppliermatch.notifications.delivery import SmtpMailer, send_pending


@click.group("notifications", help="The notification outbox.")
def notifications_cli():
    pass


@notifications_cli.command("send")
@click.option("--loop", is_flag=True, help="Keep running, sending new e-mails as they come.")
@click.option("--interval", default=30, show_default=True, help="Seconds between rounds.")
@click.option("--limit", default=500, show_default=True, help="E-mails per round at most.")
@with_appcontext
def send(loop, interval, limit):
    """Send pending notification e-mails (MAIL_HOST, MAIL_PORT, MAIL_FROM)."""
    config = current_app.config
    if not config.get("MAIL_HOST"):
        raise click.ClickException(
            "MAIL_HOST is not set: set SUPPLIERMATCH_MAIL_HOST (and MAIL_PORT, MAIL_FROM)."
        )
    mailer = SmtpMailer(config["MAIL_HOST"], int(config["MAIL_PORT"]), config["MAIL_FROM"])
    base_url = config.get("BASE_URL") or ""
    while True:
        sent, failed = send_pending(
            db.session, mailer, sender=config["MAIL_FROM"], base_url=base_url, limit=limit
        )
        if sent or failed or not loop:
            click.echo(f"E-mails sent: {sent}, failed: {failed}.")
        if not loop:
            if failed:
                raise SystemExit(1)
            return
        try:
            time.sleep(interval)
        except KeyboardInterrupt:
            return
