"""``flask seed``: load the demo dataset (idempotently) and print the demo logins."""

import click
from flask.cli import with_appcontext

from suppliermatch.extensions import db
from suppliermatch.seeding import demo


@click.group("seed", help="Load reference and demo data.")
def seed_cli():
    pass


@seed_cli.command("demo")
@with_appcontext
def seed_demo():
    """Load the demo clusters, organisations, users, suppliers and requirements."""
    summary = demo.load_demo(db.session, progress=lambda msg: click.echo(f"  {msg}"))
    db.session.commit()
    click.echo("Demo data loaded: " + ", ".join(f"{n} {k}" for k, n in summary.items()))
    click.echo(f"Demo logins (password for all: {demo.DEMO_PASSWORD}):")
    for line in demo.login_table(demo.demo_logins(db.session)):
        click.echo(f"  {line}")
