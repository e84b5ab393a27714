"""Reads the benchmark's CSV format into engine inputs.

The format (bench/matching/README.md): ``suppliers.csv`` with ``;``-separated categories and
certificates written ``CODE|status|valid_until``; ``requirements.csv`` with ``;``-separated
certificate codes; ``qrels.csv`` with graded pairs. Coordinator spreadsheets use the same
columns, so the app can import them through here too.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from suppliermatch.matching.engine.text import parse_tolerance_mm
from suppliermatch.matching.engine.types import HeldCertificate, RequirementQuery, SupplierDoc

SUPPLIERS_FILE = "suppliers.csv"
REQUIREMENTS_FILE = "requirements.csv"
QRELS_FILE = "qrels.csv"


class CsvFormatError(ValueError):
    """A row does not follow the benchmark CSV format."""


def read_suppliers(path: str | Path) -> list[SupplierDoc]:
    return [supplier_from_row(row, line) for line, row in _rows(path)]


def read_requirements(path: str | Path) -> list[RequirementQuery]:
    return [requirement_from_row(row, line) for line, row in _rows(path)]


def read_qrels(path: str | Path) -> dict[str, dict[str, int]]:
    """requirement_ref -> supplier_ref -> grade (pairs not listed have grade 0)."""
    grades: dict[str, dict[str, int]] = {}
    for line, row in _rows(path):
        try:
            grade = int(row["grade"])
        except (KeyError, ValueError):
            raise CsvFormatError(f"line {line}: grade must be an integer") from None
        grades.setdefault(row["requirement_ref"], {})[row["supplier_ref"]] = grade
    return grades


def read_folder(
    folder: str | Path,
) -> tuple[list[SupplierDoc], list[RequirementQuery], dict[str, dict[str, int]] | None]:
    """Suppliers, requirements and (if present) graded pairs from a benchmark folder."""
    folder = Path(folder)
    qrels_path = folder / QRELS_FILE
    return (
        read_suppliers(folder / SUPPLIERS_FILE),
        read_requirements(folder / REQUIREMENTS_FILE),
        read_qrels(qrels_path) if qrels_path.exists() else None,
    )


def supplier_from_row(row: dict[str, str], line: int = 0) -> SupplierDoc:
    ref = _text(row, "supplier_ref")
    if not ref:
        raise CsvFormatError(f"line {line}: supplier_ref is required")
    capabilities = _text(row, "capabilities")
    tolerance = _number(row, "best_tolerance_mm", line)
    if tolerance is None:
        # Some sheets leave the column empty but state it in the text ("tol +/-0.01 mm").
        tolerance = parse_tolerance_mm(capabilities)
    return SupplierDoc(
        id=ref,
        ref=ref,
        name=_text(row, "name"),
        categories=_list(row, "categories"),
        capabilities=capabilities,
        certificates=tuple(_certificates(_text(row, "certifications"), line)),
        capacity_per_month=_number(row, "capacity_per_month", line),
        best_tolerance_mm=tolerance,
        lat=_number(row, "lat", line),
        lon=_number(row, "lon", line),
    )


def requirement_from_row(row: dict[str, str], line: int = 0) -> RequirementQuery:
    ref = _text(row, "requirement_ref")
    if not ref:
        raise CsvFormatError(f"line {line}: requirement_ref is required")
    return RequirementQuery(
        ref=ref,
        title=_text(row, "title"),
        description=_text(row, "description"),
        category=_text(row, "category") or None,
        required_certs=_list(row, "required_certs"),
        preferred_certs=_list(row, "preferred_certs"),
        quantity_per_month=_number(row, "quantity_per_month", line),
        tolerance_mm=_number(row, "tolerance_mm", line),
        plant_lat=_number(row, "plant_lat", line),
        plant_lon=_number(row, "plant_lon", line),
        max_distance_km=_number(row, "max_distance_km", line),
        needed_by=_date(_text(row, "needed_by"), line) if _text(row, "needed_by") else None,
    )


def _rows(path: str | Path) -> Iterator[tuple[int, dict[str, str]]]:
    with Path(path).open(newline="", encoding="utf-8-sig") as handle:
        yield from enumerate(csv.DictReader(handle), start=2)


def _text(row: dict[str, str], column: str) -> str:
    return (row.get(column) or "").strip()


def _list(row: dict[str, str], column: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in _text(row, column).split(";") if part.strip())


def _number(row: dict[str, str], column: str, line: int) -> float | None:
    value = _text(row, column).replace(",", "")
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        raise CsvFormatError(f"line {line}: {column} must be a number, got {value!r}") from None


def _date(value: str, line: int) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CsvFormatError(f"line {line}: expected a YYYY-MM-DD date, got {value!r}") from None


def _certificates(value: str, line: int) -> Iterator[HeldCertificate]:
    for entry in value.split(";"):
        if not entry.strip():
            continue
        parts = [p.strip() for p in entry.split("|")]
        if len(parts) != 3 or not parts[0] or not parts[1]:
            raise CsvFormatError(f"line {line}: certificate {entry!r} is not CODE|status|date")
        code, status, valid_until = parts
        yield HeldCertificate(
            code=code,
            status=status.casefold(),
            valid_until=_date(valid_until, line) if valid_until else None,
        )
