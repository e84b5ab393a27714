"""One date and time style, India time, on every page: the ``when`` filter and its rule."""

import re
from datetime import UTC, date, datetime

from suppliermatch.formats import when
from suppliermatch.paths import TEMPLATES_DIR


def test_a_day_reads_day_month_year_and_a_moment_adds_the_india_time():
    assert when(date(2025, 6, 14)) == "14 Jun 2025"
    assert when(datetime(2026, 12, 3, 17, 40, tzinfo=UTC)) == "03 Dec 2026, 23:10 IST"
    # SQLite gives back naive datetimes: they are UTC, and still shown in India time.
    assert when(datetime(2026, 12, 31, 20, 0)) == "01 Jan 2027, 01:30 IST"
    assert when(None) == "–" and when(None, "never") == "never"


def test_no_template_formats_a_date_its_own_way():
    own_formats = re.compile(r"strftime|isoformat\(\)|\|\s*ist\b")
    offenders = [
        f"{path.relative_to(TEMPLATES_DIR)}:{number}"
        for path in TEMPLATES_DIR.rglob("*.html")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        # A date input's value must be ISO (yyyy-mm-dd): that is the browser's, not a style.
        if own_formats.search(line) and "value" not in line
    ]
    assert offenders == []
