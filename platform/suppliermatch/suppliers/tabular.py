"""Read an uploaded spreadsheet (CSV or Excel .xlsx) into rows of text, or say why not.

A coordinator's upload arrives as bytes with a file name. The content decides the
format, not the name: an .xlsx is a zip archive, and anything else must be UTF-8 text
to be read as CSV. Headers are matched loosely ("Supplier Name", "supplier-name" and
"supplier_name" are one column) and columns nobody asked for are kept, not refused.
Row numbers are the ones the user sees in Excel: the header is normally row 1 (blank
rows above it are skipped, and blank rows below it too, keeping the numbering).
"""

import csv
import io
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import PurePath
from typing import BinaryIO, Literal

from openpyxl import load_workbook

ZIP_MAGIC = b"PK\x03\x04"
# Old binary Excel (.xls) and password-protected .xlsx are OLE compound files.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ACCEPTED_SUFFIXES = (".csv", ".xlsx")
# An .xlsx is compressed XML; refuse one that would unpack to more than this many
# times its upload limit (a "zip bomb"), before openpyxl parses it.
MAX_XLSX_EXPANSION = 40
_CSV_DELIMITERS = (",", ";")


class TableError(ValueError):
    """The upload cannot be read as a table; ``message`` is fit to show the user."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True, slots=True)
class TableRow:
    number: int  # as the spreadsheet shows it; the header is row 1
    values: dict[str, str]  # normalised header -> cell text ("" when empty)

    def get(self, column: str) -> str:
        return self.values.get(column, "")


@dataclass(slots=True)
class TableRows:
    format: Literal["csv", "xlsx"]
    headers: tuple[str, ...]  # normalised, in file order
    rows: list[TableRow] = field(default_factory=list)


def normalise_header(text: str) -> str:
    """ "Supplier Name " -> "supplier_name"; "e-mail" -> "e_mail"."""
    words = text.strip().lower().replace("-", " ").split()
    return "_".join(words)


def read_rows(stream: BinaryIO, filename: str, *, max_bytes: int, max_rows: int) -> TableRows:
    """The data rows of an uploaded .csv or .xlsx, blank rows skipped.

    Raises ``TableError`` (field "file") when the upload is not a CSV or .xlsx by
    content, is larger than ``max_bytes``, is empty, has no header row, or has more
    than ``max_rows`` data rows.
    """
    suffix = PurePath(filename or "").suffix.lower()
    if suffix not in ACCEPTED_SUFFIXES:
        shown = suffix or "no extension"
        raise TableError("file", f"upload a .csv or .xlsx file (this one has {shown})")
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise TableError("file", f"the file is larger than the {_size(max_bytes)} limit")
    if not data.strip():
        raise TableError("file", "the file is empty")

    if data.startswith(ZIP_MAGIC):
        table = TableRows(format="xlsx", headers=())
        lines = _xlsx_lines(data, max_bytes)
    elif data.startswith(OLE_MAGIC):
        raise TableError(
            "file",
            "this is an old Excel .xls file or a password-protected workbook: "
            "save it as .xlsx (without a password) or as CSV UTF-8",
        )
    elif suffix == ".xlsx":
        raise TableError("file", "the file is named .xlsx but is not an Excel workbook")
    else:
        table = TableRows(format="csv", headers=())
        lines = _csv_lines(data)
    _fill(table, lines, max_rows)
    return table


def _fill(table: TableRows, lines: Iterator[list[str]], max_rows: int) -> None:
    numbered = enumerate(lines, start=1)
    # The first row with anything in it holds the column names (normally row 1).
    names: list[str] = []
    for _, cells in numbered:
        names = [normalise_header(cell) for cell in cells]
        if any(names):
            break
    if not any(names):
        raise TableError("file", "the file has no column names: it has no rows with text")
    _refuse_repeated_columns(names)
    # Columns without a name cannot be asked for, so their cells are dropped.
    named = [(position, name) for position, name in enumerate(names) if name]
    table.headers = tuple(name for _, name in named)
    for number, cells in numbered:
        values = {
            name: cells[position] if position < len(cells) else "" for position, name in named
        }
        if not any(values.values()):
            continue
        if len(table.rows) == max_rows:
            raise TableError(
                "file", f"the file has more than {max_rows:,} rows of data: split it into parts"
            )
        table.rows.append(TableRow(number=number, values=values))
    if not table.rows:
        raise TableError("file", "the file has column names but no rows of data")


def _refuse_repeated_columns(names: list[str]) -> None:
    first_seen: dict[str, int] = {}
    for position, name in enumerate(names):
        if not name:
            continue
        if name in first_seen:
            raise TableError(
                "file",
                f"column {name} appears twice (columns {_column_letter(first_seen[name])} "
                f"and {_column_letter(position)})",
            )
        first_seen[name] = position


# -- CSV ------------------------------------------------------------------------------


def _csv_lines(data: bytes) -> Iterator[list[str]]:
    if b"\x00" in data:
        raise TableError("file", "this is not a CSV file: it contains binary data")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise TableError(
            "file",
            f"the file is not UTF-8 text (unreadable byte at position {error.start:,}); "
            'in Excel choose "Save As" > "CSV UTF-8 (Comma delimited)"',
        ) from None
    if any(_is_control(char) for char in text[:4096]):
        raise TableError("file", "this is not a CSV file: it contains binary data")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    return _stripped(_csv_records(reader))


def _csv_records(reader) -> Iterator[list[str]]:
    try:
        yield from reader
    except csv.Error as error:
        raise TableError(
            "file", f"row {reader.line_num} could not be read as CSV: {error}"
        ) from None


def _is_control(char: str) -> bool:
    return char < " " and char not in "\t\r\n\f"


def _delimiter(text: str) -> str:
    """Comma or semicolon (Excel in many European locales), from the header line."""
    header = text.split("\n", 1)[0]
    return max(_CSV_DELIMITERS, key=header.count)


def _stripped(lines: Iterator[list[str]]) -> Iterator[list[str]]:
    for cells in lines:
        yield [cell.strip() for cell in cells]


# -- Excel ----------------------------------------------------------------------------


def _xlsx_lines(data: bytes, max_bytes: int) -> Iterator[list[str]]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(entry.file_size for entry in archive.infolist())
    except zipfile.BadZipFile:
        raise TableError("file", "the workbook is damaged and cannot be opened") from None
    if unpacked > MAX_XLSX_EXPANSION * max_bytes:
        raise TableError("file", "the workbook unpacks to too much data to read")
    try:
        with warnings.catch_warnings():
            # openpyxl warns about workbook features it ignores (data validation,
            # missing default styles); the values are still read.
            warnings.simplefilter("ignore", UserWarning)
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any failure to parse means an unreadable upload
        raise TableError(
            "file", "this is not an Excel workbook openpyxl can read; save it again as .xlsx"
        ) from None
    return _sheet_lines(workbook)


def _sheet_lines(workbook) -> Iterator[list[str]]:
    try:
        if not workbook.worksheets:
            return
        sheet = workbook.worksheets[0]
        # read_only mode parses the sheet while it is read, so damage shows up here.
        try:
            for values in sheet.iter_rows(values_only=True):
                yield [_cell_text(value) for value in values]
        except Exception:  # noqa: BLE001 - a damaged sheet is an unreadable upload
            raise TableError(
                "file", "the first sheet of the workbook is damaged and cannot be read"
            ) from None
    finally:
        workbook.close()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        # Numbers typed into Excel come back as floats: PIN 560001 must not read 560001.0.
        return str(int(value))
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value).strip()


def _column_letter(position: int) -> str:
    letters = ""
    position += 1
    while position:
        position, remainder = divmod(position - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def _size(byte_count: int) -> str:
    if byte_count >= 1024 * 1024:
        return f"{byte_count / (1024 * 1024):.0f} MB"
    if byte_count >= 1024:
        return f"{byte_count / 1024:.0f} KB"
    return f"{byte_count} bytes"
