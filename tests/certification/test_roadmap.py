"""The demand-linked roadmap on a small cluster: which certificate would make a supplier
fully qualified (the matching engine's verdict) for which open requirements, and which one
unlocks the most across the cluster."""

from datetime import timedelta

import pytest

from suppliermatch.certification.roadmap import (
    Gap,
    cluster_roadmap,
    indian_number,
    roadmap_for_supplier,
)
from tests.certification.builders import (
    TODAY,
    make_lab,
    make_record,
    make_requirement,
    supplier_of,
)
from tests.pages import page_text


@pytest.fixture
def market(session, cast):
    """Cluster 1: lab A (ISO 9001 only) and lab C (ISO 9001 + NABL), platers elsewhere.

    Open requirements of anchor X: two need NABL (20,000 and 18,000 pcs a month), one needs
    only ISO 9001, one is for coatings, one needs NABL and ISO 14001; plus a draft, an
    invite-only one and one in cluster 2 that must not count.
    """
    lab_a = make_lab(session, cast["supplier_a"])
    make_record(session, lab_a, code="ISO9001")
    lab_c = make_lab(session, supplier_of(session, _msme(session, cast)))
    make_record(session, lab_c, code="ISO9001")
    make_record(session, lab_c, code="NABL17025")
    anchor = cast["anchor_x"]
    requirements = {
        "flux": make_requirement(
            session,
            anchor,
            title="Helmholtz coil flux checks",
            required_certs=["NABL17025"],
            quantity_per_month=20000,
            quantity_unit="pcs",
        ),
        "bh": make_requirement(
            session,
            anchor,
            title="B-H loop testing",
            required_certs=["NABL17025", "ISO9001"],
            quantity_per_month=18000,
            quantity_unit="pcs",
        ),
        "cmm": make_requirement(
            session,
            anchor,
            title="CMM inspection",
            required_certs=["ISO9001"],
            quantity_per_month=5000,
            quantity_unit="pcs",
        ),
        "plating": make_requirement(
            session,
            anchor,
            title="NiCuNi plating",
            category="coatings",
            required_certs=["PCB_CTO"],
            quantity_per_month=40000,
            quantity_unit="pcs",
        ),
        "salt": make_requirement(
            session,
            anchor,
            title="Salt spray testing",
            required_certs=["NABL17025", "ISO14001"],
            quantity_per_month=300,
            quantity_unit="kg",
        ),
    }
    make_requirement(session, anchor, title="Draft RFQ", status="draft", required_certs=["AS9100"])
    make_requirement(
        session,
        anchor,
        title="Private RFQ",
        description="Hysteresisgraph testing of magnet blocks.",
        visibility="invite_only",
        required_certs=["AS9100"],
    )
    make_requirement(
        session, cast["anchor_y"], title="Other cluster RFQ", required_certs=["AS9100"]
    )
    session.commit()
    return {"lab_a": lab_a, "lab_c": lab_c, **requirements}


def _msme(session, cast):
    from tests import factories

    return factories.make_user(session, kind="msme", cluster=cast["cluster_1"])


def test_a_supplier_sees_which_certificate_opens_which_requirements(session, market):
    roadmap = roadmap_for_supplier(session, market["lab_a"].id, today=TODAY)
    assert roadmap.open_requirements == 5
    assert roadmap.out_of_scope == 1  # the lab offers no plating, nor anything related
    assert [r.id for r in roadmap.eligible_now] == [market["cmm"].id]

    first = roadmap.items[0]
    assert [g.code for g in first.gaps] == ["NABL17025"]
    assert {r.id for r in first.requirements} == {market["flux"].id, market["bh"].id}
    assert first.volume == {"pcs": 38000}
    assert first.headline == (
        "NABL ISO/IEC 17025 would qualify you for 2 open requirements, about 38,000 pcs a month."
    )
    second = roadmap.items[1]
    assert {g.code for g in second.gaps} == {"NABL17025", "ISO14001"}
    assert second.label == "ISO 14001 + NABL ISO/IEC 17025"


def test_a_certificate_that_lapses_before_the_needed_by_date_is_a_renewal(session, cast):
    lab = make_lab(session, cast["supplier_a"])
    make_record(session, lab, code="NABL17025", expires_on=TODAY + timedelta(days=30))
    make_requirement(
        session,
        cast["anchor_x"],
        required_certs=["NABL17025"],
        needed_by=TODAY + timedelta(days=90),
    )
    session.commit()
    item = roadmap_for_supplier(session, lab.id, today=TODAY).items[0]
    assert item.gaps == (Gap("certificate", "NABL17025", "renew"),)
    assert item.headline.startswith("Renewing NABL ISO/IEC 17025 would qualify you")


def test_work_under_way_on_the_missing_certificate_is_shown(session, market):
    record = make_record(
        session,
        market["lab_a"],
        code="NABL17025",
        state="audit_scheduled",
        audit_on=TODAY + timedelta(days=12),
    )
    session.commit()
    item = roadmap_for_supplier(session, market["lab_a"].id, today=TODAY).items[0]
    assert [(p.certificate_id, p.due) for p in item.in_progress] == [
        (record.id, TODAY + timedelta(days=12))
    ]


def test_the_cluster_view_ranks_certificates_by_the_demand_they_unlock(session, market):
    roadmap = cluster_roadmap(session, market["lab_a"].cluster_id, today=TODAY)
    assert roadmap.suppliers == 2
    # The coordinator sees invite-only demand too; drafts and other clusters never count.
    titles = {c.requirement.title for c in roadmap.requirements}
    assert titles == {
        "Helmholtz coil flux checks",
        "B-H loop testing",
        "CMM inspection",
        "NiCuNi plating",
        "Salt spray testing",
        "Private RFQ",
    }

    coverage = {c.requirement.id: c for c in roadmap.requirements}
    assert coverage[market["flux"].id].eligible_suppliers == 1  # lab C
    assert coverage[market["flux"].id].one_away == {"NABL17025": 1}  # lab A
    assert coverage[market["plating"].id].eligible_suppliers == 0
    assert coverage[market["salt"].id].one_away == {"ISO14001": 1}  # lab C lacks only it

    by_code = {d.code: d for d in roadmap.items}
    assert set(by_code) == {"NABL17025", "ISO14001", "AS9100"}
    assert by_code["NABL17025"].suppliers == {market["lab_a"].id}
    assert set(by_code["NABL17025"].requirements) == {market["flux"].id, market["bh"].id}
    assert by_code["NABL17025"].unserved == set()
    assert by_code["ISO14001"].unserved == {market["salt"].id}
    # Opening unserved demand ranks first, the larger monthly volume before the unstated one.
    assert [d.code for d in roadmap.items] == ["ISO14001", "AS9100", "NABL17025"]
    assert market["plating"].id in {c.requirement.id for c in roadmap.unserved}


def test_what_else_stands_in_the_way_is_named_and_is_not_one_certificate(session, cast):
    """A related process, a capacity shortfall and a missing directory listing are gaps of
    their own: such a supplier is never counted one certificate away."""
    anchor = cast["anchor_x"]
    bh = make_requirement(session, anchor, title="B-H loop testing", required_certs=["NABL17025"])
    big = make_requirement(
        session, anchor, title="CMM inspection", quantity_per_month=10 * 1_000_000
    )
    lab = supplier_of(session, cast["msme_a"])
    lab.about = "Helmholtz coil flux checks."
    make_record(session, lab, code="ISO9001")
    session.commit()

    roadmap = roadmap_for_supplier(session, lab.id, today=TODAY)
    gaps = {item.requirements[0].id: item.label for item in roadmap.items}
    assert gaps[bh.id] == "NABL ISO/IEC 17025 + offering magnetic property testing"
    assert big.id not in gaps  # CMM is no relative of flux testing: not a candidate
    lab.about = "CMM inspection."
    lab.is_public = False
    session.commit()
    gaps = {
        i.requirements[0].id: i.label
        for i in roadmap_for_supplier(session, lab.id, today=TODAY).items
    }
    assert gaps[big.id] == "a listing in the supplier directory + capacity for 5,000,000 a month"
    coverage = cluster_roadmap(session, lab.cluster_id, today=TODAY).requirements
    assert all(c.one_away == {} for c in coverage)


def test_the_roadmap_page_draws_the_bars_and_says_the_headline(make_client, cast, market):
    page = make_client(cast["msme_a"]).get("/readiness")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "NABL ISO/IEC 17025 would qualify you for 2 open requirements" in text
    assert (
        "38,000 pcs a month" in text
        and "<svg" in text
        and "<script" not in text.split("<body>", 1)[1]
    )


def test_the_cluster_page_names_the_certificate_that_unlocks_most(
    session, make_client, cast, market
):
    page = make_client(cast["coordinator_1"]).get("/readiness/cluster")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Which certificate would unlock the most demand" in text
    assert text.index("ISO 14001") < text.index("NABL ISO/IEC 17025")
    assert "1 unserved" in text


def test_the_roadmap_api_for_supplier_and_cluster(make_client, cast, market):
    supplier = make_client(cast["msme_a"]).get(
        f"/api/readiness/suppliers/{market['lab_a'].id}/roadmap"
    )
    assert supplier.status_code == 200
    assert supplier.get_json()["items"][0]["headline"].startswith("NABL ISO/IEC 17025")
    cluster = make_client(cast["coordinator_1"]).get(
        f"/api/readiness/clusters/{cast['cluster_1'].id}/roadmap"
    )
    assert cluster.get_json()["items"][0]["code"] == "ISO14001"
    assert cluster.get_json()["items"][0]["unserved_requirement_ids"] == [market["salt"].id]


def test_budgets_never_appear_in_the_roadmap(session, make_client, cast, market):
    sentinel = 987654321
    requirement = session.get(type(market["flux"]), market["flux"].id)
    requirement.budget_max_inr = sentinel
    session.commit()
    for client, path in [
        (make_client(cast["msme_a"]), f"/api/readiness/suppliers/{market['lab_a'].id}/roadmap"),
        (make_client(cast["msme_a"]), "/readiness"),
        (make_client(cast["coordinator_1"]), "/readiness/cluster"),
    ]:
        assert str(sentinel) not in client.get(path).get_data(as_text=True)


@pytest.mark.parametrize(
    ("value", "text"),
    [(5, "5"), (38000, "38,000"), (150000, "1,50,000"), (25000000, "2,50,00,000")],
)
def test_quantities_are_grouped_the_indian_way(value, text):
    assert indian_number(value) == text


def test_the_readiness_page_says_why_it_qualifies_for_so_few_and_reads_its_bars(
    make_client, cast, market
):
    page = page_text(make_client(cast["msme_a"]).get("/readiness"))
    assert (
        "Of the 5 open requirements in your cluster you are fully qualified for 1: "
        "1 asks for processes you do not offer; 3 need a certificate you do not hold yet."
    ) in page
    # The bar of the two NABL requirements, on its scale of the 4 for processes it offers.
    assert "0 4 2 of 4: the open requirements for processes you offer" in page
