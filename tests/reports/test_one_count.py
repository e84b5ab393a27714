"""Issue 20, item 4: one world, and every page that counts fully qualified suppliers gives
the same numbers for it: the dashboard (page, JSON, CSV), the cluster roadmap (page,
JSON), the ranking page, the match report and the matching API.

The world is made so that each old way of counting disagreed with the engine:

- plating (ISO 9001, 5,000 a month): one plater qualifies; one in another cluster
  qualifies too; one is too small, one offers zinc plating only (a related process), one
  offers nothing the text names but sits in the category (weak), one holds a lapsed
  certificate. The old roadmap counted the small, the zinc and the category-only ones, the
  ranking page the zinc and category-only ones;
- magnet testing (NABL ISO/IEC 17025): nobody qualifies. A lab lacks the accreditation
  (one certificate away); a corrosion lab holds it but offers a related process only.
"""

import csv
import io
import re
from datetime import timedelta

import pytest

from suppliermatch.dates import today_in_india
from tests import factories
from tests.pages import page_text

TODAY = today_in_india()
VALID = TODAY + timedelta(days=900)


@pytest.fixture
def one_world(session, world):
    """``factories.make_matching_scene`` (the plater qualifies; the lapsed, small, zinc-only
    platers and the machinist do not), plus a qualified plater in cluster 2, a category-only
    job shop, two labs and the testing requirement."""
    scene = factories.make_matching_scene(session, world)

    def supplier(name, text, *, cluster=world["cluster_1"], category, certs):
        factories.make_supplier(
            session,
            cluster=cluster,
            legal_name=name,
            about=text,
            capabilities=[{"category": category, "capacity_per_month": 10_000}],
            certificates=[(code, "certified", VALID) for code in certs],
        )

    supplier(
        "Pune Platers",
        "NiCuNi electroplating.",
        cluster=world["cluster_2"],
        category="coatings",
        certs=("ISO9001",),
    )
    supplier("Hosur Job Shop", "General job work.", category="coatings", certs=("ISO9001",))
    supplier("Magnetics Lab", "Hysteresisgraph testing.", category="testing", certs=())
    supplier("Corrosion Lab", "Salt spray testing.", category="testing", certs=("NABL17025",))
    testing = factories.make_requirement(
        session,
        anchor_user=world["anchor_x"],
        title="B-H loop testing of magnet lots",
        category="testing",
        process="magnetic_property_testing",
        required_certs=["NABL17025"],
        quantity_per_month=200,
    )
    session.commit()
    return {"plating": scene["requirement"], "testing": testing}


def _row_cells(page: str, title: str) -> list[str]:
    """The cells, as text, of the table row whose first cell starts with ``title``."""
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", page, flags=re.S):
        cells = [page_text(c) for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, flags=re.S)]
        if cells and cells[0].startswith(title):
            return cells
    raise AssertionError(f"no row for {title!r}")


def _number(cell: str) -> int:
    return 0 if cell.startswith("none") else int(re.match(r"\d+", cell).group())


def _kpi(page: str, words: str) -> int:
    found = re.search(r'<div class="value">(\d+)</div>\s*' + re.escape(words), page)
    assert found, f"no key figure {words!r}"
    return int(found.group(1))


def _get(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response


def test_every_page_gives_the_same_fully_qualified_counts(make_client, world, one_world):
    coordinator = make_client(world["coordinator_1"])
    anchor = make_client(world["anchor_x"])
    cluster = world["cluster_1"].id
    expected = {"plating": 2, "testing": 0}
    seen: dict[str, dict[str, int]] = {}

    dashboard = _get(coordinator, "/dashboard").get_data(as_text=True)
    roadmap = _get(coordinator, f"/readiness/cluster?cluster_id={cluster}").get_data(as_text=True)
    board = _get(coordinator, "/api/reports/dashboard").get_json()
    coverage_csv = list(
        csv.DictReader(
            io.StringIO(_get(coordinator, "/dashboard/coverage.csv").get_data(as_text=True))
        )
    )
    cluster_api = _get(coordinator, f"/api/readiness/clusters/{cluster}/roadmap").get_json()
    for name, requirement in one_world.items():
        rid, title = requirement.id, requirement.title
        counts = seen[name] = {}
        counts["dashboard page"] = _number(_row_cells(dashboard, title)[2])
        counts["dashboard API"] = next(
            c["qualified"] for c in board["coverage"] if c["requirement_id"] == rid
        )
        counts["coverage CSV"] = int(
            next(r for r in coverage_csv if r["requirement_id"] == str(rid))["qualified_suppliers"]
        )
        counts["roadmap page"] = _number(_row_cells(roadmap, title)[2])
        counts["roadmap API"] = next(
            c["eligible_suppliers"]
            for c in cluster_api["requirements"]
            if c["requirement"]["id"] == rid
        )
        matches = _get(anchor, f"/requirements/{rid}/matches").get_data(as_text=True)
        counts["matches page"] = int(
            re.search(r"(\d+) fully qualified", page_text(matches)).group(1)
        )
        report = _get(coordinator, f"/requirements/{rid}/report").get_data(as_text=True)
        counts["match report"] = _kpi(report, "fully qualified supplier")
        report_api = _get(coordinator, f"/api/reports/requirements/{rid}").get_json()
        counts["match report API"] = report_api["qualified_total"]
        api = _get(anchor, f"/api/requirements/{rid}/matches?per_page=100").get_json()
        counts["matching API"] = api["fully_qualified_total"]
        counts["matching API items"] = sum(1 for item in api["items"] if item["fully_qualified"])
    assert seen == {name: dict.fromkeys(seen[name], n) for name, n in expected.items()}, seen

    totals = {
        "dashboard 'with none'": _kpi(dashboard, "with none"),
        "roadmap 'with no eligible supplier'": _kpi(roadmap, "with no eligible supplier"),
        "dashboard API unserved": sum(1 for c in board["coverage"] if c["qualified"] == 0),
    }
    assert set(totals.values()) == {1}, totals

    # One certificate away: the lab without the accreditation, on both pages.
    title = one_world["testing"].title
    one_away = {_row_cells(dashboard, title)[3], _row_cells(roadmap, title)[3]}
    assert one_away == {"1 with NABL ISO/IEC 17025"}
