"""Dates and times as every page and message shows them: one style, in India time.

A day reads "14 Jun 2025"; a moment reads "14 Jun 2025, 23:10 IST". Moments are stored in
UTC; every user of the platform is in India, whose Standard Time has no daylight saving, so
a fixed +05:30 offset is exact. Stdlib only: the matching engine words its reasons with it.
"""

from datetime import UTC, date, datetime, timedelta, timezone

INDIA_TIME = timezone(timedelta(hours=5, minutes=30), "IST")
NOT_SET = "–"


def as_utc(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes for timezone-aware columns: they are UTC."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def in_india_time(moment: datetime | None) -> datetime | None:
    moment = as_utc(moment)
    return moment.astimezone(INDIA_TIME) if moment is not None else None


def today_in_india(now: datetime | None = None) -> date:
    """The platform's one "today": the date in India (certificates are issued and expire,
    and deadlines fall, on Indian calendar days), whatever the server's own zone."""
    return (as_utc(now) if now is not None else datetime.now(UTC)).astimezone(INDIA_TIME).date()


def day_text(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def month_text(day: date) -> str:
    return f"{day:%b %Y}"


def moment_text(moment: datetime) -> str:
    local = in_india_time(moment)
    return f"{day_text(local)}, {local:%H:%M} IST"


def when(value: date | datetime | None, missing: str = NOT_SET) -> str:
    """The one way a template shows a day or a moment (the ``when`` filter)."""
    if value is None or value == "":
        return missing
    if isinstance(value, datetime):
        return moment_text(value)
    return day_text(value)
