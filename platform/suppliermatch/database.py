"""Engine settings, and SQLite made safe for concurrent writers.

SQLite with SQLAlchemy's defaults loses updates under concurrency: pysqlite starts the
transaction lazily at the first write, so two processes can both read a row, then both
write. Following SQLAlchemy's pysqlite recipe we take over transaction control and begin
every transaction with ``BEGIN IMMEDIATE`` (the write lock is taken up front), unless the
caller asked for a read-only ``DEFERRED`` begin. WAL lets readers proceed while a writer
holds the lock; the busy timeout makes writers queue instead of failing.
https://docs.sqlalchemy.org/en/20/dialects/sqlite.html#serializable-isolation-savepoints-transactional-ddl
"""

import json

import sqlalchemy as sa
from sqlalchemy import event

SQLITE_BUSY_TIMEOUT_MS = 30_000
SQLITE_BEGIN_OPTION = "sqlite_begin"
READ_ONLY_BEGIN = {SQLITE_BEGIN_OPTION: "DEFERRED"}


def engine_settings(url: str) -> dict:
    """The engine configuration Flask-SQLAlchemy-Lite builds the default engine from."""
    settings: dict = {"url": url}
    if url.startswith("sqlite"):
        settings["connect_args"] = {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
    else:
        # Reconnect transparently after the server restarts instead of failing requests.
        settings.update(pool_pre_ping=True, pool_size=5, max_overflow=10, pool_timeout=10)
    return settings


@event.listens_for(sa.Engine, "connect")
def _configure_sqlite_connection(dbapi_connection, connection_record):
    if not _is_sqlite(dbapi_connection):
        return
    # Let SQLAlchemy, not the driver, decide where transactions begin.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@event.listens_for(sa.Engine, "begin")
def _begin_sqlite_transaction(connection):
    if connection.dialect.name != "sqlite":
        return
    mode = connection.get_execution_options().get(SQLITE_BEGIN_OPTION, "IMMEDIATE")
    connection.exec_driver_sql(f"BEGIN {mode}")


def _is_sqlite(dbapi_connection) -> bool:
    return type(dbapi_connection).__module__.startswith("sqlite3")


def among(session, column, ids) -> sa.ColumnElement[bool]:
    """``column IN (ids)`` as one bound parameter whatever the number of ids: PostgreSQL
    refuses more than 65,535 parameters in a statement, and a cluster-wide set of supplier
    ids can be larger. An array (``= ANY``) on PostgreSQL, a JSON list read by
    ``json_each`` on SQLite."""
    ids = [int(i) for i in ids]
    if session.get_bind().dialect.name == "postgresql":
        return column == sa.any_(sa.literal(ids, sa.ARRAY(sa.Integer)))
    listed = sa.select(sa.column("value")).select_from(
        sa.func.json_each(sa.literal(json.dumps(ids))).table_valued("value")
    )
    return column.in_(listed)
