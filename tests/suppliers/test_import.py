"""Bulk onboarding: the benchmark's suppliers.csv end to end, with its report; bad rows
never half-land; importing again changes nothing; bad files are refused by name.

An upload is queued as a job (202); the suite runs jobs as they are queued, and
``_upload`` follows the job to its report as a client would (tests/jobs_follow.py)."""

import csv
import io
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from sqlalchemy import text
from sqlmodel import func, select

from suppliermatch.certification.models import SupplierCertificate
from suppliermatch.paths import MATCHING_BENCH_DIR
from suppliermatch.suppliers.imports.importer import IMPORTED_TABLES, ImportMode, import_suppliers
from suppliermatch.suppliers.imports.tabular import read_rows
from suppliermatch.suppliers.models import Capability, Supplier, SupplierImport
from tests import factories
from tests.jobs_follow import follow_job
from tests.pages import page_text
from tests.prerequisites import require_path
from tests.suppliers.conftest import ODISHA_GSTIN, ODISHA_UDYAM

BENCH_SUPPLIERS = MATCHING_BENCH_DIR / "suppliers.csv"
HEADER = (
    "supplier_ref,name,gstin,udyam,state,district,pincode,lat,lon,categories,capabilities,"
    "certifications,capacity_per_month,best_tolerance_mm,employees,email,phone"
)
GOOD_ROW = (
    f"K001,Kalinga Surface Coatings,{ODISHA_GSTIN},{ODISHA_UDYAM},Odisha,Ganjam,761008,,,"
    'coatings,"NiCuNi plating, salt spray 96 h",ISO9001|certified|2027-07-28;'
    "ZED_BRONZE|applied|,5000,,40,info@kalinga.example,+91 9437012345"
)


def _upload(client, content: bytes | str, name="suppliers.csv", **query):
    if isinstance(content, str):
        content = content.encode()
    queued = client.post(
        "/api/suppliers/import",
        query_string=query,
        data={"file": (io.BytesIO(content), name)},
    )
    return follow_job(client, queued)


def _problems(report: dict) -> dict[str, str]:
    return {f"row {p['row']}: {p['field']}": p["problem"] for p in report["problems"]}


def _count(session, model=Supplier, *where):
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def coordinator(make_client, world):
    return make_client(world["coordinator_1"])


@pytest.fixture
def bench_csv() -> bytes:
    return require_path(BENCH_SUPPLIERS, "the shared matching benchmark").read_bytes()


def test_bench_suppliers_import_end_to_end_with_its_report(session, coordinator, world, bench_csv):
    response = _upload(coordinator, bench_csv)
    assert response.status_code == 200, response.get_json()
    report = response.get_json()
    assert report["outcome"] == "imported" and report["rows_total"] == 620
    # The 20 rows of duplicates.csv repeat a GSTIN or Udyam number of another row: one
    # supplier each, and a notice naming both rows.
    assert (report["rows_created"], report["rows_rejected"]) == (600, 0)
    assert len(report["notices"]) == 20
    assert "both rows were combined" in report["notices"][0]["problem"]

    imported = (Supplier.cluster_id == world["cluster_1"].id, Supplier.external_ref.is_not(None))
    assert _count(session, Supplier, *imported) == 600
    first = session.exec(select(Supplier).where(Supplier.external_ref == "S00001")).one()
    assert first.legal_name == "Rao Metal Finishers (P) Ltd" and first.pan == "YOWFY2968C"
    assert (first.lat, first.lon) == (19.7412, 75.3399)
    assert first.categories == ["recycling", "testing"]
    processes = set(
        session.exec(select(Capability.process).where(Capability.supplier_id == first.id))
    )
    assert {"magnet_scrap_collection", "dimensional_inspection"} <= processes
    certificates = {
        c.code: (c.state, c.expires_on)
        for c in session.exec(
            select(SupplierCertificate).where(SupplierCertificate.supplier_id == first.id)
        )
    }
    assert certificates["ISO14001"] == ("applied", date(2027, 3, 12))
    assert certificates["NADCAP_HT"] == ("certified", date(2026, 3, 28))

    again = coordinator.get(f"/api/suppliers/imports/{report['id']}").get_json()
    assert again["rows_created"] == 600
    page = coordinator.get(f"/suppliers/imports/{report['id']}").get_data(as_text=True)
    assert "Every row was imported." in page and "both rows were combined" in page


def test_reimporting_the_same_file_changes_nothing(session, coordinator, bench_csv):
    _upload(coordinator, bench_csv)
    versions = dict(session.exec(select(Supplier.external_ref, Supplier.version)).all())
    counts = (_count(session), _count(session, Capability), _count(session, SupplierCertificate))
    second = _upload(coordinator, bench_csv).get_json()
    assert (second["rows_created"], second["rows_updated"]) == (0, 0)
    assert (
        _count(session),
        _count(session, Capability),
        _count(session, SupplierCertificate),
    ) == counts
    assert dict(session.exec(select(Supplier.external_ref, Supplier.version)).all()) == versions


def test_reimport_with_a_changed_row_updates_that_supplier(session, coordinator):
    _upload(coordinator, f"{HEADER}\n{GOOD_ROW}\n")
    changed = GOOD_ROW.replace(",40,", ",55,").replace("2027-07-28", "2028-07-28")
    report = _upload(coordinator, f"{HEADER}\n{changed}\n").get_json()
    assert (report["rows_created"], report["rows_updated"]) == (0, 1)
    supplier = session.exec(select(Supplier).where(Supplier.gstin == ODISHA_GSTIN)).one()
    assert (supplier.employees, supplier.version) == (55, 2)
    iso = session.exec(
        select(SupplierCertificate).where(
            SupplierCertificate.supplier_id == supplier.id, SupplierCertificate.code == "ISO9001"
        )
    ).one()
    assert iso.expires_on == date(2028, 7, 28)


def test_one_bad_row_rejects_the_whole_file_and_the_report_says_where(session, coordinator):
    bad = GOOD_ROW.replace("K001", "K002").replace(ODISHA_GSTIN, "21AABCK1234F1ZX")
    bad = bad.replace(ODISHA_UDYAM, "UDYAM-OD-07-0099999").replace(",5000,", ",-10,")
    content = f"{HEADER}\n{GOOD_ROW.replace(ODISHA_GSTIN, '')}\n{bad}\n"
    report = _upload(coordinator, content).get_json()
    assert (report["outcome"], report["rows_rejected"], report["rows_total"]) == ("rejected", 1, 2)
    assert "check character should be B" in _problems(report)["row 3: gstin"]
    assert "must be at least 0" in _problems(report)["row 3: capacity_per_month"]
    assert _count(session) == 2  # the world's two MSME profiles only
    assert _count(session, SupplierCertificate) == 0
    page = page_text(coordinator.get(f"/suppliers/imports/{report['id']}"))
    assert "Nothing was imported. 1 of 2 rows have problems" in page

    download = coordinator.get(report["report_csv_url"])
    assert download.status_code == 200 and download.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(download.get_data(as_text=True))))
    assert {(r["row"], r["column"]) for r in rows if r["kind"] == "error"} == {
        ("3", "gstin"),
        ("3", "capacity_per_month"),
    }


def test_good_rows_only_imports_the_good_rows_and_says_so(session, coordinator):
    bad = "K009,Broken Row Works,,UDYAM-ZZ-01-0000001,Odisha,Ganjam,761008"
    report = _upload(coordinator, f"{HEADER}\n{GOOD_ROW}\n{bad}\n", good_rows_only="true")
    body = report.get_json()
    assert report.status_code == 200
    assert (body["outcome"], body["rows_created"], body["rows_rejected"]) == ("partial", 1, 1)
    assert body["problems"] == [
        {
            "row": 3,
            "ref": "K009",
            "field": "udyam",
            "problem": "ZZ is not a Udyam state code (e.g. MH, KR, TN, OD)",
        }
    ]
    page = coordinator.get(f"/suppliers/imports/{body['id']}").get_data(as_text=True)
    assert "were skipped" in page


def test_headers_in_any_case_and_extra_columns_are_accepted(session, coordinator):
    content = "Supplier Ref,NAME,Udyam Number,PIN Code,Notes\nR1,Utkal Forge,,760001,call later\n"
    body = _upload(coordinator, content).get_json()
    assert body["rows_created"] == 1
    assert body["notices"] == [
        {"row": None, "ref": "", "field": "notes", "problem": "column not used by the import"}
    ]
    supplier = session.exec(select(Supplier).where(Supplier.external_ref == "R1")).one()
    assert supplier.pincode == "760001" and supplier.lat is not None


def test_an_excel_workbook_imports_like_a_csv(session, coordinator):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    sheet.append(next(csv.reader([GOOD_ROW])))
    buffer = io.BytesIO()
    book.save(buffer)
    response = _upload(coordinator, buffer.getvalue(), name="cluster.xlsx")
    assert response.status_code == 200 and response.get_json()["rows_created"] == 1


@pytest.mark.parametrize(
    "content,name,message",
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00binary", "photo.png", "upload a .csv or .xlsx file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00binary", "sneaky.csv", "not a CSV file"),
        (b"", "empty.csv", "the file is empty"),
        (b"ref,notes\nR1,x\n", "noname.csv", "no name column"),
    ],
)
def test_unreadable_files_are_refused_naming_the_file(session, coordinator, content, name, message):
    response = _upload(coordinator, content, name=name)
    assert response.status_code == 422
    assert message in response.get_json()["errors"]["file"][0]
    assert _count(session, SupplierImport) == 0 and _count(session) == 2


def test_an_oversize_upload_is_refused(app, session, coordinator):
    limit = app.config["IMPORT_MAX_BYTES"]
    app.config["IMPORT_MAX_BYTES"] = 100
    try:
        response = _upload(coordinator, f"{HEADER}\n{GOOD_ROW}\n")
    finally:
        app.config["IMPORT_MAX_BYTES"] = limit
    assert response.status_code == 422
    assert "larger than" in response.get_json()["errors"]["file"][0]
    assert _count(session) == 2


def test_a_file_damaged_far_in_is_refused_and_nothing_is_stored(session, coordinator):
    rows = "".join(
        GOOD_ROW.replace("K001", f"K{n:04d}").replace(ODISHA_GSTIN, "").replace(ODISHA_UDYAM, "")
        + "\n"
        for n in range(1, 200)
    )
    content = f"{HEADER}\n{rows}".encode() + "Caf\xe9 Coatings,,\n".encode("cp1252")
    job = _upload(coordinator, content, good_rows_only="true").get_json()
    # The file opened, so the import was queued; the job meets the damage and fails.
    assert job["state"] == "failed"
    assert job["error"].startswith("file: The file cannot be imported")
    assert "not UTF-8 text" in job["error"]
    assert _count(session) == 2 and _count(session, SupplierImport) == 0
    page = page_text(coordinator.get(job["page_url"]))
    assert "The job failed." in page and "not UTF-8 text" in page


def test_progress_counts_every_row_checked_and_written(session, world):
    bad = "K009,Broken Row Works,,UDYAM-ZZ-01-0000001,Odisha,Ganjam,761008"
    content = f"{HEADER}\n{GOOD_ROW}\n{bad}\n{GOOD_ROW.replace('K001', 'K002')}\n".encode()
    table = read_rows(io.BytesIO(content), "s.csv", max_bytes=1 << 20, max_rows=10)
    ticks: list[int] = []
    record = import_suppliers(
        session,
        table,
        filename="s.csv",
        cluster_id=world["cluster_1"].id,
        mode=ImportMode.GOOD_ROWS_ONLY,
        progress=ticks.append,
    )
    assert (record.rows_total, record.rows_created, record.rows_rejected) == (3, 1, 1)
    assert sum(ticks) == 2 * table.count_rows() == 6


def test_a_row_without_any_identifier_is_refused(coordinator):
    report = _upload(coordinator, "name,district\nNameless Works,Ganjam\n").get_json()
    assert report["outcome"] == "rejected"
    assert "importing the file again" in _problems(report)["row 2: supplier_ref"]


def test_a_coordinator_cannot_update_another_clusters_supplier_by_import(
    session, make_client, world
):
    theirs = factories.make_supplier(session, cluster=world["cluster_2"], gstin=ODISHA_GSTIN)
    session.commit()
    report = _upload(make_client(world["coordinator_1"]), f"{HEADER}\n{GOOD_ROW}\n").get_json()
    assert report["outcome"] == "rejected"
    assert "outside this cluster" in _problems(report)["row 2: gstin"]
    session.expire_all()
    assert session.get(Supplier, theirs.id).legal_name != "Kalinga Surface Coatings"


def test_rows_matching_a_merged_supplier_update_the_one_it_was_merged_into(
    session, coordinator, world
):
    _upload(coordinator, f"{HEADER}\nK001,Old Name Works,,,Odisha,Ganjam,761008\n")
    retired = session.exec(select(Supplier).where(Supplier.external_ref == "K001")).one()
    kept = factories.make_supplier(session, cluster=world["cluster_1"])
    retired.merged_into_id = kept.id
    session.commit()
    report = _upload(
        coordinator, f"{HEADER}\nK001,Old Name Works,,,Odisha,Ganjam,761008,,,,,,,,77\n"
    )
    assert report.get_json()["rows_updated"] == 1
    session.expire_all()
    assert session.get(Supplier, kept.id).employees == 77


def test_the_import_page_uploads_and_shows_the_report(session, make_client, world):
    client = make_client(world["coordinator_1"])
    response = client.post(
        "/suppliers/import",
        data={"file": (io.BytesIO(f"{HEADER}\n{GOOD_ROW}\n".encode()), "s.csv")},
    )
    assert response.status_code == 302 and response.headers["Location"].startswith("/jobs/")
    # The job is done (the suite runs jobs at once): its page sends on to the report.
    page = page_text(client.get(response.headers["Location"], follow_redirects=True))
    assert "Every row was imported." in page and "Download this report (CSV)" in page
    assert "Supplier import done: 1 rows: 1 new suppliers, 0 updated, 0 with problems." in page
    refused = client.post("/suppliers/import", data={"file": (io.BytesIO(b"%PDF-1.4"), "s.pdf")})
    assert refused.status_code == 422
    assert "upload a .csv or .xlsx file" in refused.get_data(as_text=True)


def test_cli_imports_the_bench_file_with_a_summary(app, session, world, bench_csv, tmp_path):
    path = tmp_path / "suppliers.csv"
    path.write_bytes(bench_csv)
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["suppliers", "import", str(path), "--cluster", world["cluster_1"].slug]
    )
    assert result.exit_code == 0, result.output
    assert "imported: 620 rows, 600 new suppliers, 0 updated, 0 rows with problems" in result.output
    imported = (Supplier.cluster_id == world["cluster_1"].id, Supplier.external_ref.is_not(None))
    assert _count(session, Supplier, *imported) == 600


def _planner_row_counts(session, tables) -> dict[str, int]:
    """The number of rows the planner's statistics give each table: PostgreSQL's
    ``pg_class.reltuples`` (-1 or stale until ANALYZE), SQLite's ``sqlite_stat1`` (no row
    until ANALYZE; the first number of a table's entries is its row count)."""
    found = {}
    for table in tables:
        if session.get_bind().dialect.name == "postgresql":
            value = session.execute(
                text("SELECT reltuples FROM pg_class WHERE relname = :t"), {"t": table}
            ).scalar()
        else:
            stat = session.execute(
                text("SELECT stat FROM sqlite_stat1 WHERE tbl = :t LIMIT 1"), {"t": table}
            ).scalar()
            value = stat.split()[0] if stat else -1
        found[table] = int(float(value))
    return found


def test_cli_import_leaves_the_planner_statistics_of_the_loaded_tables_current(
    app, session, world, bench_csv, tmp_path
):
    path = tmp_path / "suppliers.csv"
    path.write_bytes(bench_csv)
    result = app.test_cli_runner().invoke(
        args=["suppliers", "import", str(path), "--cluster", world["cluster_1"].slug]
    )
    assert result.exit_code == 0, result.output
    tables = [model.__tablename__ for model in IMPORTED_TABLES]
    # What is in the tables now, as ANALYZE counts it (every row: the tables are small).
    rows = {
        table: session.execute(text(f"SELECT count(*) FROM {table}")).scalar() for table in tables
    }
    assert rows["supplier"] >= 600 and rows["suppliercertificate"] > 0
    assert _planner_row_counts(session, tables) == rows


def test_cli_reports_a_rejected_file_and_fails(app, session, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(f"{HEADER}\nK1,Bad Works,21AABCK1234F1ZX\n")
    result = app.test_cli_runner().invoke(args=["suppliers", "import", str(path)])
    assert result.exit_code == 1
    assert "rejected: 1 rows" in result.output
    assert "row 2 gstin: GSTIN check character should be B, got X" in result.output


cells = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    header=st.lists(st.sampled_from(HEADER.split(",") + ["junk"]), min_size=1, max_size=8),
    rows=st.lists(st.lists(cells, max_size=8), max_size=4),
    good_rows_only=st.booleans(),
)
def test_arbitrary_spreadsheets_get_an_answer_with_reasons_never_a_crash(
    coordinator, header, rows, good_rows_only
):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    response = _upload(coordinator, out.getvalue(), good_rows_only=str(good_rows_only).lower())
    assert response.status_code in (200, 422), response.get_data(as_text=True)
    body = response.get_json()
    if response.status_code == 422:
        assert body["errors"] and all(body["errors"].values())
    elif "state" in body:  # a job that failed on the way says why
        assert body["state"] == "failed" and body["error"]
    elif body["outcome"] == "rejected":
        assert body["problems"] and all(p["problem"] for p in body["problems"])


def test_capacity_is_kept_on_the_supplier_when_no_capability_row_carries_it(session, coordinator):
    row = (
        f"K002,Kalinga Packers,{ODISHA_GSTIN},{ODISHA_UDYAM},Odisha,Ganjam,761008,,,,"
        '"Cheese curls and puffs, Potato chips, Tortilla chips",,1000,,12,,'
    )
    report = _upload(coordinator, f"{HEADER}\n{row}\n").get_json()
    assert report["rows_created"] == 1, report
    supplier = session.exec(select(Supplier).where(Supplier.gstin == ODISHA_GSTIN)).one()
    assert _count(session, Capability, Capability.supplier_id == supplier.id) == 0
    assert supplier.capacity_per_month == 1000

    again = _upload(coordinator, f"{HEADER}\n{row.replace(',1000,', ',1500,')}\n").get_json()
    assert again["rows_updated"] == 1, again
    session.expire_all()
    assert session.get(Supplier, supplier.id).capacity_per_month == 1500


# -- contacts as spreadsheets write them ------------------------------------------------------


def test_phones_are_kept_in_e164_with_the_districts_std_code_for_local_numbers(
    session, coordinator
):
    rows = [
        "P1,Ganjam Local Works,,,Odisha,Ganjam,761008,,,,,,,,,,2345678",
        "P2,Two Numbers Works,,,Odisha,Khordha,751001,,,,,,,,,,+91-94370 12345 / 0674-2345678",
        "P3,Trunk Zero Works,,,Odisha,Khordha,751001,,,,,,,,,,094370 54321",
        "P4,Extension Works,,,Karnataka,Bengaluru Urban,560001,,,,,,,,,,080 2345 6789 ext 12",
    ]
    body = _upload(coordinator, HEADER + "\n" + "\n".join(rows) + "\n").get_json()
    assert (body["outcome"], body["rows_created"], body["notices"]) == ("imported", 4, [])
    session.expire_all()
    phones = dict(session.exec(select(Supplier.external_ref, Supplier.phone)).all())
    assert phones["P1"] == "+916802345678"
    assert phones["P2"] == "+919437012345, +916742345678"
    assert phones["P3"] == "+919437054321"
    assert phones["P4"] == "+918023456789;ext=12"


def test_an_unreadable_phone_or_email_keeps_the_row_and_the_report_names_it(session, coordinator):
    unreadable = GOOD_ROW.replace("+91 9437012345", "12345").replace(
        "info@kalinga.example", "sales at kalinga"
    )
    body = _upload(coordinator, f"{HEADER}\n{unreadable}\n").get_json()
    assert (body["outcome"], body["rows_created"], body["rows_rejected"]) == ("imported", 1, 0)
    warnings = {(n["row"], n["field"]): n["problem"] for n in body["notices"]}
    assert warnings[(2, "phone")].startswith("'12345' is not an Indian phone number")
    assert warnings[(2, "phone")].endswith("imported without a phone")
    assert warnings[(2, "email")] == (
        "'sales at kalinga': is not an e-mail address; imported without an email"
    )
    session.expire_all()
    supplier = session.exec(select(Supplier).where(Supplier.external_ref == "K001")).one()
    assert (supplier.phone, supplier.email) == (None, None)
    page = coordinator.get(f"/suppliers/imports/{body['id']}").get_data(as_text=True)
    assert "12345" in page and "imported without a phone" in page


def test_an_unreadable_pin_code_keeps_the_row_without_it(session, coordinator):
    unreadable = GOOD_ROW.replace(",761008,", ",60608,")
    assert unreadable != GOOD_ROW
    body = _upload(coordinator, f"{HEADER}\n{unreadable}\n").get_json()
    assert (body["outcome"], body["rows_created"], body["rows_rejected"]) == ("imported", 1, 0)
    warnings = {(n["row"], n["field"]): n["problem"] for n in body["notices"]}
    assert warnings[(2, "pincode")] == (
        "'60608': PIN code must be 6 digits, got 5 digits; imported without a pincode"
    )
    session.expire_all()
    supplier = session.exec(select(Supplier).where(Supplier.external_ref == "K001")).one()
    assert supplier.pincode is None


def test_an_unreadable_gstin_still_refuses_the_row(session, coordinator):
    bad = GOOD_ROW.replace(ODISHA_GSTIN, "21AABCK1234F1ZX").replace("+91 9437012345", "12345")
    body = _upload(coordinator, f"{HEADER}\n{bad}\n", good_rows_only="true").get_json()
    assert (body["outcome"], body["rows_created"], body["rows_rejected"]) == ("partial", 0, 1)
    assert [p["field"] for p in body["problems"]] == ["gstin"]


def test_the_import_page_offers_a_template_that_imports_as_it_is(session, make_client, world):
    page = make_client(world["coordinator_1"])
    shown = page_text(page.get("/suppliers/import"))
    assert "Download the template (.csv)" in shown
    # The codes a file may use, listed on the page.
    assert "coatings Surface treatment & coatings" in shown
    assert "ZED_GOLD ZED Gold" in shown and "audit_scheduled" in shown

    template = page.get("/suppliers/import/template.csv")
    assert template.status_code == 200
    assert "supplier-import-template.csv" in template.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(template.get_data(as_text=True))))
    assert rows[0]["name"] == "Example Precision Works Pvt Ltd"

    imported = _upload(page, template.get_data())
    assert imported.status_code == 200, imported.get_json()
    assert imported.get_json()["problems"] == []
    supplier = session.exec(select(Supplier).where(Supplier.external_ref == "EXAMPLE-1")).one()
    assert supplier.district == "Pune"
