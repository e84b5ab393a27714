"""The cluster dashboard on a small cluster: the numbers a coordinator reads, as a page, as
JSON and as CSV."""

import csv
import io
from datetime import timedelta

import pytest

from suppliermatch.dates import today_in_india
from tests import factories
from tests.certification.builders import make_record

TODAY = today_in_india()


@pytest.fixture
def cluster_scene(session, world, scene):
    """The reports scene plus what the funnel and expiry lists are about."""
    plater = scene["plater"]
    iso9001 = next(r for r in _records(session, plater) if r.code == "ISO9001")
    iso9001.verification = "verified"
    scene["expiring"] = make_record(
        session, plater, "ISO14001", expires_on=TODAY + timedelta(days=30)
    )
    make_record(session, plater, "PCB_CTO", expires_on=TODAY + timedelta(days=200))
    renewed = make_record(
        session, scene["zinc_plater"], "ISO45001", expires_on=TODAY + timedelta(days=10)
    )
    make_record(session, scene["zinc_plater"], "ISO45001", renews_id=renewed.id)
    make_record(session, scene["small_plater"], "IATF16949", state="applied")
    scene["classified"] = factories.make_supplier(
        session,
        cluster=world["cluster_1"],
        legal_name="Ganjam Tool Room",
        investment_inr=50_000_000,
        turnover_inr=400_000_000,
        district="Ganjam",
        state="Odisha",
        capabilities=[{"category": "cnc_machining"}],
    )
    session.commit()
    return scene


def _records(session, supplier):
    from sqlmodel import select

    from suppliermatch.certification.models import SupplierCertificate

    return session.exec(
        select(SupplierCertificate).where(SupplierCertificate.supplier_id == supplier.id)
    ).all()


@pytest.fixture
def coordinator(make_client, world):
    return make_client(world["coordinator_1"])


def dashboard_json(client, **query):
    args = "&".join(f"{k}={v}" for k, v in query.items())
    response = client.get("/api/reports/dashboard" + (f"?{args}" if args else ""))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def csv_rows(response) -> list[dict]:
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_open_requirement_with_fewer_than_three_qualified_suppliers_is_flagged(
    coordinator, cluster_scene
):
    board = dashboard_json(coordinator)

    (row,) = board["coverage"]
    assert row["requirement_id"] == cluster_scene["requirement"].id
    # Only Kaveri Platers offers NiCuNi plating and meets every hard constraint; the zinc
    # plater is ranked through a related process, the others fail a constraint.
    assert row["qualified"] == 1
    assert row["thin"] is True
    # The lapsed plater needs only ISO 9001 again (the certification roadmap's count).
    assert row["one_away"] == {"ISO9001": 1}

    page = coordinator.get("/dashboard").get_data(as_text=True)
    assert "Ni-Cu-Ni plating for sintered NdFeB magnets" in page
    assert "fewer than 3" in page


def test_demand_is_set_against_the_capacity_of_qualified_suppliers_only(coordinator, cluster_scene):
    (row,) = dashboard_json(coordinator)["supply"]

    assert row["category"] == "coatings" and row["process"] is None
    assert row["demand"] == 5_000
    # Kaveri Platers' 10,000 a month; the small plater's 1,000 does not qualify.
    assert row["supply"] == 10_000
    assert row["shortfall"] == 0
    assert row["qualified_suppliers"] == 1


def test_counts_by_category_class_place_and_status(coordinator, cluster_scene, world):
    board = dashboard_json(coordinator)

    categories = {c["key"]: c["count"] for c in board["by_category"]}
    assert categories["coatings"] == 4
    assert categories["cnc_machining"] == 2
    classes = {c["key"]: c["count"] for c in board["by_class"]}
    assert classes["small"] == 1  # Rs 5 cr investment, Rs 40 cr turnover
    # The scene's five platers, MSME A's own profile: no investment figures given.
    assert classes["not classified"] == 6
    places = {(p["state"], p["district"]): p["count"] for p in board["by_place"]}
    assert places[("Odisha", "Ganjam")] == 1
    statuses = {c["key"]: c["count"] for c in board["by_status"]}
    assert statuses["published"] == 1  # anchor Y's requirement is in cluster 2
    assert board["suppliers"] == 7
    assert board["scope"]["cluster_id"] == world["cluster_1"].id


def test_readiness_funnel_counts_started_certified_and_verified_suppliers(
    coordinator, cluster_scene
):
    funnels = {f["slug"]: f for f in dashboard_json(coordinator)["funnels"]}

    automotive = funnels["automotive"]
    # Coatings and CNC machining are automotive categories: all but MSME A's empty profile.
    assert automotive["in_scope"] == 6
    # ISO 9001 held by four (the lapsed plater's expired); IATF 16949 applied for by one
    # that already holds ISO 9001.
    assert automotive["planned"] == 4
    assert automotive["certified"] == 4
    assert automotive["verified"] == 1
    steps = {s["code"]: s for s in automotive["steps"]}
    assert steps["IATF16949"]["planned"] == 1 and steps["IATF16949"]["certified"] == 0


def test_certificates_expiring_within_ninety_days_are_listed_unless_already_renewed(
    coordinator, cluster_scene
):
    expiring = dashboard_json(coordinator)["expiring"]

    assert [(e["supplier_name"], e["code"], e["days_left"]) for e in expiring] == [
        ("Kaveri Platers Pvt Ltd", "ISO14001", 30)
    ]


def test_the_api_lists_as_many_expiring_certificates_as_asked_and_counts_them_all(
    session, coordinator, cluster_scene
):
    make_record(session, cluster_scene["plater"], "ISO45001", expires_on=TODAY + timedelta(days=5))
    session.commit()

    board = dashboard_json(coordinator, expiring_limit=1)
    assert [(e["code"], e["days_left"]) for e in board["expiring"]] == [("ISO45001", 5)]
    assert board["expiring_total"] == 2
    assert [e["code"] for e in dashboard_json(coordinator)["expiring"]] == ["ISO45001", "ISO14001"]

    refused = coordinator.get("/api/reports/dashboard?expiring_limit=-1")
    assert refused.status_code == 422
    assert "expiring_limit" in refused.get_json()["errors"]


def test_certificate_that_would_unlock_demand_comes_from_the_roadmap(coordinator, cluster_scene):
    (unlock,) = dashboard_json(coordinator)["unlocks"]

    assert unlock["code"] == "ISO9001"
    assert unlock["requirements"] == 1 and unlock["suppliers"] == 1
    assert unlock["unserved"] == 0


def test_admin_sees_every_cluster_and_can_filter_to_one(make_client, world, cluster_scene):
    admin = make_client(world["admin"])

    everything = dashboard_json(admin)
    assert everything["scope"]["cluster_id"] is None
    titles = {row["title"] for row in everything["coverage"]}
    assert {"Ni-Cu-Ni plating for sintered NdFeB magnets", "Graphite boats for cluster 2"} <= titles

    one = dashboard_json(admin, cluster_id=world["cluster_2"].id)
    assert [row["title"] for row in one["coverage"]] == ["Graphite boats for cluster 2"]

    page = admin.get(f"/dashboard?cluster_id={world['cluster_2'].id}").get_data(as_text=True)
    assert 'name="cluster_id"' in page
    assert "Graphite boats for cluster 2" in page
    assert "Ni-Cu-Ni plating" not in page


def test_coordinator_sees_only_their_own_cluster(make_client, world, cluster_scene):
    board = dashboard_json(make_client(world["coordinator_2"]))

    assert [row["title"] for row in board["coverage"]] == ["Graphite boats for cluster 2"]
    assert board["expiring"] == []


def test_each_chart_comes_with_a_csv_of_its_numbers(coordinator, cluster_scene):
    coverage = csv_rows(coordinator.get("/dashboard/coverage.csv"))
    assert coverage == [
        {
            "requirement_id": str(cluster_scene["requirement"].id),
            "title": "Ni-Cu-Ni plating for sintered NdFeB magnets",
            "anchor": coverage[0]["anchor"],
            "category": "Surface treatment & coatings",
            "process": "",
            "quantity_per_month": "5000.0",
            "quantity_unit": "",
            "needed_by": (TODAY + timedelta(days=60)).isoformat(),
            "qualified_suppliers": "1",
            "fewer_than_3_qualified": "yes",
            "one_certificate_away": "ISO9001: 1",
        }
    ]
    funnel = csv_rows(coordinator.get("/dashboard/funnel.csv"))
    automotive = next(r for r in funnel if r["track"].startswith("Automotive"))
    assert (automotive["in_scope"], automotive["certified"], automotive["verified"]) == (
        "6",
        "4",
        "1",
    )
    expiring = csv_rows(coordinator.get("/dashboard/expiring.csv"))
    assert [r["certificate_code"] for r in expiring] == ["ISO14001"]
    for name in ("categories", "places", "classes", "statuses", "supply", "unlocks"):
        assert csv_rows(coordinator.get(f"/dashboard/{name}.csv")), name


def test_csv_cells_that_a_spreadsheet_would_run_are_quoted(
    session, coordinator, world, cluster_scene
):
    factories.make_requirement(
        session, anchor_user=world["anchor_x"], title="=HYPERLINK(evil) graphite boats"
    )
    session.commit()

    rows = csv_rows(coordinator.get("/dashboard/coverage.csv"))

    assert "'=HYPERLINK(evil) graphite boats" in [r["title"] for r in rows]


def test_dashboard_charts_are_svg_with_their_numbers_in_words(coordinator, cluster_scene):
    page = coordinator.get("/dashboard").get_data(as_text=True)

    assert page.count('<svg class="chart"') >= 8
    assert 'aria-label="Qualified suppliers per open requirement. ' in page
    assert "Ni-Cu-Ni plating for sintered NdFeB magnets: 1 qualified" in page
    # Drawn by the server: the only script is the site-wide one that labels table cells.
    assert "<script" not in page.split("<body>", 1)[1]


def test_the_page_lists_the_soonest_expiring_certificates_and_the_csv_every_one(
    session, monkeypatch, coordinator, cluster_scene
):
    from suppliermatch.reports import views

    make_record(
        session, cluster_scene["zinc_plater"], "ISO14001", expires_on=TODAY + timedelta(days=5)
    )
    session.commit()
    monkeypatch.setattr(views, "EXPIRING_LISTED", 1)

    page = coordinator.get("/dashboard").get_data(as_text=True)
    expiring = page[page.index('id="expiring"') :]
    expiring = expiring[: expiring.index("</section>")]

    assert "Kaveri Platers Pvt Ltd" not in expiring  # its ISO 14001 expires in 30 days
    assert "The 1 that expire soonest of 2: the CSV lists every one." in expiring
    assert len(csv_rows(coordinator.get("/dashboard/expiring.csv"))) == 2
