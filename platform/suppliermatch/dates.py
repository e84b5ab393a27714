"""India time: moments are stored in UTC; every user of the platform is in India, whose
Standard Time has no daylight saving, so a fixed +05:30 offset is exact. How a day or a
moment reads on a page is ``suppliermatch.formats`` (Babel), the one place for that.
"""

from datetime import UTC, date, datetime, timedelta, timezone

INDIA_TIME = timezone(timedelta(hours=5, minutes=30), "IST")


def as_utc(moment: datetime | None) -> datetime | None:
    """A moment in UTC. Columns of ``models_base.UtcDateTime`` are read back aware already;
    a naive moment (a form's, a raw SQL row's) is taken as UTC."""
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
    return (as_utc(now) or datetime.now(UTC)).astimezone(INDIA_TIME).date()
