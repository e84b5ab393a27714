"""The dashboard's supplier figures are kept between calls (``suppliers.summaries``) and
computed again as soon as a supplier, capability or certificate changes: a coordinator
never reads figures older than the data."""

from datetime import timedelta

from suppliermatch.models_base import utcnow
from suppliermatch.suppliers import summaries
from tests import factories
from tests.certification.builders import make_record
from tests.reports.test_dashboard import TODAY, dashboard_json


def test_a_new_supplier_and_certificate_show_on_the_next_dashboard(
    session, make_client, world, scene
):
    coordinator = make_client(world["coordinator_1"])
    before = dashboard_json(coordinator)
    assert dashboard_json(coordinator) == before

    supplier = factories.make_supplier(
        session, cluster=world["cluster_1"], legal_name="Rushikulya Coaters"
    )
    make_record(session, supplier, "ISO14001", expires_on=TODAY + timedelta(days=20))
    session.commit()
    after = dashboard_json(coordinator)

    assert after["suppliers"] == before["suppliers"] + 1
    assert ("Rushikulya Coaters", "ISO14001") in {
        (e["supplier_name"], e["code"]) for e in after["expiring"]
    }


def test_a_changed_certificate_shows_on_the_next_dashboard(session, make_client, world, scene):
    coordinator = make_client(world["coordinator_1"])
    record = make_record(session, scene["plater"], "ISO14001", expires_on=TODAY + timedelta(30))
    session.commit()
    assert [e["verified"] for e in dashboard_json(coordinator)["expiring"]] == [False]

    # As every write of the product does (``locking.update_if_current``): the stamp moves.
    record.verification, record.updated_at = "verified", utcnow()
    session.commit()

    assert [e["verified"] for e in dashboard_json(coordinator)["expiring"]] == [True]


def test_figures_are_computed_once_while_nothing_changes(session, world):
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert summaries.kept(session, "figures", compute) == 1
    assert summaries.kept(session, "figures", compute) == 1
    assert summaries.kept(session, "other figures", compute) == 2
    factories.make_supplier(session, cluster=world["cluster_1"])
    session.flush()
    assert summaries.kept(session, "figures", compute) == 3


def test_a_change_committed_late_with_an_older_stamp_is_seen(session, world):
    """A write stamped before the figures were computed but committed after them, behind
    the latest stamp: no maximum moves, the count of rows stamped in the window does."""
    supplier = factories.make_supplier(session, cluster=world["cluster_1"])
    earlier = make_record(session, supplier, "ISO9001", updated_at=utcnow() - timedelta(hours=1))
    make_record(session, supplier, "ISO14001")
    session.flush()
    calls = []
    summaries.kept(session, "figures", lambda: calls.append(1))

    earlier.updated_at = utcnow() - timedelta(seconds=30)
    session.flush()
    summaries.kept(session, "figures", lambda: calls.append(1))

    assert len(calls) == 2


def test_a_changed_requirement_shows_on_the_next_dashboard(session, make_client, world, scene):
    coordinator = make_client(world["coordinator_1"])
    (before,) = dashboard_json(coordinator)["supply"]

    # Any field of an open requirement: here without moving its stamp or version.
    scene["requirement"].quantity_per_month = 7_000
    session.commit()
    (after,) = dashboard_json(coordinator)["supply"]

    assert (before["demand"], after["demand"]) == (5_000, 7_000)
