"""How long reading a large supplier upload takes, as CSV and as an Excel workbook.

    .venv/bin/python bench/tabular_speed.py --rows 100000 --data ../shared/bench/matching

Repeats the benchmark suppliers to the requested number of rows, writes them once as
CSV and once as .xlsx laid out the way Excel saves it (text in a shared-strings
table, numbers as numbers; openpyxl's own writer inlines every string, which reads
slower than any workbook a user would upload), and times ``read_rows`` on each.
"""

import argparse
import csv
import io
import sys
import time
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from suppliermatch.suppliers.imports.tabular import read_rows

_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
_OOXML = "http://schemas.openxmlformats.org"
_SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_RELATIONSHIP = f"{_OOXML}/officeDocument/2006/relationships"
_CONTENT_TYPES = (
    f'{_XML}<Types xmlns="{_OOXML}/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{_SHEET_TYPE}.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    f'ContentType="{_SHEET_TYPE}.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    f'ContentType="{_SHEET_TYPE}.sharedStrings+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    f'{_XML}<Relationships xmlns="{_OOXML}/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_RELATIONSHIP}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK = (
    f'{_XML}<workbook xmlns="{_OOXML}/spreadsheetml/2006/main" xmlns:r="{_RELATIONSHIP}">'
    '<sheets><sheet name="Suppliers" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    f'{_XML}<Relationships xmlns="{_OOXML}/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_RELATIONSHIP}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_RELATIONSHIP}/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)


def _column(position: int) -> str:
    letters = ""
    position += 1
    while position:
        position, remainder = divmod(position - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def excel_like_xlsx(rows: list[list[str]]) -> bytes:
    strings: dict[str, int] = {}
    sheet = io.StringIO()
    width = max(len(row) for row in rows)
    sheet.write(
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="A1:{_column(width - 1)}{len(rows)}"/><sheetData>'
    )
    for number, row in enumerate(rows, start=1):
        sheet.write(f'<row r="{number}">')
        for position, value in enumerate(row):
            if not value:
                continue
            ref = f"{_column(position)}{number}"
            if value.isdigit() and len(value) < 15:
                sheet.write(f'<c r="{ref}"><v>{value}</v></c>')
            else:
                index = strings.setdefault(value, len(strings))
                sheet.write(f'<c r="{ref}" t="s"><v>{index}</v></c>')
        sheet.write("</row>")
    sheet.write("</sheetData></worksheet>")
    shared = "".join(f"<si><t>{escape(text)}</t></si>" for text in strings)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet.getvalue())
        archive.writestr(
            "xl/sharedStrings.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            f'count="{len(strings)}" uniqueCount="{len(strings)}">{shared}</sst>',
        )
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--data", type=Path, required=True, help="folder with suppliers.csv")
    args = parser.parse_args(argv)

    with (args.data / "suppliers.csv").open(newline="", encoding="utf-8") as handle:
        header, *body = list(csv.reader(handle))
    rows = [header] + [body[i % len(body)] for i in range(args.rows)]

    text = io.StringIO()
    csv.writer(text).writerows(rows)
    uploads = {
        "suppliers.csv": text.getvalue().encode("utf-8"),
        "suppliers.xlsx": excel_like_xlsx(rows),
    }
    for filename, data in uploads.items():
        started = time.perf_counter()
        table = read_rows(io.BytesIO(data), filename, max_bytes=len(data), max_rows=args.rows)
        seconds = time.perf_counter() - started
        print(
            f"{filename}: {len(data) / 1e6:.1f} MB, {len(table.rows)} rows x "
            f"{len(table.headers)} columns read in {seconds:.2f} s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
