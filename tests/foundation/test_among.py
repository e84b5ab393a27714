"""``database.among``: an IN list of any length sent as one parameter, on both backends
(PostgreSQL refuses a statement with more than 65,535 parameters)."""

import sqlalchemy as sa
from sqlalchemy import event

from suppliermatch.database import among
from suppliermatch.suppliers.models import Supplier
from tests import factories


def test_an_id_list_longer_than_postgresqls_parameter_limit_is_one_parameter(session, world):
    kept = factories.make_supplier(session, cluster=world["cluster_1"])
    other = factories.make_supplier(session, cluster=world["cluster_1"])
    ids = [kept.id, *range(10**8, 10**8 + 70_000)]
    parameters = []

    def count(conn, cursor, statement, params, context, executemany):
        parameters.append(len(params or ()))

    engine = session.get_bind().engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        found = session.scalars(sa.select(Supplier.id).where(among(session, Supplier.id, ids)))
        found = set(found)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert found == {kept.id} and other.id not in found
    assert parameters == [1]
