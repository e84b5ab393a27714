"""An MSME takes over its imported profile: by the link of a coordinator's invitation, or
by signing up with the profile's GSTIN or Udyam number and proving a code that was sent to
the profile's e-mail on record (never to an address the applicant types).

A profile is claimed once: ``Supplier.organisation_id`` is set by a conditional update, so
of two claims at the same moment one wins. Only a coordinator (or an admin) can reassign a
claimed profile, and that leaves an audit entry.

Functions take the session first and never commit.
"""

import secrets
from datetime import datetime

from sqlalchemy import delete, update
from sqlmodel import Session, select

from suppliermatch.access import Actor
from suppliermatch.accounts import account_tokens
from suppliermatch.accounts.models import AccountToken, OrganisationKind, TokenPurpose, User
from suppliermatch.accounts.service import create_organisation_with_owner, normalise_email
from suppliermatch.audit.service import record_transition
from suppliermatch.errors import Conflict, NotFound, ValidationFailed
from suppliermatch.models_base import utcnow
from suppliermatch.notifications.models import Notification
from suppliermatch.notifications.service import Kind
from suppliermatch.onboarding import invitations
from suppliermatch.onboarding.models import SupplierInvitation
from suppliermatch.reference.identifiers import IdentifierError, validate_gstin, validate_udyam
from suppliermatch.suppliers.models import Supplier

# Claim codes are typed, so they are short: 10 characters of Crockford's base32 alphabet
# (no I, L, O, U to misread) are 50 bits. Each guess costs a rate-limited request and a code
# lives 30 minutes, so guessing online is hopeless; a copy of the database holds only the
# SHA-256 digest, which takes far longer than the code's lifetime to reverse.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 10
# Said whether or not a code was sent: nothing about the profile is told before the code.
CODE_SENT = (
    "If an unclaimed profile has this number and an e-mail address on record, a code is on "
    "its way to that address. It works once, for 30 minutes."
)
INVALID_CODE = "This code is not right, or it expired. Ask for a new one."
ALREADY_CLAIMED = (
    "This enterprise's profile has been claimed already. If it is yours, ask your cluster "
    "coordinator to reassign it."
)
CLAIMABLE = (
    "An enterprise with this {label} is listed on SupplierMatch already and nobody has "
    "claimed its profile. Claim it instead: a code goes to the e-mail address on record."
)
IDENTIFIERS = {"gstin": ("GSTIN", validate_gstin), "udyam_number": ("Udyam number", validate_udyam)}


class ProfileClaimable(Conflict):
    """Sign-up with the GSTIN or Udyam number of a profile nobody has claimed: the page
    offers to claim it."""


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(code: str) -> str:
    """What the applicant typed, as issued: case, spaces and dashes do not matter."""
    return code.upper().replace("-", "").replace(" ", "")


def parse_identifier(values: dict) -> tuple[str, str]:
    """(field, cleaned value) of the one GSTIN or Udyam number given; 422 naming the field."""
    given = [(name, values[name]) for name in IDENTIFIERS if values.get(name)]
    if len(given) != 1:
        raise ValidationFailed("Give the GSTIN or the Udyam number (one of them).", field="gstin")
    name, value = given[0]
    try:
        return name, IDENTIFIERS[name][1](value, field=name)
    except IdentifierError as error:
        raise ValidationFailed(error.message, field=name) from None


def profile_with(session: Session, field: str, value: str) -> Supplier | None:
    """The live profile that has this GSTIN or Udyam number."""
    column = getattr(Supplier, field)
    return session.exec(
        select(Supplier).where(column == value, Supplier.merged_into_id.is_(None))
    ).first()


def refuse_listed_identifiers(session: Session, values: dict) -> None:
    """Sign-up with a listed enterprise's GSTIN or Udyam number is refused (409 naming the
    field): an unclaimed profile is offered for claiming, a claimed one is nobody else's."""
    for name, (label, validate) in IDENTIFIERS.items():
        if not values.get(name):
            continue
        try:
            value = validate(values[name], field=name)
        except IdentifierError as error:
            raise ValidationFailed(error.message, field=name) from None
        listed = profile_with(session, name, value)
        if listed is None:
            continue
        if listed.organisation_id is None:
            raise ProfileClaimable(CLAIMABLE.format(label=label), field=name)
        raise Conflict(ALREADY_CLAIMED, field=name)


# -- by code ---------------------------------------------------------------------------------


def request_claim_code(
    session: Session, values: dict, *, now: datetime | None = None
) -> tuple[Supplier, str] | None:
    """A code for the unclaimed profile with the given GSTIN or Udyam number, to be e-mailed
    to the profile's address on record; None when there is no such profile or address (the
    caller answers alike)."""
    field, value = parse_identifier(values)
    supplier = profile_with(session, field, value)
    if supplier is None or supplier.organisation_id is not None or not supplier.email:
        return None
    code = account_tokens.issue_for(
        session,
        TokenPurpose.CLAIM_CODE,
        holder=AccountToken.supplier_id,
        holder_id=supplier.id,
        now=now,
        secret=new_code(),
    )
    return supplier, code


def claim_by_code(
    session: Session,
    values: dict,
    *,
    code: str,
    full_name: str,
    email: str,
    password: str,
    now: datetime | None = None,
) -> User:
    """Take over the profile with this GSTIN or Udyam number, with the code sent to its
    e-mail on record."""
    now = now or utcnow()
    field, value = parse_identifier(values)
    row = account_tokens.live_token(session, normalise_code(code), TokenPurpose.CLAIM_CODE, now=now)
    supplier = profile_with(session, field, value)
    if row is None or supplier is None or row.supplier_id != supplier.id:
        raise ValidationFailed(INVALID_CODE, field="code")
    if supplier.organisation_id is not None:
        raise Conflict(ALREADY_CLAIMED, field=field)
    return take_over(
        session, supplier, row, full_name=full_name, email=email, password=password, now=now
    )


# -- by the invitation's link -------------------------------------------------------------------


def claim_by_link(
    session: Session,
    *,
    token: str,
    full_name: str,
    email: str,
    password: str,
    now: datetime | None = None,
) -> User:
    now = now or utcnow()
    found = invitations.supplier_for_link(session, token, now=now)
    if found is None:
        raise ValidationFailed(account_tokens.INVALID_LINK, field="token")
    row, supplier = found
    return take_over(
        session, supplier, row, full_name=full_name, email=email, password=password, now=now
    )


def take_over(
    session: Session,
    supplier: Supplier,
    proof: AccountToken,
    *,
    full_name: str,
    email: str,
    password: str,
    now: datetime,
) -> User:
    """A new MSME organisation that owns ``supplier``, and its first user (the owner).

    The account's address counts as verified when it is the profile's e-mail on record: the
    link or code proved it. Notices queued for the profile's contact e-mail move to the new
    user's inbox.
    """
    user = create_organisation_with_owner(
        session,
        kind=OrganisationKind.MSME,
        name=supplier.legal_name,
        cluster_id=supplier.cluster_id,
        email=email,
        password=password,
        full_name=full_name,
        email_verified=normalise_email(email) == normalise_email(supplier.email or ""),
    )
    claimed = session.execute(
        update(Supplier)
        .where(Supplier.id == supplier.id, Supplier.organisation_id.is_(None))
        .values(organisation_id=user.organisation_id, updated_at=now, version=Supplier.version + 1)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        raise Conflict(ALREADY_CLAIMED)
    account_tokens.spend(session, proof, now)
    _hand_over(session, supplier.id, user.id)
    record_transition(
        session,
        actor_user_id=user.id,
        entity_type="supplier",
        entity_id=supplier.id,
        action="claimed",
        to_state="claimed",
        details={"organisation_id": user.organisation_id, "via": proof.purpose},
    )
    session.refresh(supplier)
    return user


def _hand_over(session: Session, supplier_id: int, user_id: int) -> None:
    """What was waiting for the profile's contact e-mail is the new user's now; the other
    claim links and codes of the profile stop working."""
    session.execute(
        update(Notification)
        .where(
            Notification.supplier_id == supplier_id,
            Notification.user_id.is_(None),
            Notification.kind != Kind.CLAIM_INVITATION,
        )
        .values(user_id=user_id)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        delete(AccountToken).where(
            AccountToken.supplier_id == supplier_id, AccountToken.used_at.is_(None)
        )
    )


# -- reassigning --------------------------------------------------------------------------------


def reassign(
    session: Session,
    actor: Actor,
    supplier_id: int,
    *,
    email: str,
    reason: str,
    now: datetime | None = None,
) -> Supplier:
    """Take a claimed profile from the organisation that has it and invite ``email`` (the
    enterprise's right contact, which becomes the e-mail on record) to claim it.

    The coordinator of the profile's cluster or an admin only; the audit entry names the
    organisation that had it, the new address and the reason.
    """
    now = now or utcnow()
    invitations.require_coordinator(actor)
    supplier = session.get(Supplier, supplier_id)
    if supplier is None or supplier.merged_into_id or not actor.coordinates(supplier.cluster_id):
        raise NotFound("No such supplier in your cluster.")
    if not reason.strip():
        raise ValidationFailed("Say why the profile is reassigned.", field="reason")
    previous = supplier.organisation_id
    if previous is None:
        raise Conflict("Nobody has claimed this profile: invite the enterprise instead.")
    supplier.organisation_id = None
    supplier.email = normalise_email(email)
    supplier.updated_at = now
    supplier.version += 1
    session.flush()
    invitation = session.exec(
        select(SupplierInvitation).where(SupplierInvitation.supplier_id == supplier.id)
    ).first()
    invitations.queue_invitation(
        session, supplier, invitation, invited_by_id=actor.user_id, now=now
    )
    record_transition(
        session,
        actor_user_id=actor.user_id,
        entity_type="supplier",
        entity_id=supplier.id,
        action="reassigned",
        from_state="claimed",
        to_state="invited",
        note=reason.strip(),
        details={"from_organisation_id": previous, "invited_email": supplier.email},
    )
    return supplier
