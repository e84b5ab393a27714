"""``flask users``: create coordinators and admins (they cannot sign themselves up)."""

import click
from flask.cli import with_appcontext

from suppliermatch.accounts import service
from suppliermatch.errors import DomainError
from suppliermatch.extensions import db


@click.group("users", help="Manage user accounts.")
def users_cli():
    pass


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", "full_name", required=True)
@click.option("--role", type=click.Choice(["coordinator", "admin"]), required=True)
@click.option("--cluster", "cluster_slug", help="Cluster slug (coordinators only).")
@click.password_option()
@with_appcontext
def create(email, full_name, role, cluster_slug, password):
    """Create a cluster coordinator or a platform admin."""
    try:
        if role == "coordinator":
            if not cluster_slug:
                raise click.UsageError("--cluster is required for a coordinator.")
            cluster = service.get_cluster_by_slug(db.session, cluster_slug)
            # An operator on the server vouches for the addresses of the staff it creates.
            user = service.create_coordinator(
                db.session,
                email=email,
                password=password,
                full_name=full_name,
                cluster=cluster,
                email_verified=True,
            )
        else:
            user = service.create_user(
                db.session,
                email=email,
                password=password,
                full_name=full_name,
                organisation=None,
                is_admin=True,
                email_verified=True,
            )
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(f"{error.field or 'error'}: {error.message}") from error
    db.session.commit()
    click.echo(f"Created {role} {user.email}.")
