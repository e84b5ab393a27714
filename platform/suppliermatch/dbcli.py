"""``flask db``: schema migrations (Alembic), and backups.

Migrations are the only way the schema is made outside tests.

Alembic is imported inside the commands: the app registers this group in every process,
and importing Alembic cost about a second of each gunicorn master's start (a master killed
or deployed is back that much sooner).
"""

from pathlib import Path
from typing import TYPE_CHECKING

import click
from flask import current_app
from flask.cli import with_appcontext

from suppliermatch import backup
from suppliermatch.paths import MIGRATIONS_DIR

if TYPE_CHECKING:
    from alembic.config import Config


def alembic_config(url: str | None = None) -> "Config":
    from alembic.config import Config

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
    from alembic import command

    command.upgrade(alembic_config(), revision)
    click.echo(f"Database at {revision}.")


@db_cli.command("downgrade")
@click.argument("revision")
@with_appcontext
def downgrade(revision):
    """Migrate the database down to REVISION."""
    from alembic import command

    command.downgrade(alembic_config(), revision)


@db_cli.command("current")
@with_appcontext
def current():
    """Show the database's migration revision."""
    from alembic import command

    command.current(alembic_config(), verbose=False)


@db_cli.command("revision")
@click.option("-m", "--message", required=True)
@click.option("--autogenerate/--empty", default=True)
@with_appcontext
def revision(message, autogenerate):
    """Write a new migration, by default from the difference between models and database."""
    from alembic import command

    command.revision(alembic_config(), message=message, autogenerate=autogenerate)


@db_cli.command("backup")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), help="Default: BACKUP_DIR.")
@with_appcontext
def backup_command(out_dir):
    """Back up the database and uploaded documents into one archive."""
    config = current_app.config
    archive = backup.create_backup(
        config["DATABASE_URL"],
        Path(config["UPLOAD_DIR"]),
        Path(out_dir or config["BACKUP_DIR"]),
        progress=lambda message: click.echo(f"  {message}"),
    )
    click.echo(f"Backup written: {archive}")


@db_cli.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask before replacing the database.")
@with_appcontext
def restore_command(archive, yes):
    """Replace the database and documents with a backup, then verify them."""
    config = current_app.config
    if not yes:
        click.confirm(f"Replace the data at {config['DATABASE_URL']}?", abort=True)
    try:
        restored = backup.restore_backup(
            Path(archive),
            config["DATABASE_URL"],
            Path(config["UPLOAD_DIR"]),
            progress=lambda message: click.echo(f"  {message}"),
        )
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    rows = sum(restored.row_counts.values())
    click.echo(f"Restored and verified: {rows} rows, {len(restored.documents)} documents.")
