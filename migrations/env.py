"""Alembic environment: the schema is SQLModel.metadata, with the project's naming convention.

The database URL comes from ``flask db`` (the app's DATABASE_URL) through the Alembic
config; tests pass a live connection in ``config.attributes["connection"]``.
"""

from alembic import context
from sqlalchemy import create_engine, pool

import suppliermatch.database  # noqa: F401  (SQLite pragmas and BEGIN handling)
from suppliermatch.tables import metadata

config = context.config
target_metadata = metadata

COMMON_OPTIONS = {
    "target_metadata": target_metadata,
    "compare_type": True,
    # SQLite cannot ALTER most things: batch mode recreates the table instead.
    "render_as_batch": True,
}


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        **COMMON_OPTIONS,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_with_connection(connection) -> None:
    context.configure(connection=connection, **COMMON_OPTIONS)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        run_with_connection(connection)
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url"), poolclass=pool.NullPool)
    with engine.connect() as connection:
        run_with_connection(connection)
        connection.commit()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
