"""Clusters, organisations, users and their API tokens."""

import secrets
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from suppliermatch.models_base import UtcDateTime, optional_timestamp_field, timestamp_field


class OrganisationKind(StrEnum):
    MSME = "msme"
    ANCHOR = "anchor"
    CLUSTER_OFFICE = "cluster_office"


class MemberRole(StrEnum):
    OWNER = "owner"
    MEMBER = "member"


class Vetting(StrEnum):
    """Whether the cluster coordinator has vetted an anchor firm's user (see accounts.vetting).

    Until approved, an anchor user sees only what the public directory shows.
    """

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class Cluster(SQLModel, table=True):
    """A regional REPM cluster, e.g. "Ganjam REPM cluster, Odisha"."""

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=60, unique=True, index=True)
    name: str = Field(max_length=160)
    state: str = Field(max_length=60)
    created_at: datetime = timestamp_field()


class Organisation(SQLModel, table=True):
    """An MSME enterprise, an anchor firm or a cluster office."""

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=20, index=True)
    name: str = Field(max_length=200)
    cluster_id: int | None = Field(default=None, foreign_key="cluster.id", index=True)
    created_at: datetime = timestamp_field()


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


class User(SQLModel, table=True):
    """A person who signs in. Belongs to one organisation (admins may have none)."""

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True)
    full_name: str = Field(max_length=160)
    password_hash: str = Field(max_length=255)
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    role: str = Field(default=MemberRole.MEMBER, max_length=20)
    is_admin: bool = Field(default=False)
    is_active: bool = Field(default=True)
    # Users of anchor firms only (None for everyone else): a Vetting value.
    vetting: str | None = Field(default=None, max_length=20)
    # The language the user chose with the switcher (an i18n.LANGUAGES code); None: the
    # browser's Accept-Language decides. Notifications and e-mails to the user use it too.
    locale: str | None = Field(default=None, max_length=10)
    # Rotated on logout and password change: the login cookie carries it, so a cookie
    # captured before the rotation no longer loads the user.
    session_token: str = Field(default_factory=new_session_token, max_length=64)
    # When the user proved they read mail at ``email`` (following the sign-up link, or a
    # password reset link); None until then (see accounts.account_tokens).
    email_verified_at: datetime | None = optional_timestamp_field()
    created_at: datetime = timestamp_field()
    last_login_at: datetime | None = optional_timestamp_field()
    # TOTP two-factor sign-in (accounts.two_factor). The shared secret must be readable to
    # check a code, so it is kept as it is (base32, 160 bits); ``totp_enabled_at`` is set
    # once the user proved a code from it. ``totp_last_step`` is the time step of the last
    # code accepted: RFC 6238 section 5.2 asks that a code is not accepted twice.
    totp_secret: str | None = Field(default=None, max_length=64)
    totp_enabled_at: datetime | None = optional_timestamp_field()
    totp_last_step: int | None = Field(default=None, sa_type=sa.BigInteger)


class ApiToken(SQLModel, table=True):
    """A personal token for integrations; only its SHA-256 digest is stored."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    name: str = Field(max_length=80)
    prefix: str = Field(max_length=16)
    token_digest: str = Field(max_length=64, unique=True, index=True)
    created_at: datetime = timestamp_field()
    last_used_at: datetime | None = optional_timestamp_field()
    revoked_at: datetime | None = optional_timestamp_field()


class TokenPurpose(StrEnum):
    PASSWORD_RESET = "password_reset"  # noqa: S105  (a label, not a secret)
    EMAIL_VERIFICATION = "email_verification"
    # For a supplier profile nobody has claimed yet (``supplier_id``, no user): the link a
    # coordinator's invitation carries, and the code a sign-up with the profile's GSTIN or
    # Udyam number asks for (see onboarding).
    SUPPLIER_INVITATION = "supplier_invitation"
    CLAIM_CODE = "claim_code"


class AccountToken(SQLModel, table=True):
    """A one-time link or code sent by e-mail (password reset, e-mail verification, claiming
    a supplier profile).

    Only the SHA-256 digest of the token is stored: a copy of the database does not let
    anyone reset a password. A user (or, for claims, an unclaimed supplier profile) has at
    most one live token per purpose (a newer request deletes the older); ``used_at`` makes
    it single use. Exactly one of ``user_id`` and ``supplier_id`` is set.
    """

    __table_args__ = (
        sa.CheckConstraint("(user_id IS NULL) <> (supplier_id IS NULL)", name="one_holder"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    supplier_id: int | None = Field(default=None, foreign_key="supplier.id", index=True)
    purpose: str = Field(max_length=30)
    token_digest: str = Field(max_length=64, unique=True, index=True)
    created_at: datetime = timestamp_field()
    expires_at: datetime = Field(sa_type=UtcDateTime, nullable=False)
    used_at: datetime | None = optional_timestamp_field()


class RecoveryCode(SQLModel, table=True):
    """A one-time code that signs in instead of a TOTP code when the phone is lost.

    Hashed with argon2 as passwords are (``accounts.passwords``): a copy of the database
    does not give them away.
    """

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    code_hash: str = Field(max_length=255)
    created_at: datetime = timestamp_field()
    used_at: datetime | None = optional_timestamp_field()


class SecurityPolicy(SQLModel, table=True):
    """Platform-wide sign-in rules an admin sets; one row (id 1), absent means defaults."""

    id: int | None = Field(default=None, primary_key=True)
    # Coordinators and admins must turn on two-factor sign-in before doing anything else.
    two_factor_required: bool = Field(default=False)
    updated_by_id: int | None = Field(default=None, foreign_key="user.id")
    updated_at: datetime = timestamp_field()


# flask-login's user protocol, on the table class itself so current_user is the row.
def _get_id(self: User) -> str:
    # The session token travels in the cookie: rotating it logs out every copy.
    return f"{self.id}:{self.session_token}"


User.get_id = _get_id
User.is_authenticated = property(lambda self: True)
User.is_anonymous = property(lambda self: False)
