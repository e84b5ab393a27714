"""The states of a requirement (RFQ), the moves between them, and time as the rules see it.

draft -> published -> closed -> awarded; cancelled from draft, published or closed.
A published requirement whose quote deadline has passed *is* closed: readers see it so at
once (``effective_status``), and the next write or ``flask requirements close-expired``
records the move in the audit trail.

Times are stored in UTC. People here think in Indian Standard Time, which has no daylight
saving, so a fixed +05:30 offset is exact; a form's date-time without a zone means IST.
"""

from datetime import datetime
from enum import StrEnum

from suppliermatch.dates import as_utc
from suppliermatch.models_base import utcnow


class Status(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CLOSED = "closed"
    AWARDED = "awarded"
    CANCELLED = "cancelled"


class Visibility(StrEnum):
    # Every supplier of the anchor's cluster may see it and quote, plus those invited.
    CLUSTER = "cluster"
    # Only invited suppliers see it.
    INVITE_ONLY = "invite_only"


class NoncompliantQuotes(StrEnum):
    """What happens to a quote from a supplier that fails a hard constraint of the
    requirement (a required certificate, the tolerance, the capacity: the matching engine's
    rule). The supplier is told what it lacks before it quotes either way."""

    # Accepted, and marked with what it lacks wherever the buyer sees quotes.
    FLAG = "flag"
    # Refused (422, naming what is missing).
    REFUSE = "refuse"


# Legal moves: (from, to). Anything else is refused with 409.
TRANSITIONS: frozenset[tuple[Status, Status]] = frozenset(
    {
        (Status.DRAFT, Status.PUBLISHED),
        (Status.PUBLISHED, Status.CLOSED),
        (Status.CLOSED, Status.AWARDED),
        (Status.DRAFT, Status.CANCELLED),
        (Status.PUBLISHED, Status.CANCELLED),
        (Status.CLOSED, Status.CANCELLED),
    }
)

# What a person would call each move, for messages and the audit trail.
ACTION_FOR = {
    Status.PUBLISHED: "published",
    Status.CLOSED: "closed",
    Status.AWARDED: "awarded",
    Status.CANCELLED: "cancelled",
}

# Fields that may change while a requirement is open; nothing changes once it is closed.
EDITABLE_STATES = frozenset({Status.DRAFT, Status.PUBLISHED})


def is_allowed(from_status: str, to_status: str) -> bool:
    return (Status(from_status), Status(to_status)) in TRANSITIONS


def now_utc(now: datetime | None = None) -> datetime:
    return as_utc(now) if now is not None else utcnow()


def deadline_passed(requirement, now: datetime | None = None) -> bool:
    deadline = as_utc(requirement.quote_deadline)
    return deadline is not None and deadline <= now_utc(now)


def effective_status(requirement, now: datetime | None = None) -> Status:
    """The status a reader should see: a published requirement past its deadline is closed."""
    status = Status(requirement.status)
    if status == Status.PUBLISHED and deadline_passed(requirement, now):
        return Status.CLOSED
    return status


def is_open_for_quotes(requirement, now: datetime | None = None) -> bool:
    return effective_status(requirement, now) == Status.PUBLISHED


def bidding_closed_at(requirement, now: datetime | None = None) -> datetime | None:
    """When bidding ended (None while it is open or never opened)."""
    if requirement.closed_at is not None:
        return as_utc(requirement.closed_at)
    if effective_status(requirement, now) == Status.CLOSED:
        return as_utc(requirement.quote_deadline)
    return None


def quotes_unsealed(requirement, now: datetime | None = None) -> bool:
    """Sealed-bid rule: prices open to the buyer only once bidding has ended.

    A requirement cancelled while bidding was still open stays sealed for good: the buyer
    never gets to see prices it did not let the suppliers finish bidding for.
    """
    closed_at = bidding_closed_at(requirement, now)
    return closed_at is not None and closed_at <= now_utc(now)
