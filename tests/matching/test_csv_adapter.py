"""Reading the benchmark CSV format (also used for coordinator spreadsheets)."""

import csv
from datetime import date

import pytest

from suppliermatch.matching.csv_adapter import (
    CsvFormatError,
    read_folder,
    read_qrels,
    read_requirements,
    read_suppliers,
)

SUPPLIER_COLUMNS = [
    "supplier_ref",
    "name",
    "gstin",
    "udyam",
    "state",
    "district",
    "pincode",
    "lat",
    "lon",
    "categories",
    "capabilities",
    "certifications",
    "capacity_per_month",
    "best_tolerance_mm",
    "employees",
    "email",
    "phone",
]
REQUIREMENT_COLUMNS = [
    "requirement_ref",
    "anchor",
    "title",
    "description",
    "category",
    "required_certs",
    "preferred_certs",
    "quantity_per_month",
    "tolerance_mm",
    "plant_pincode",
    "plant_lat",
    "plant_lon",
    "max_distance_km",
    "needed_by",
]
SUPPLIERS = [
    {
        "supplier_ref": "S1",
        "name": "Rao Metal Finishers",
        "lat": "18.43",
        "lon": "73.79",
        "categories": "coatings;testing",
        "capabilities": "Ni-Cu-Ni plating, salt spray testing",
        "certifications": "ISO9001|certified|2027-07-28;ZED_SILVER|expired|2025-09-01",
        "capacity_per_month": "15000",
    },
    {
        "supplier_ref": "S2",
        "name": "Nova Tools",
        "lat": "22.29",
        "lon": "70.80",
        "capabilities": "wire EDM. Achievable tol \u00b10.005 mm",
        "capacity_per_month": "500",
    },
]
REQUIREMENT = {
    "requirement_ref": "R1",
    "title": "Ni-Cu-Ni plating vendor needed",
    "description": "We need a supplier. Quantity about 10,000 per month.",
    "category": "coatings",
    "required_certs": "ISO9001;ZED_SILVER",
    "preferred_certs": "ISO14001",
    "quantity_per_month": "10000",
    "plant_lat": "18.52",
    "plant_lon": "73.86",
    "needed_by": "2027-06-01",
}


def write_csv(path, columns, rows):
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture
def folder(tmp_path):
    write_csv(tmp_path / "suppliers.csv", SUPPLIER_COLUMNS, SUPPLIERS)
    write_csv(tmp_path / "requirements.csv", REQUIREMENT_COLUMNS, [REQUIREMENT])
    return tmp_path


def test_suppliers_are_read_with_lists_certificates_and_numbers(folder):
    first, second = read_suppliers(folder / "suppliers.csv")
    assert first.ref == first.id == "S1"
    assert first.categories == ("coatings", "testing")
    assert [(c.code, c.status, c.valid_until) for c in first.certificates] == [
        ("ISO9001", "certified", date(2027, 7, 28)),
        ("ZED_SILVER", "expired", date(2025, 9, 1)),
    ]
    assert first.capacity_per_month == 15000 and first.best_tolerance_mm is None
    assert (first.lat, first.lon) == (18.43, 73.79)
    assert second.categories == () and second.certificates == ()


def test_tolerance_missing_from_its_column_is_read_from_the_text(folder):
    assert read_suppliers(folder / "suppliers.csv")[1].best_tolerance_mm == pytest.approx(0.005)


def test_requirements_are_read_with_certificates_dates_and_empty_limits(folder):
    (query,) = read_requirements(folder / "requirements.csv")
    assert query.required_certs == ("ISO9001", "ZED_SILVER")
    assert query.preferred_certs == ("ISO14001",)
    assert query.quantity_per_month == 10000 and query.tolerance_mm is None
    assert query.max_distance_km is None and query.needed_by == date(2027, 6, 1)
    assert query.category == "coatings"


def test_folder_without_grades_reads_as_none(folder):
    suppliers, requirements, grades = read_folder(folder)
    assert len(suppliers) == 2 and len(requirements) == 1 and grades is None


def test_grades_are_read_per_requirement(tmp_path):
    path = tmp_path / "qrels.csv"
    path.write_text("requirement_ref,supplier_ref,grade\nR1,S1,3\nR1,S2,1\n", encoding="utf-8")
    assert read_qrels(path) == {"R1": {"S1": 3, "S2": 1}}


def test_malformed_certificate_is_reported_with_its_line(tmp_path):
    path = tmp_path / "suppliers.csv"
    write_csv(path, SUPPLIER_COLUMNS, [{**SUPPLIERS[0], "certifications": "ISO9001-certified"}])
    with pytest.raises(CsvFormatError, match="line 2: certificate 'ISO9001-certified'"):
        read_suppliers(path)


def test_bad_date_is_reported_with_its_line(tmp_path):
    path = tmp_path / "requirements.csv"
    write_csv(path, REQUIREMENT_COLUMNS, [{**REQUIREMENT, "needed_by": "01/06/2027"}])
    with pytest.raises(CsvFormatError, match="line 2: expected a YYYY-MM-DD date"):
        read_requirements(path)
