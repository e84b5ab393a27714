"""The matching service over the database: what a ranking contains, for whom, and why."""

from datetime import timedelta

import pytest
from sqlmodel import select

from suppliermatch.access import actor_for_user
from suppliermatch.certification.models import SupplierCertificate
from suppliermatch.certification.service import countable_certificates
from suppliermatch.dates import today_in_india
from suppliermatch.errors import Conflict, Forbidden, NotFound, ValidationFailed
from suppliermatch.matching import service
from suppliermatch.matching.engine.types import ProcessMatch
from suppliermatch.matching.loader import supplier_documents
from suppliermatch.suppliers.models import Supplier
from suppliermatch.suppliers.profiles import service as suppliers
from tests import factories


@pytest.fixture
def scene(session, world):
    return factories.make_matching_scene(session, world)


def actor(session, world, who):
    return actor_for_user(session, world[who])


def ranking(session, world, scene, who="anchor_x", **options):
    return service.rank_requirement(
        session, scene["requirement"].id, actor=actor(session, world, who), **options
    )


def test_ranking_lists_only_suppliers_meeting_every_hard_constraint_exact_before_related(
    session, world, scene
):
    found = ranking(session, world, scene, include_excluded=True)

    ranked = [item.supplier_id for item in found.items]
    assert ranked[:2] == [scene["plater"].id, scene["zinc_plater"].id]
    assert found.items[0].fully_qualified and found.items[0].match == "exact"
    assert not found.items[1].fully_qualified and found.items[1].match == "related"
    assert found.items[0].score > found.items[1].score
    assert scene["lapsed_plater"].id not in ranked
    assert scene["small_plater"].id not in ranked
    assert found.process == "nicuni_plating"

    excluded = {item.supplier_id: item.failures for item in found.excluded}
    assert any("ISO 9001" in f and "expired" in f for f in excluded[scene["lapsed_plater"].id])
    assert any("capacity 1,000/month" in f for f in excluded[scene["small_plater"].id])
    assert scene["machinist"].id not in excluded


def test_each_ranked_supplier_has_a_factor_breakdown_and_plain_reasons(session, world, scene):
    top = ranking(session, world, scene).items[0]

    names = {factor.name for factor in top.factors}
    assert {"preferred_certs", "capacity", "distance", "readiness", "scorecard"} <= names
    assert any("ISO 9001" in reason for reason in top.reasons)
    assert any("Ni/Cu/Ni" in reason for reason in top.reasons)
    readiness = next(f for f in top.factors if f.name == "readiness")
    assert readiness.value != 0.5  # assessed from its certificates, not unknown


def test_coordinator_of_the_cluster_sees_the_same_ranking_others_do_not(session, world, scene):
    anchors = [i.supplier_id for i in ranking(session, world, scene).items]
    coordinators = [i.supplier_id for i in ranking(session, world, scene, "coordinator_1").items]
    assert coordinators == anchors

    with pytest.raises(NotFound):
        ranking(session, world, scene, "anchor_y")
    with pytest.raises(NotFound):
        ranking(session, world, scene, "coordinator_2")
    with pytest.raises(Forbidden):
        ranking(session, world, scene, "msme_a")


def test_merged_and_unlisted_suppliers_are_not_ranked(session, world, scene):
    plater = scene["plater"]
    twin = factories.make_supplier(
        session,
        cluster=world["cluster_1"],
        legal_name="Kaveri Platers (duplicate)",
        about="NiCuNi plating.",
        capabilities=[{"category": "coatings", "capacity_per_month": 10_000}],
        certificates=[("ISO9001", "certified", today_in_india() + timedelta(days=400))],
    )
    twin.merged_into_id = plater.id
    zinc = session.get(Supplier, scene["zinc_plater"].id)
    suppliers.update_supplier(
        session, suppliers.SYSTEM_ACTOR, zinc.id, version=zinc.version, values={"is_public": False}
    )
    session.commit()

    ranked = [i.supplier_id for i in ranking(session, world, scene).items]
    assert plater.id in ranked
    assert twin.id not in ranked
    assert zinc.id not in ranked


@pytest.mark.parametrize(
    ("state", "days_valid", "verification"),
    [
        ("certified", 400, "unverified"),
        ("certified", 400, "verified"),
        ("certified", 400, "rejected"),
        ("certified", 30, "unverified"),  # lapses before the needed-by date
        ("suspended", 400, "unverified"),
        ("expired", -5, "unverified"),
        ("audit_scheduled", 400, "unverified"),
        ("withdrawn", 400, "unverified"),
    ],
)
def test_a_certificate_counts_exactly_when_the_certification_service_counts_it(
    session, world, scene, state, days_valid, verification
):
    plater = scene["plater"]
    record = session.exec(
        select(SupplierCertificate).where(SupplierCertificate.supplier_id == plater.id)
    ).one()
    record.state = state
    record.verification = verification
    record.expires_on = today_in_india() + timedelta(days=days_valid)
    session.commit()
    needed_by = scene["requirement"].needed_by

    counted = bool(countable_certificates(session, plater.id, on=needed_by))
    ranked = plater.id in [i.supplier_id for i in ranking(session, world, scene).items]
    assert ranked == counted


def test_documents_read_profile_text_declared_processes_capacity_tolerance_and_equipment(
    session, world
):
    supplier = factories.make_supplier(
        session,
        cluster=world["cluster_1"],
        legal_name="Sri Wire Cut Works",
        about="Tool room near Hosur.",
        capabilities=[
            {
                "category": "cnc_machining",
                "process": "wire_edm",
                "description": "Spark erosion job work",
                "capacity_per_month": 2_000,
                "best_tolerance_mm": 0.01,
            },
            {
                "category": "cnc_machining",
                "description": "Surface grinding",
                "capacity_per_month": 5_000,
                "best_tolerance_mm": 0.005,
            },
        ],
        equipment=[{"machine": "CNC lathe", "count": 3}],
    )
    (document,) = supplier_documents(session, today=today_in_india(), supplier_ids=[supplier.id])

    assert document.capabilities.startswith("Tool room near Hosur. Spark erosion job work.")
    assert "Equipment: 3 CNC lathe" in document.capabilities
    assert document.process_slugs == ("wire_edm",)
    assert document.categories == ("cnc_machining",)
    assert document.capacity_per_month == 5_000
    assert document.best_tolerance_mm == 0.005


def test_why_not_names_missing_certificates_and_whether_the_supplier_is_a_candidate(
    session, world, scene
):
    requirement = scene["requirement"]
    ids = [scene[name].id for name in ("plater", "lapsed_plater", "zinc_plater", "machinist")]
    verdicts = service.why_not(session, requirement, ids)

    assert verdicts[scene["plater"].id].eligible
    lapsed = verdicts[scene["lapsed_plater"].id]
    assert lapsed.offers == ProcessMatch.EXACT
    assert lapsed.missing_certificates == ("ISO9001",)
    assert lapsed.renewable_certificates == ("ISO9001",)
    assert verdicts[scene["zinc_plater"].id].offers == ProcessMatch.RELATED
    assert verdicts[scene["machinist"].id].offers is None


def test_roadmap_gaps_have_the_certification_roadmaps_shape(session, world, scene):
    requirement = scene["requirement"]
    everyone = [scene[name] for name in ("plater", "lapsed_plater", "small_plater", "machinist")]
    gaps = service.roadmap_gaps(session, everyone, [requirement], today_in_india())

    assert gaps[(scene["plater"].id, requirement.id)] == ()
    (renewal,) = gaps[(scene["lapsed_plater"].id, requirement.id)]
    assert (renewal.kind, renewal.code, renewal.action) == ("certificate", "ISO9001", "renew")
    (capacity,) = gaps[(scene["small_plater"].id, requirement.id)]
    assert (capacity.kind, capacity.label) == ("capacity", "capacity for 2,500 a month")
    assert (scene["machinist"].id, requirement.id) not in gaps


def test_weights_are_checked_by_name_and_range_and_saved_against_the_version(session, world, scene):
    anchor = actor(session, world, "anchor_x")
    requirement = scene["requirement"]
    with pytest.raises(ValidationFailed) as refused:
        service.set_match_weights(
            session,
            requirement.id,
            actor=anchor,
            weights={"speed": 0.3, "distance": 2},
            version=requirement.version,
        )
    assert set(refused.value.errors) == {"speed", "distance"}

    saved = service.set_match_weights(
        session, requirement.id, actor=anchor, weights={"distance": 0}, version=requirement.version
    )
    session.commit()
    assert saved.effective["distance"] == 0
    assert saved.overrides == {"distance": 0}
    assert not saved.more_met_always_wins
    assert ranking(session, world, scene).weights["distance"] == 0

    with pytest.raises(Conflict):
        service.set_match_weights(
            session, requirement.id, actor=anchor, weights={}, version=saved.version - 1
        )
    with pytest.raises(Forbidden):
        service.set_match_weights(
            session,
            requirement.id,
            actor=actor(session, world, "coordinator_1"),
            weights={},
            version=saved.version,
        )


def test_remembered_readiness_levels_equal_a_fresh_assessment():
    """The loader reads readiness from each record's code, state, rejection and validity on
    the day (readiness.level_from_facts, remembered); records alike in those but not in
    dates or ids get the same level, and it is the level assess gives."""
    import random
    from types import SimpleNamespace

    from suppliermatch.certification.readiness import assess
    from suppliermatch.matching import loader
    from suppliermatch.reference.certificates import default_catalogue

    rng = random.Random(5)
    today = today_in_india()
    codes = default_catalogue().codes
    states = ("planned", "in_preparation", "applied", "audit_scheduled", "certified")
    states += ("expired", "suspended", "withdrawn")
    categories = ("coatings", "testing", "cnc_machining", "recycling", "packaging")

    def records(first_id: int, shift: int) -> list:
        made = []
        for number in range(rng.randint(1, 6)):
            valid = rng.choice((-200, -1, 0, 30, 900))
            made.append(
                SimpleNamespace(
                    id=first_id + number,
                    renews_id=None,
                    code=rng.choice(codes),
                    state=rng.choice(states),
                    verification=rng.choice(("unverified", "verified", "rejected")),
                    expires_on=today + timedelta(days=valid + (shift if valid >= 0 else -shift)),
                    issued_on=None,
                    target_on=None,
                    audit_on=None,
                )
            )
        return made

    for case in range(300):
        profile = SimpleNamespace(id=case, categories=rng.sample(categories, k=rng.randint(0, 2)))
        state = rng.getstate()
        first = records(1000 * case, shift=0)
        rng.setstate(state)
        alike = records(1000 * case + 500, shift=7)  # other ids and dates, same facts
        remembered = loader.readiness_level(profile, [], first, today)
        assert loader.readiness_level(profile, [], alike, today) == remembered
        fresh = assess(case, set(profile.categories), alike, today=today).level
        assert remembered == pytest.approx(fresh)
