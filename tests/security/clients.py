"""Signed-in clients for the cast, and requests whose writes are undone afterwards."""

from contextlib import contextmanager

from suppliermatch.extensions import db
from tests.security.scenario import SIGNED_IN_ROLES


def signed_in_client(app, scenario, role: str):
    client = app.test_client()
    client.login(scenario.user(role).email)
    return client


def clients_for_roles(app, scenario) -> dict:
    """A client per role: anonymous, and each user signed in through the login API."""
    clients = {"anonymous": app.test_client()}
    for role in SIGNED_IN_ROLES:
        clients[role] = signed_in_client(app, scenario, role)
    return clients


@contextmanager
def undone_afterwards():
    """Requests made in the block write inside a SAVEPOINT that is rolled back at its end.

    The test's connection (see tests/conftest.py) already runs in an outer transaction; the
    sessions of the requests join it with savepoints of their own, nested in this one. So
    every role meets the same world, whatever the roles before it changed. Read what the
    request needs from the test's own session before the block: a lazy load inside it
    would open a savepoint of the test session within this one.
    """
    connection = db.sessionmaker.kw["bind"]
    savepoint = connection.begin_nested()
    try:
        yield
    finally:
        if savepoint.is_active:
            savepoint.rollback()
        db.session.expire_all()
