"""Uploaded spreadsheets become rows of text with the row numbers users see, or a clear refusal."""

import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time

import pytest
from openpyxl import Workbook

from suppliermatch.suppliers.imports.tabular import (
    TableError,
    TableRow,
    normalise_header,
    open_table,
    read_rows,
)

LIMIT = 1_000_000


@dataclass
class Read:
    format: str
    headers: tuple[str, ...]
    rows: list[TableRow]


def read(data: bytes, filename: str, *, max_bytes: int = LIMIT, max_rows: int = 1000) -> Read:
    """The table and every row of it: a refusal can come from either."""
    table = read_rows(io.BytesIO(data), filename, max_bytes=max_bytes, max_rows=max_rows)
    return Read(table.format, table.headers, list(table.rows()))


def refusal(data: bytes, filename: str, **limits) -> str:
    with pytest.raises(TableError) as caught:
        read(data, filename, **limits)
    assert caught.value.field == "file"
    return caught.value.message


def workbook_bytes(tmp_path, rows, *, extra_sheet=None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    if extra_sheet:
        other = workbook.create_sheet("Other")
        for row in extra_sheet:
            other.append(row)
    path = tmp_path / "upload.xlsx"
    workbook.save(path)
    return path.read_bytes()


# -- CSV ------------------------------------------------------------------------------------


def test_csv_rows_carry_normalised_headers_and_spreadsheet_row_numbers():
    data = (
        b"Supplier Name,GSTIN, PIN-Code \n"
        b"Kalinga Tools,21ABGCU5520C1ZV,751078\n"
        b",,\n"
        b"Rao Labs , ,431087\n"
    )
    table = read(data, "suppliers.csv")
    assert table.format == "csv"
    assert table.headers == ("supplier_name", "gstin", "pin_code")
    assert [row.number for row in table.rows] == [2, 4]
    assert table.rows[1].values == {"supplier_name": "Rao Labs", "gstin": "", "pin_code": "431087"}


def test_csv_saved_by_excel_with_a_byte_order_mark_reads_the_first_header():
    data = "\ufeffName,State\nApex,Odisha\n".encode()
    assert read(data, "list.csv").headers == ("name", "state")


def test_semicolon_separated_csv_is_recognised():
    data = b"name;district;capabilities\nApex;Pune;CNC, grinding\n"
    (row,) = read(data, "export.CSV").rows
    assert row.values == {"name": "Apex", "district": "Pune", "capabilities": "CNC, grinding"}


def test_quoted_cells_with_commas_and_line_breaks_stay_one_row():
    data = b'name,about\n"Rao, Sons","NiCuNi plating\nzinc plating"\nApex,CNC\n'
    table = read(data, "s.csv")
    assert [row.number for row in table.rows] == [2, 3]
    assert table.rows[0].get("about") == "NiCuNi plating\nzinc plating"


def test_short_rows_get_empty_cells_and_extra_columns_are_kept():
    data = b"name,gstin,remarks\nApex\n"
    (row,) = read(data, "s.csv").rows
    assert row.values == {"name": "Apex", "gstin": "", "remarks": ""}
    assert row.get("not_a_column") == ""


def test_unicode_names_survive():
    data = "name\nश्री गणेश उद्योग\n".encode()
    assert read(data, "s.csv").rows[0].get("name") == "श्री गणेश उद्योग"


# -- Excel -------------------------------------------------------------------------------------


def test_xlsx_values_come_back_as_text(tmp_path):
    data = workbook_bytes(
        tmp_path,
        [
            ["Name", "Pincode", "Tolerance mm", "Certified", "Valid until", "Audit at", "Shift"],
            [
                "Apex Tools",
                560001,
                0.01,
                True,
                date(2027, 3, 31),
                datetime(2026, 1, 5, 14, 30),
                time(6, 0),
            ],
        ],
    )
    table = read(data, "suppliers.xlsx")
    assert table.format == "xlsx"
    assert table.rows[0].values == {
        "name": "Apex Tools",
        "pincode": "560001",
        "tolerance_mm": "0.01",
        "certified": "TRUE",
        "valid_until": "2027-03-31",
        "audit_at": "2026-01-05 14:30:00",
        "shift": "06:00:00",
    }


def test_xlsx_row_numbers_match_excel_across_blank_rows(tmp_path):
    data = workbook_bytes(tmp_path, [["name"], ["Apex"], [None], [None], ["Rao Labs"]])
    assert [(r.number, r.get("name")) for r in read(data, "s.xlsx").rows] == [
        (2, "Apex"),
        (5, "Rao Labs"),
    ]


def test_header_below_blank_rows_keeps_true_row_numbers(tmp_path):
    data = workbook_bytes(tmp_path, [[None], ["name", "state"], ["Apex", "Odisha"]])
    (row,) = read(data, "s.xlsx").rows
    assert row.number == 3 and row.values == {"name": "Apex", "state": "Odisha"}


def test_only_the_first_sheet_is_read(tmp_path):
    data = workbook_bytes(
        tmp_path, [["name"], ["Apex"]], extra_sheet=[["name"], ["Hidden"], ["Rows"]]
    )
    assert [r.get("name") for r in read(data, "s.xlsx").rows] == ["Apex"]


def test_unnamed_columns_are_dropped(tmp_path):
    data = workbook_bytes(
        tmp_path,
        [["name", None, "state"], ["Apex", "stray note", "Odisha"], [None, "another note"]],
    )
    table = read(data, "s.xlsx")
    assert table.headers == ("name", "state")
    assert [row.values for row in table.rows] == [{"name": "Apex", "state": "Odisha"}]


def test_workbook_uploaded_with_a_csv_name_is_read_as_a_workbook(tmp_path):
    data = workbook_bytes(tmp_path, [["name"], ["Apex"]])
    table = read(data, "suppliers.csv")
    assert table.format == "xlsx" and table.rows[0].get("name") == "Apex"


# -- streamed from a file on disk --------------------------------------------------------------


def test_a_file_on_disk_is_read_afresh_on_each_pass(tmp_path):
    path = tmp_path / "s.csv"
    path.write_bytes(b"name\nApex\nRao Labs\n")
    table = open_table(path, path.name, max_bytes=LIMIT, max_rows=10)
    first = [row.get("name") for row in table.rows()]
    assert first == [row.get("name") for row in table.rows()] == ["Apex", "Rao Labs"]
    assert table.count_rows() == 2


def test_a_file_that_changes_between_passes_is_refused(tmp_path):
    path = tmp_path / "s.csv"
    path.write_bytes(b"name\nApex\n")
    table = open_table(path, path.name, max_bytes=LIMIT, max_rows=10)
    path.write_bytes(b"name\nApex\nSomeone Else\n")
    with pytest.raises(TableError) as caught:
        list(table.rows())
    assert caught.value.message == "the file changed while it was being imported"


def test_damage_far_into_a_csv_is_refused_by_the_pass_that_meets_it(tmp_path):
    good = b"name\n" + b"Apex Tools\n" * 5000
    path = tmp_path / "s.csv"
    path.write_bytes(good + "Caf\xe9 Coatings\n".encode("cp1252"))
    table = open_table(path, path.name, max_bytes=LIMIT, max_rows=10_000)
    with pytest.raises(TableError) as caught:
        table.count_rows()
    assert f"unreadable byte at position {len(good) + 3:,}" in caught.value.message


# -- refusals ----------------------------------------------------------------------------------


def test_other_file_types_are_refused_by_name():
    assert refusal(b"%PDF-1.7 ...", "suppliers.pdf") == (
        "upload a .csv or .xlsx file (this one has .pdf)"
    )
    assert "no extension" in refusal(b"name\nApex\n", "suppliers")


def test_binary_junk_named_csv_is_refused():
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))
    assert "not a CSV file" in refusal(png, "suppliers.csv")


def test_text_that_is_not_utf8_says_how_to_save_it():
    data = "name\nCafé Coatings\n".encode("cp1252")
    assert "CSV UTF-8" in refusal(data, "suppliers.csv")


@pytest.mark.parametrize("data", [b"\xc2", b"name\n\xe0\xa4"], ids=["first", "last"])
def test_a_file_cut_inside_a_character_is_refused_as_not_utf8(data):
    """The sniff waits for the rest of a character cut at the end of what it read; a file
    that ends there is refused when its rows are read, not answered with a 500."""
    assert "not UTF-8" in refusal(data, "suppliers.csv")


def test_csv_named_xlsx_is_refused():
    assert refusal(b"name\nApex\n", "suppliers.xlsx") == (
        "the file is named .xlsx but is not an Excel workbook"
    )


def test_old_xls_or_password_protected_workbook_is_refused():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100
    assert ".xls" in refusal(ole, "suppliers.xlsx")


def test_damaged_workbook_is_refused():
    assert "damaged" in refusal(b"PK\x03\x04" + b"\x00garbage" * 20, "suppliers.xlsx")


def test_zip_that_is_not_a_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "hello")
    assert "not an Excel workbook" in refusal(buffer.getvalue(), "suppliers.xlsx")


def test_workbook_that_unpacks_to_far_too_much_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<row/>" * 2_000_000)
    data = buffer.getvalue()
    assert "too much data" in refusal(data, "suppliers.xlsx", max_bytes=len(data) + 10)


def test_file_over_the_size_limit_is_refused():
    assert refusal(b"name\n" + b"Apex\n" * 300, "s.csv", max_bytes=1024) == (
        "the file is larger than the 1 KB limit"
    )


@pytest.mark.parametrize("data", [b"", b"  \r\n\n"])
def test_empty_file_is_refused(data):
    assert refusal(data, "s.csv") == "the file is empty"


def test_file_without_any_column_names_is_refused():
    assert "no column names" in refusal(b",,\n,,\n", "s.csv")


def test_header_without_data_rows_is_refused(tmp_path):
    assert refusal(b"name,gstin\n", "s.csv") == "the file has column names but no rows of data"
    data = workbook_bytes(tmp_path, [["name", "gstin"]])
    assert refusal(data, "s.xlsx") == "the file has column names but no rows of data"


def test_too_many_rows_is_refused():
    data = b"name\n" + b"Apex\n" * 11
    assert refusal(data, "s.csv", max_rows=10) == (
        "the file has more than 10 rows of data: split it into parts"
    )
    assert len(read(data, "s.csv", max_rows=11).rows) == 11


def test_repeated_column_is_refused_with_both_column_letters():
    assert refusal(b"Name,GSTIN,name\nA,B,C\n", "s.csv") == (
        "column name appears twice (columns A and C)"
    )


@pytest.mark.parametrize(
    ("written", "normalised"),
    [(" Supplier Name ", "supplier_name"), ("E-mail", "e_mail"), ("PIN  code", "pin_code")],
)
def test_header_normalisation(written, normalised):
    assert normalise_header(written) == normalised
