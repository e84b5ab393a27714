"""``flask db``: schema migrations (Alembic), and backups.

Migrations are the only way the schema is made outside tests.
"""

import click
from alembic import command
from alembic.config import Config
from flask import current_app
from flask.cli import with_appcontext

from suppliermatch.paths import MIGRATIONS_DIR


def alembic_config(url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url or current_app.config["DATABASE_URL"])
    return config


@click.group("db", help="Database schema and backups.")
def db_cli():
    pass


@db_cli.command("upgrade")
@click.argument("revision", default="head")
@with_appcontext
def upgrade(revision):
    """Migrate the database up to REVISION (default: the newest)."""
    command.upgrade(alembic_config(), revision)
    click.echo(f"Database at {revision}.")


@db_cli.command("downgrade")
@click.argument("revision")
@with_appcontext
def downgrade(revision):
    """Migrate the database down to REVISION."""
    command.downgrade(alembic_config(), revision)


@db_cli.command("current")
@with_appcontext
def current():
    """Show the database's migration revision."""
    command.current(alembic_config(), verbose=False)


@db_cli.command("revision")
@click.option("-m", "--message", required=True)
@click.option("--autogenerate/--empty", default=True)
@with_appcontext
def revision(message, autogenerate):
    """Write a new migration, by default from the difference between models and database."""
    command.revision(alembic_config(), message=message, autogenerate=autogenerate)
