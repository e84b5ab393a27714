"""Two app instances (two workers, or two machines) over one committed database: a change
made through one is in the next ranking served by the other, without a restart."""

import dataclasses
import math
from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import select

from suppliermatch.certification.expiry import run_expiry_tick
from suppliermatch.certification.models import SupplierCertificate
from suppliermatch.changes import FULL_LOOK_INTERVAL
from suppliermatch.dates import today_in_india
from suppliermatch.extensions import db
from suppliermatch.matching.cache import MatchingCache, cache_for
from suppliermatch.reference.taxonomy import default_taxonomy
from suppliermatch.requirements.models import Invitation
from suppliermatch.suppliers.models import Supplier
from tests import factories


def signed_in(worker, user):
    client = worker.test_client()
    client.login(user.email)
    return client


def ranking(client, requirement_id) -> tuple[dict, dict]:
    body = client.get(f"/api/requirements/{requirement_id}/matches?include_excluded=true")
    assert body.status_code == 200, body.get_json()
    body = body.get_json()
    ranked = {item["supplier_name"]: item for item in body["items"]}
    left_out = {item["supplier_name"]: item["failures"] for item in body["excluded"]}
    return ranked, left_out


def test_edits_through_one_worker_show_in_the_next_ranking_of_the_other(two_apps):
    writer, reader = two_apps
    with writer.app_context():
        session = db.session
        cast = factories.make_buyer_and_coordinator(session)
        scene = factories.make_matching_scene(session, cast, needed_in_days=5)
        zinc_certificate = session.exec(
            select(SupplierCertificate).where(
                SupplierCertificate.supplier_id == scene["zinc_plater"].id
            )
        ).one()
        zinc_certificate.expires_on = today_in_india() + timedelta(days=10)
        session.commit()
        ids = {name: row.id for name, row in scene.items()}
        plater_certificate = session.exec(
            select(SupplierCertificate).where(SupplierCertificate.supplier_id == ids["plater"])
        ).one()
        versions = {
            "zinc_plater": scene["zinc_plater"].version,
            "requirement": scene["requirement"].version,
            "plater_certificate": plater_certificate.version,
        }
        plater_certificate_id = plater_certificate.id

    buyer = signed_in(reader, cast["anchor_x"])
    coordinator = signed_in(writer, cast["coordinator_1"])
    anchor_on_writer = signed_in(writer, cast["anchor_x"])
    requirement_id = ids["requirement"]

    ranked, left_out = ranking(buyer, requirement_id)
    assert list(ranked) == ["Kaveri Platers Pvt Ltd", "Deccan Zinc Coaters"]
    assert ranked["Deccan Zinc Coaters"]["match"] == "related"

    # A profile edit: the zinc plater now also offers NiCuNi plating.
    edited = coordinator.patch(
        f"/api/suppliers/{ids['zinc_plater']}",
        json={"version": versions["zinc_plater"], "about": "Zinc and Ni-Cu-Ni plating lines."},
    )
    assert edited.status_code == 200, edited.get_json()
    ranked, _ = ranking(buyer, requirement_id)
    assert ranked["Deccan Zinc Coaters"]["match"] == "exact"

    # A certificate suspension.
    suspended = coordinator.post(
        f"/api/certificates/{plater_certificate_id}/transitions",
        json={"to": "suspended", "version": versions["plater_certificate"]},
    )
    assert suspended.status_code == 200, suspended.get_json()
    ranked, left_out = ranking(buyer, requirement_id)
    assert "Kaveri Platers Pvt Ltd" not in ranked
    assert any("suspended" in failure for failure in left_out["Kaveri Platers Pvt Ltd"])

    # A certificate expiry, recorded by the daily tick (run by the other process).
    with writer.app_context():
        tick = run_expiry_tick(db.session, today=today_in_india() + timedelta(days=11))
        db.session.commit()
    assert tick.expired == 1
    ranked, left_out = ranking(buyer, requirement_id)
    assert "Deccan Zinc Coaters" not in ranked
    assert any("expired" in failure for failure in left_out["Deccan Zinc Coaters"])

    # A requirement edit: a smaller quantity brings the small plater in.
    assert "Tiny Finishers" in left_out
    changed = anchor_on_writer.patch(
        f"/api/requirements/{requirement_id}",
        json={"version": versions["requirement"], "quantity_per_month": 1_500},
    )
    assert changed.status_code == 200, changed.get_json()
    ranked, _ = ranking(buyer, requirement_id)
    assert "Tiny Finishers" in ranked

    with reader.app_context():
        assert cache_for(db.session).builds == 1  # every change came in as an update


class Clock:
    """A clock the test moves; starts now."""

    def __init__(self):
        from suppliermatch.models_base import utcnow

        self.now = utcnow()

    def __call__(self):
        return self.now


def test_a_change_committed_late_with_an_earlier_timestamp_is_still_picked_up(session, world):
    clock = Clock()
    cache = MatchingCache(clock=clock)
    assert len(cache.fresh_index(session)) == 2  # the MSMEs' own (empty) profiles
    clock.now += timedelta(minutes=3)
    cache.fresh_index(session)  # a look at a quiet moment

    # Written (and stamped) before that look, committed only now.
    late = factories.make_supplier(session, legal_name="Late Commit Platers", about="NiCuNi")
    session.execute(
        sa.update(Supplier)
        .where(Supplier.id == late.id)
        .values(updated_at=clock.now - timedelta(minutes=2))
    )
    session.commit()
    clock.now += timedelta(seconds=1)
    # A quick look reads only what was stamped just before the previous look...
    assert late.id not in cache.fresh_index(session)
    # ...an ordinary change is seen at once...
    prompt = factories.make_supplier(session, legal_name="Prompt Platers", about="NiCuNi")
    session.execute(
        sa.update(Supplier).where(Supplier.id == prompt.id).values(updated_at=clock.now)
    )
    session.commit()
    clock.now += timedelta(seconds=1)
    assert prompt.id in cache.fresh_index(session)
    # ...and the late one by the next full look, at most FULL_LOOK_INTERVAL later.
    clock.now += FULL_LOOK_INTERVAL
    assert late.id in cache.fresh_index(session)
    assert cache.builds == 1


def test_a_new_taxonomy_version_rebuilds_the_index(session, world):
    taxonomy = default_taxonomy()
    current = {"taxonomy": taxonomy}
    cache = MatchingCache(taxonomy_provider=lambda: current["taxonomy"])
    first = cache.fresh_index(session)
    assert cache.fresh_index(session) is first

    current["taxonomy"] = dataclasses.replace(taxonomy, version=taxonomy.version + 1)
    rebuilt = cache.fresh_index(session)
    assert rebuilt is not first and rebuilt.taxonomy.version == taxonomy.version + 1
    assert cache.builds == 2


def test_scorecards_are_read_again_after_their_refresh_interval(session, world):
    scene = factories.make_matching_scene(session, world)
    cache = MatchingCache(scorecard_refresh=timedelta(0))
    plater = scene["plater"].id
    index = cache.fresh_index(session)
    assert math.isnan(index.scorecard[index.row_of(plater)])

    session.add(
        Invitation(requirement_id=scene["requirement"].id, supplier_id=plater, status="declined")
    )
    session.commit()
    index = cache.fresh_index(session)
    assert 0 <= index.scorecard[index.row_of(plater)] < 0.5  # invited, never quoted


def test_a_large_first_build_runs_in_the_background_and_asks_clients_to_retry(two_apps):
    writer, reader = two_apps
    with writer.app_context():
        cluster = factories.make_cluster(db.session, slug="hosur")
        cast = {
            "cluster_1": cluster,
            "anchor_x": factories.make_user(db.session, kind="anchor", cluster=cluster),
        }
        requirement_id = factories.make_matching_scene(db.session, cast)["requirement"].id
    with reader.app_context():
        cache = cache_for(db.session)
        cache.inline_build_limit = 0  # as if the database held a million suppliers
    buyer = signed_in(reader, cast["anchor_x"])

    starting = buyer.get(f"/api/requirements/{requirement_id}/matches")
    assert starting.status_code == 503
    assert starting.headers["Retry-After"] and "starting up" in starting.get_json()["message"]
    assert cache.wait_for_build(timeout=60)
    ranked, _ = ranking(buyer, requirement_id)
    assert list(ranked) == ["Kaveri Platers Pvt Ltd", "Deccan Zinc Coaters"]
