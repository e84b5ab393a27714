"""Read an uploaded spreadsheet (CSV or Excel .xlsx) as rows of text, or say why not.

A coordinator's upload arrives as bytes with a file name; a file on the server's disk
arrives as a path. The content decides the format, not the name: an .xlsx is a zip
archive, and anything else must be UTF-8 text to be read as CSV. Headers are matched
loosely ("Supplier Name", "supplier-name" and "supplier_name" are one column) and columns
nobody asked for are kept, not refused. Row numbers are the ones the user sees in Excel:
the header is normally row 1 (blank rows above it are skipped, and blank rows below it
too, keeping the numbering).

A table is streamed, never held: ``Table.rows()`` reads the file again each time it is
called, one row at a time, so an import of a million rows checks them in one pass and
writes them in another in bounded memory. What can be seen from the start of the file
(format, size, header, a first data row) is refused when the table is opened; damage
further in (an unreadable byte, a broken quote, too many rows) is refused by the pass
that meets it, before an import writes anything.
"""

import codecs
import csv
import io
import os
import warnings
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path, PurePath
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
# How much of a CSV is looked at for binary content before any row is read.
_SNIFF_CHARACTERS = 4096
_SNIFF_BYTES = 4 * _SNIFF_CHARACTERS


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


@dataclass(frozen=True, slots=True)
class Table:
    """A spreadsheet's header, and its data rows read afresh on each ``rows()``."""

    format: Literal["csv", "xlsx"]
    headers: tuple[str, ...]  # normalised, in file order
    lines: Callable[[], Iterator[list[str]]]  # the file's rows of cells, from the top
    max_rows: int

    def rows(self) -> Iterator[TableRow]:
        """The data rows in file order, blank rows skipped; raises TableError on damage
        met on the way or on more than ``max_rows`` of them."""
        numbered = enumerate(self.lines(), start=1)
        named = _named_columns(_header(numbered))
        count = 0
        for number, cells in numbered:
            values = {
                name: cells[position] if position < len(cells) else "" for position, name in named
            }
            if not any(values.values()):
                continue
            count += 1
            if count > self.max_rows:
                raise TableError(
                    "file",
                    f"the file has more than {self.max_rows:,} rows of data: split it into parts",
                )
            yield TableRow(number=number, values=values)

    def count_rows(self) -> int:
        """How many data rows ``rows()`` yields (one pass through the file; raises what
        that pass raises)."""
        return sum(1 for _ in self.rows())


def normalise_header(text: str) -> str:
    """ "Supplier Name " -> "supplier_name"; "e-mail" -> "e_mail"."""
    words = text.strip().lower().replace("-", " ").split()
    return "_".join(words)


def read_rows(stream: BinaryIO, filename: str, *, max_bytes: int, max_rows: int) -> Table:
    """An uploaded .csv or .xlsx, held as the bytes it is (an upload is limited in size),
    its rows streamed from them. Raises what ``open_table`` raises."""
    data = stream.read(max_bytes + 1)
    return open_table(data, filename, max_bytes=max_bytes, max_rows=max_rows)


def open_table(source: Path | bytes, filename: str, *, max_bytes: int, max_rows: int) -> Table:
    """The table in ``source`` (a file's bytes, or a path read again on each pass).

    Raises ``TableError`` (field "file") when the upload is not a CSV or .xlsx by
    content, is larger than ``max_bytes``, is empty, has no header row or no data row.
    """
    suffix = PurePath(filename or "").suffix.lower()
    if suffix not in ACCEPTED_SUFFIXES:
        shown = suffix or "no extension"
        raise TableError("file", f"upload a .csv or .xlsx file (this one has {shown})")
    opener = _opener(source)
    size = len(source) if isinstance(source, bytes) else source.stat().st_size
    if size > max_bytes:
        raise TableError("file", f"the file is larger than the {_size(max_bytes)} limit")
    with opener() as binary:
        head = binary.read(_SNIFF_BYTES)
    if not head.strip() and size <= len(head):
        raise TableError("file", "the file is empty")

    if head.startswith(ZIP_MAGIC):
        table_format, lines = "xlsx", _xlsx_reader(opener, max_bytes)
    elif head.startswith(OLE_MAGIC):
        raise TableError(
            "file",
            "this is an old Excel .xls file or a password-protected workbook: "
            "save it as .xlsx (without a password) or as CSV UTF-8",
        )
    elif suffix == ".xlsx":
        raise TableError("file", "the file is named .xlsx but is not an Excel workbook")
    else:
        _sniff_csv(head, opener)
        table_format, lines = "csv", _csv_reader(opener)

    numbered = enumerate(lines(), start=1)
    names = _header(numbered)
    _refuse_repeated_columns(names)
    table = Table(
        format=table_format,
        headers=tuple(name for _, name in _named_columns(names)),
        lines=lines,
        max_rows=max_rows,
    )
    if next(table.rows(), None) is None:
        raise TableError("file", "the file has column names but no rows of data")
    return table


def _opener(source: Path | bytes) -> Callable[[], BinaryIO]:
    """Opens the source from its start; a file that changes between passes is refused
    (the rows checked would not be the rows written)."""
    if isinstance(source, bytes):
        return lambda: io.BytesIO(source)
    stamp = _stamp(source)

    def reopen() -> BinaryIO:
        if _stamp(source) != stamp:
            raise TableError("file", "the file changed while it was being imported")
        return source.open("rb")

    return reopen


def _stamp(path: Path) -> tuple[int, int]:
    status = os.stat(path)
    return status.st_size, status.st_mtime_ns


def _header(numbered: Iterator[tuple[int, list[str]]]) -> list[str]:
    """The column names: the first row with anything in it (normally row 1)."""
    for _, cells in numbered:
        names = [normalise_header(cell) for cell in cells]
        if any(names):
            return names
    raise TableError("file", "the file has no column names: it has no rows with text")


def _named_columns(names: list[str]) -> list[tuple[int, str]]:
    # Columns without a name cannot be asked for, so their cells are dropped.
    return [(position, name) for position, name in enumerate(names) if name]


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

_BINARY = "this is not a CSV file: it contains binary data"


def _sniff_csv(head: bytes, opener: Callable[[], BinaryIO]) -> None:
    """Refuse binary content and text that is not UTF-8 seen at the start of the file."""
    if b"\x00" in head:
        raise TableError("file", _BINARY)
    try:
        # A character cut at the end of the head waits for the rest (final=False).
        text = _utf8_decoder().decode(head, False)
    except UnicodeDecodeError:
        raise _not_utf8(opener) from None
    if any(_is_control(char) for char in text[:_SNIFF_CHARACTERS]):
        raise TableError("file", _BINARY)


def _utf8_decoder() -> codecs.IncrementalDecoder:
    return codecs.getincrementaldecoder("utf-8-sig")()


def _not_utf8(opener: Callable[[], BinaryIO]) -> TableError:
    """The refusal of a file that is not UTF-8, naming the first unreadable byte (found
    by a scan of its own: the text reader that met it does not say where it is)."""
    decoder = _utf8_decoder()
    offset = 0
    with opener() as binary:
        while block := binary.read(1 << 20):
            pending = len(decoder.getstate()[0])
            try:
                decoder.decode(block)
            except UnicodeDecodeError as error:
                offset += error.start - pending
                break
            offset += len(block)
    return TableError(
        "file",
        f"the file is not UTF-8 text (unreadable byte at position {offset:,}); "
        'in Excel choose "Save As" > "CSV UTF-8 (Comma delimited)"',
    )


def _csv_reader(opener: Callable[[], BinaryIO]) -> Callable[[], Iterator[list[str]]]:
    def lines() -> Iterator[list[str]]:
        with opener() as binary:
            text = io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")
            try:
                # The first line is read here too: a file cut inside its first character
                # passes the sniff (which waits for the rest) and fails only now.
                header = text.readline()
                reader = csv.reader(_without_nul(header, text), delimiter=_delimiter(header))
                for cells in reader:
                    yield [cell.strip() for cell in cells]
            except csv.Error as error:
                raise TableError(
                    "file", f"row {reader.line_num} could not be read as CSV: {error}"
                ) from None
            except UnicodeDecodeError:
                raise _not_utf8(opener) from None

    return lines


def _without_nul(header: str, text: Iterator[str]) -> Iterator[str]:
    yield header
    for line in text:
        if "\x00" in line:
            raise TableError("file", _BINARY)
        yield line


def _is_control(char: str) -> bool:
    return char < " " and char not in "\t\r\n\f"


def _delimiter(header: str) -> str:
    """Comma or semicolon (Excel in many European locales), from the header line."""
    return max(_CSV_DELIMITERS, key=header.count)


# -- Excel ----------------------------------------------------------------------------


def _xlsx_reader(
    opener: Callable[[], BinaryIO], max_bytes: int
) -> Callable[[], Iterator[list[str]]]:
    try:
        with opener() as binary, zipfile.ZipFile(binary) as archive:
            unpacked = sum(entry.file_size for entry in archive.infolist())
    except zipfile.BadZipFile:
        raise TableError("file", "the workbook is damaged and cannot be opened") from None
    if unpacked > MAX_XLSX_EXPANSION * max_bytes:
        raise TableError("file", "the workbook unpacks to too much data to read")

    def lines() -> Iterator[list[str]]:
        binary = opener()
        try:
            with warnings.catch_warnings():
                # openpyxl warns about workbook features it ignores (data validation,
                # missing default styles); the values are still read.
                warnings.simplefilter("ignore", UserWarning)
                workbook = load_workbook(binary, read_only=True, data_only=True)
        except Exception:
            binary.close()
            raise TableError(
                "file", "this is not an Excel workbook openpyxl can read; save it again as .xlsx"
            ) from None
        with binary:
            yield from _sheet_lines(workbook)

    return lines


def _sheet_lines(workbook) -> Iterator[list[str]]:
    try:
        if not workbook.worksheets:
            return
        sheet = workbook.worksheets[0]
        # read_only mode parses the sheet while it is read, so damage shows up here.
        try:
            for values in sheet.iter_rows(values_only=True):
                yield [_cell_text(value) for value in values]
        except Exception:
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
