"""Importing requirements in the benchmark's requirements.csv layout."""

import io

import pytest
from sqlmodel import func, select

from suppliermatch.accounts.models import Organisation
from suppliermatch.errors import ValidationFailed
from suppliermatch.paths import MATCHING_BENCH_DIR
from suppliermatch.requirements.importer import (
    CSV_COLUMNS,
    import_requirements,
    read_requirements_csv,
)
from suppliermatch.requirements.models import Requirement, RequirementLineItem
from tests.prerequisites import require_path

BENCH_REQUIREMENTS = MATCHING_BENCH_DIR / "requirements.csv"
HEADER = ",".join(CSV_COLUMNS)
GOOD_ROWS = [
    "T001,Vindhya Magnets,graphite boats for sintering,We need boats,furnace_parts,"
    "ISO9001;ZED_SILVER,ISO14001,500,,761008,19.36,84.98,1000,2026-07-01",
    'T002,Narmada Rare Earth,NiCuNi plating,"Coating 15-20 µm, 72 h NSS",coatings,'
    ',ISO 14001:2015,"20,000",0.05,411001,,,,2026-12-15',
]


def _csv(*rows: str) -> str:
    return "\n".join([HEADER, *rows]) + "\n"


def _count(session, model) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def test_rows_become_drafts_with_one_line_item_each(session):
    report = import_requirements(session, read_requirements_csv(_csv(*GOOD_ROWS)))
    assert report.ok, report.errors
    assert report.created == ["T001", "T002"]
    assert report.anchors_created == ["Vindhya Magnets", "Narmada Rare Earth"]
    plating = session.exec(select(Requirement).where(Requirement.external_ref == "T002")).one()
    assert plating.status == "draft"
    assert plating.quantity_per_month == 20000 and plating.tolerance_mm == 0.05
    # A certificate written by its name is stored by its code.
    assert plating.preferred_certs == ["ISO14001"]
    # No coordinates given: the PIN code places the plant (Pune).
    assert 18 < plating.plant_lat < 19 and 73 < plating.plant_lon < 74
    line = session.exec(
        select(RequirementLineItem).where(RequirementLineItem.requirement_id == plating.id)
    ).one()
    assert (line.item, line.quantity, line.unit) == ("NiCuNi plating", 20000, "per month")


def test_importing_twice_creates_nothing_new(session):
    rows = read_requirements_csv(_csv(*GOOD_ROWS))
    import_requirements(session, rows)
    before = (_count(session, Requirement), _count(session, Organisation))
    again = import_requirements(session, rows)
    assert again.ok and again.created == [] and again.existing == ["T001", "T002"]
    assert (_count(session, Requirement), _count(session, Organisation)) == before


def test_any_bad_row_stops_the_import_with_every_problem_listed(session):
    rows = read_requirements_csv(
        _csv(
            GOOD_ROWS[0],
            "T003,Vindhya Magnets,x,,magic_category,ISO9999,,-5,,12345,,,,2026-02-30",
            "T001,,dup title here,,coatings,,,,,,,,,",
        )
    )
    report = import_requirements(session, rows)
    assert not report.ok
    problems = {(e.row, e.field) for e in report.errors}
    assert {
        (3, "title"),
        (3, "category"),
        (3, "required_certs"),
        (3, "quantity_per_month"),
    } <= problems
    assert {(3, "plant_pincode"), (3, "needed_by")} <= problems
    assert {(4, "requirement_ref"), (4, "anchor")} <= problems
    assert _count(session, Requirement) == 0


def test_wrong_header_is_refused_before_any_row(session):
    with pytest.raises(ValidationFailed) as refused:
        read_requirements_csv("requirement_ref,anchor,title,colour\nX,Y,Z,red\n")
    assert "missing column(s): description" in refused.value.message
    assert "unknown column(s): colour" in refused.value.message


def test_coordinator_imports_for_anchors_of_its_own_cluster(session, make_client, cast):
    client = make_client(cast["coordinator_1"])
    response = client.post(
        "/api/requirements/import",
        data={"file": (io.BytesIO(_csv(*GOOD_ROWS).encode()), "rfqs.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["created"] == ["T001", "T002"]
    anchors = session.exec(
        select(Organisation).where(Organisation.name.in_(["Vindhya Magnets", "Narmada Rare Earth"]))
    ).all()
    assert {a.cluster_id for a in anchors} == {cast["cluster_1"].id}
    listed = client.get("/api/requirements").get_json()
    assert {"T001", "T002"} <= {r["external_ref"] for r in listed}
    # The other cluster's coordinator sees none of it.
    other = make_client(cast["coordinator_2"]).get("/api/requirements").get_json()
    assert not {"T001", "T002"} & {r["external_ref"] for r in other}


def test_import_api_reports_row_errors_as_422(make_client, cast):
    client = make_client(cast["admin"])
    bad = _csv("T009,Vindhya Magnets,ok title,,coatings,,,abc,,,,,,")
    response = client.post(
        "/api/requirements/import",
        data={"file": (io.BytesIO(bad.encode()), "rfqs.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    body = response.get_json()
    assert body["errors"] == [
        {"row": 2, "ref": "T009", "field": "quantity_per_month", "message": "Not a valid number."}
    ]
    assert "nothing was imported" in body["message"]


def test_import_page_shows_the_report(make_client, cast):
    client = make_client(cast["coordinator_1"])
    assert client.get("/requirements/import").status_code == 200
    page = client.post(
        "/requirements/import",
        data={"file": (io.BytesIO(_csv(*GOOD_ROWS).encode()), "rfqs.csv")},
        content_type="multipart/form-data",
    )
    assert page.status_code == 200
    assert "2 new requirement(s)" in page.get_data(as_text=True)


def test_cli_imports_a_file(app, session, tmp_path):
    path = tmp_path / "rfqs.csv"
    path.write_text(_csv(*GOOD_ROWS), encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["requirements", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "Imported 2 requirement(s); 0 already there; 2 new anchor(s)." in result.output
    broken = tmp_path / "broken.csv"
    broken.write_text(_csv("T010,Vindhya Magnets,ok title,,nope,,,,,,,,,"), encoding="utf-8")
    failed = app.test_cli_runner().invoke(args=["requirements", "import", str(broken)])
    assert failed.exit_code == 1
    assert "line 2 (T010) category" in failed.output


def test_the_benchmark_requirements_import(session):
    require_path(BENCH_REQUIREMENTS, "the shared matching benchmark")
    rows = read_requirements_csv(BENCH_REQUIREMENTS.read_text(encoding="utf-8"))
    report = import_requirements(session, rows)
    assert report.ok, report.errors[:5]
    assert len(report.created) == len(rows) == 40


def test_a_row_without_a_category_is_imported_and_the_text_decides(session):
    row = "T020,Vindhya Magnets,Corrugated cartons for export,Monthly requirement.,,,,200,,,,,,"
    report = import_requirements(session, read_requirements_csv(_csv(row)))
    assert report.ok, report.errors
    requirement = session.exec(select(Requirement).where(Requirement.external_ref == "T020")).one()
    assert requirement.category is None and requirement.quantity_per_month == 200


def test_the_template_file_imports_as_it_is_and_the_page_lists_the_codes(make_client, cast):
    from tests.pages import page_text

    client = make_client(cast["coordinator_1"])
    page = page_text(client.get("/requirements/import"))
    assert "Download the template (.csv)" in page
    # The codes a cell may hold, each with its name.
    assert "coatings Surface treatment & coatings" in page
    assert "ISO9001 ISO 9001 " in page and "ZED_GOLD ZED Gold" in page
    template = client.get("/requirements/import/template.csv")
    assert template.status_code == 200
    assert "requirement-import-template.csv" in template.headers["Content-Disposition"]
    assert template.get_data(as_text=True).splitlines()[0].lstrip("\ufeff") == HEADER
    imported = client.post(
        "/requirements/import",
        data={"file": (io.BytesIO(template.get_data()), "template.csv")},
        content_type="multipart/form-data",
    )
    assert imported.status_code == 200
    assert "1 new requirement(s)" in page_text(imported)
