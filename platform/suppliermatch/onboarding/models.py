"""Invitations to claim an imported supplier profile."""

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from suppliermatch.models_base import optional_timestamp_field, timestamp_field


class InvitationStatus(StrEnum):
    """What the coordinator sees per supplier. ``claimed`` is read from the profile itself
    (``Supplier.organisation_id``), since a profile can be claimed without an invitation."""

    NOT_INVITED = "not_invited"
    INVITED = "invited"
    BOUNCED = "bounced"
    CLAIMED = "claimed"


class SupplierInvitation(SQLModel, table=True):
    """The invitation to an imported MSME to claim its profile: one row a supplier, renewed
    by each resend. The link itself is an ``AccountToken`` made when the e-mail is sent."""

    id: int | None = Field(default=None, primary_key=True)
    supplier_id: int = Field(foreign_key="supplier.id", unique=True, index=True)
    # The address the latest invitation was queued for: the profile's e-mail at the time.
    email: str = Field(max_length=254)
    invited_by_id: int | None = Field(default=None, foreign_key="user.id")
    first_invited_at: datetime = timestamp_field()
    last_invited_at: datetime = timestamp_field()
    times_invited: int = Field(default=1)
    # The mail server refused the address for good (a 5xx answer): the coordinator corrects
    # the profile's e-mail and resends.
    bounced_at: datetime | None = optional_timestamp_field()
    bounce_reason: str | None = Field(default=None, max_length=200)
