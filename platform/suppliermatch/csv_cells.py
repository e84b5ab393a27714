"""CSV downloads that spreadsheets open safely: the one place for the formula guard.

A cell starting with one of ``FORMULA_PREFIXES`` is run as a formula by Excel, LibreOffice
and Google Sheets (OWASP, "CSV Injection"); supplier names, quote notes and import values
come from users, so every CSV the product writes goes through ``to_csv``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from flask import Response

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> object:
    """Text a spreadsheet would run as a formula, quoted with a leading apostrophe; numbers
    and dates as they are; None as an empty cell."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return "" if value is None else value


def to_csv(header: Iterable[str], rows: Iterable[Iterable]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([safe_cell(v) for v in header])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return out.getvalue()


def csv_download(text: str, filename: str) -> Response:
    return Response(
        text,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
