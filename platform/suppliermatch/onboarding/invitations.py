"""Coordinators invite imported MSMEs to claim their profiles.

An invitation is an outbox message to the profile's e-mail on record (the coordinator never
types an address here). Its link is made when ``flask notifications send`` e-mails it
(``claim_link``), so only the link's digest is ever stored; a newer invitation's link
replaces the older. The coordinator sees, per supplier, whether it was invited, whether the
mail server refused the address (bounced), and whether the MSME claimed the profile.

Functions take the session first and never commit.
"""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_
from sqlmodel import Session, select

from suppliermatch.access import Actor, ActorKind
from suppliermatch.accounts import account_tokens
from suppliermatch.accounts.models import AccountToken, TokenPurpose
from suppliermatch.audit.service import record_transition
from suppliermatch.errors import Conflict, Forbidden, NotFound, ValidationFailed
from suppliermatch.models_base import utcnow
from suppliermatch.notifications.service import Kind, enqueue_for_listed_supplier
from suppliermatch.onboarding.models import InvitationStatus, SupplierInvitation
from suppliermatch.suppliers.models import Supplier, SupplierImport
from suppliermatch.translatable import N_

# The page that takes the link: onboarding.views.claim_by_link serves this path.
CLAIM_PATH = "/claim/{token}"
# A selection is what a coordinator ticks on a page; "all uninvited" has no cap.
MAX_SELECTED = 500
BOUNCE_REASON_LENGTH = 200
# Why a profile was invited, in its audit entry; only this one queues the claim e-mail itself
# (an invitation to quote carries the claim link in its own e-mail).
COORDINATOR_INVITATION = "coordinator"


class SkipReason:
    CLAIMED = "claimed"
    NO_EMAIL = "no_email"
    ALREADY_INVITED = "already_invited"


@dataclass
class InviteOutcome:
    invited: list[int] = field(default_factory=list)
    # (supplier id, SkipReason): asked for but not invited, and why.
    skipped: list[tuple[int, str]] = field(default_factory=list)


def require_coordinator(actor: Actor) -> None:
    if not (actor.is_admin or actor.kind == ActorKind.COORDINATOR):
        raise Forbidden("Only cluster coordinators and admins invite suppliers.")


def coordinated_suppliers(actor: Actor):
    """Statement: the live supplier profiles ``actor`` coordinates, with their invitation."""
    require_coordinator(actor)
    statement = (
        select(Supplier, SupplierInvitation)
        .outerjoin(SupplierInvitation, SupplierInvitation.supplier_id == Supplier.id)
        .where(Supplier.merged_into_id.is_(None))
    )
    if not actor.is_admin:
        statement = statement.where(Supplier.cluster_id == actor.cluster_id)
    return statement


STATUS_CLAUSES = {
    InvitationStatus.CLAIMED: Supplier.organisation_id.is_not(None),
    InvitationStatus.BOUNCED: and_(
        Supplier.organisation_id.is_(None), SupplierInvitation.bounced_at.is_not(None)
    ),
    InvitationStatus.INVITED: and_(
        Supplier.organisation_id.is_(None),
        SupplierInvitation.id.is_not(None),
        SupplierInvitation.bounced_at.is_(None),
    ),
    InvitationStatus.NOT_INVITED: and_(
        Supplier.organisation_id.is_(None), SupplierInvitation.id.is_(None)
    ),
}


def onboarding_statement(actor: Actor, *, status: str | None = None):
    """The suppliers ``actor`` coordinates with their invitation, by name; ``status`` keeps
    those in one InvitationStatus."""
    statement = coordinated_suppliers(actor)
    if status is not None:
        statement = statement.where(STATUS_CLAUSES[InvitationStatus(status)])
    return statement.order_by(Supplier.legal_name, Supplier.id)


def status_of(supplier: Supplier, invitation: SupplierInvitation | None) -> InvitationStatus:
    if supplier.organisation_id is not None:
        return InvitationStatus.CLAIMED
    if invitation is None:
        return InvitationStatus.NOT_INVITED
    if invitation.bounced_at is not None:
        return InvitationStatus.BOUNCED
    return InvitationStatus.INVITED


def status_view(supplier: Supplier, invitation: SupplierInvitation | None) -> dict:
    """One supplier's line in the coordinator's onboarding list."""
    return {
        "supplier_id": supplier.id,
        "legal_name": supplier.legal_name,
        "email": supplier.email,
        "status": status_of(supplier, invitation).value,
        "invited_email": invitation.email if invitation else None,
        "first_invited_at": invitation.first_invited_at if invitation else None,
        "last_invited_at": invitation.last_invited_at if invitation else None,
        "times_invited": invitation.times_invited if invitation else 0,
        "bounced_at": invitation.bounced_at if invitation else None,
        "bounce_reason": invitation.bounce_reason if invitation else None,
    }


def status_views(rows) -> list[dict]:
    return [status_view(supplier, invitation) for supplier, invitation in rows]


def statuses_for(session: Session, actor: Actor, supplier_ids: list[int]) -> list[dict]:
    """Status lines for the given suppliers that ``actor`` coordinates (the import report)."""
    if not supplier_ids:
        return []
    rows = []
    for chunk_start in range(0, len(supplier_ids), MAX_SELECTED):
        chunk = supplier_ids[chunk_start : chunk_start + MAX_SELECTED]
        rows.extend(session.exec(onboarding_statement(actor).where(Supplier.id.in_(chunk))))
    return status_views(rows)


def status_for(session: Session, actor: Actor, supplier_id: int) -> dict:
    row = session.exec(coordinated_suppliers(actor).where(Supplier.id == supplier_id)).first()
    if row is None:
        raise NotFound("No such supplier in your cluster.")
    return status_view(*row)


# -- inviting ---------------------------------------------------------------------------------


def invite_selected(
    session: Session, actor: Actor, supplier_ids: list[int], *, now: datetime | None = None
) -> InviteOutcome:
    """Invite the chosen suppliers, or invite again those invited before (a resend).

    An id that is not a live profile of the actor's cluster refuses the whole request (422
    on ``supplier_ids``, nothing stored); claimed profiles and profiles without an e-mail
    are skipped and reported.
    """
    wanted = list(dict.fromkeys(supplier_ids))
    if not wanted:
        raise ValidationFailed("Choose at least one supplier to invite.", field="supplier_ids")
    if len(wanted) > MAX_SELECTED:
        raise ValidationFailed(
            N_(
                "Invite at most %(most)s suppliers at once, or all uninvited ones.",
                most=MAX_SELECTED,
            ),
            field="supplier_ids",
        )
    rows = {
        supplier.id: (supplier, invitation)
        for supplier, invitation in session.exec(
            coordinated_suppliers(actor).where(Supplier.id.in_(wanted))
        )
    }
    missing = [str(i) for i in wanted if i not in rows]
    if missing:
        raise ValidationFailed(
            N_("No supplier with id %(id)s in your cluster.", id=", ".join(missing)),
            field="supplier_ids",
        )
    return _invite(session, actor, [rows[i] for i in wanted], now=now)


def invite_one(
    session: Session, actor: Actor, supplier_id: int, *, now: datetime | None = None
) -> SupplierInvitation:
    """Invite one supplier, or invite it again; 409 once claimed, 422 without an e-mail."""
    row = session.exec(coordinated_suppliers(actor).where(Supplier.id == supplier_id)).first()
    if row is None:
        raise NotFound("No such supplier in your cluster.")
    supplier, invitation = row
    if supplier.organisation_id is not None:
        raise Conflict("This supplier has claimed its profile already.")
    if not supplier.email:
        raise ValidationFailed(
            "This profile has no e-mail on record: add one to the profile first.", field="email"
        )
    return queue_invitation(
        session, supplier, invitation, invited_by_id=actor.user_id, now=now or utcnow()
    )


def invite_uninvited(
    session: Session, actor: Actor, *, import_id: int | None = None, now: datetime | None = None
) -> InviteOutcome:
    """Invite every unclaimed supplier of the actor's cluster (or of one import) that was
    never invited and has an e-mail on record."""
    statement = coordinated_suppliers(actor).where(
        STATUS_CLAUSES[InvitationStatus.NOT_INVITED], Supplier.email.is_not(None)
    )
    if import_id is None:
        return _invite(session, actor, list(session.exec(statement)), now=now)
    record = _import_of(session, actor, import_id)
    rows = []
    for chunk_start in range(0, len(record.supplier_ids), MAX_SELECTED):
        chunk = record.supplier_ids[chunk_start : chunk_start + MAX_SELECTED]
        rows.extend(session.exec(statement.where(Supplier.id.in_(chunk))))
    return _invite(session, actor, rows, now=now)


def _import_of(session: Session, actor: Actor, import_id: int) -> SupplierImport:
    record = session.get(SupplierImport, import_id)
    if record is None or not actor.coordinates(record.cluster_id):
        raise ValidationFailed(
            N_("No import %(id)s in your cluster.", id=import_id), field="import_id"
        )
    return record


def _invite(session: Session, actor: Actor, rows: list, *, now: datetime | None) -> InviteOutcome:
    now = now or utcnow()
    outcome = InviteOutcome()
    for supplier, invitation in rows:
        if supplier.organisation_id is not None:
            outcome.skipped.append((supplier.id, SkipReason.CLAIMED))
        elif not supplier.email:
            outcome.skipped.append((supplier.id, SkipReason.NO_EMAIL))
        else:
            queue_invitation(session, supplier, invitation, invited_by_id=actor.user_id, now=now)
            outcome.invited.append(supplier.id)
    session.flush()
    return outcome


def queue_invitation(
    session: Session,
    supplier: Supplier,
    invitation: SupplierInvitation | None,
    *,
    invited_by_id: int | None,
    now: datetime,
    reason: str = COORDINATOR_INVITATION,
) -> SupplierInvitation:
    """Record the invitation and queue its e-mail to the profile's address on record."""
    if invitation is None:
        invitation = SupplierInvitation(
            supplier_id=supplier.id,
            email=supplier.email,
            invited_by_id=invited_by_id,
            first_invited_at=now,
            last_invited_at=now,
        )
        session.add(invitation)
    else:
        invitation.email = supplier.email
        invitation.invited_by_id = invited_by_id
        invitation.last_invited_at = now
        invitation.times_invited += 1
        # A resend is a new try, often to a corrected address.
        invitation.bounced_at = None
        invitation.bounce_reason = None
    if reason == COORDINATOR_INVITATION:
        enqueue_for_listed_supplier(
            session,
            supplier_id=supplier.id,
            kind=Kind.CLAIM_INVITATION,
            subject=f"Claim the profile of {supplier.legal_name} on SupplierMatch"[:200],
            body=(
                f"Your cluster coordinator has listed {supplier.legal_name} on SupplierMatch, "
                "where the cluster's magnet plants look for suppliers and invite them to "
                "quote. Follow the link to set a password and take over the profile: check "
                "what it says, add your capabilities and certificates, and receive the "
                "plants' invitations to quote. The link works once, for "
                f"{account_tokens.TOKEN_LIFETIMES[TokenPurpose.SUPPLIER_INVITATION].days} "
                "days; only the latest one you received works."
            ),
        )
    record_transition(
        session,
        actor_user_id=invited_by_id,
        entity_type="supplier",
        entity_id=supplier.id,
        action="claim_invited",
        note=reason,
    )
    return invitation


# -- while the e-mail is sent -------------------------------------------------------------------


def claim_link(session: Session, supplier_id: int, *, now: datetime | None = None) -> str:
    """A new claim link (a path) for the supplier, made as its e-mail is sent; it replaces
    the supplier's earlier link."""
    token = account_tokens.issue_for(
        session,
        TokenPurpose.SUPPLIER_INVITATION,
        holder=AccountToken.supplier_id,
        holder_id=supplier_id,
        now=now,
    )
    return CLAIM_PATH.format(token=token)


def record_bounce(
    session: Session, supplier_id: int, reason: str, *, now: datetime | None = None
) -> None:
    """The mail server refused the profile's address for good."""
    invitation = session.exec(
        select(SupplierInvitation).where(SupplierInvitation.supplier_id == supplier_id)
    ).first()
    if invitation is not None:
        invitation.bounced_at = now or utcnow()
        invitation.bounce_reason = reason[:BOUNCE_REASON_LENGTH]


# -- following the link ------------------------------------------------------------------------


def supplier_for_link(
    session: Session, token: str, *, now: datetime | None = None
) -> tuple[AccountToken, Supplier] | None:
    """The live invitation link and its profile, still unclaimed; None for anything else."""
    row = account_tokens.live_token(session, token, TokenPurpose.SUPPLIER_INVITATION, now=now)
    if row is None or row.supplier_id is None:
        return None
    supplier = session.get(Supplier, row.supplier_id)
    if supplier is None or supplier.organisation_id is not None or supplier.merged_into_id:
        return None
    return row, supplier
