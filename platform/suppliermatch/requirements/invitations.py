"""Invitations: the anchor asks chosen suppliers to quote; a supplier may decline.

The matching list, supplier search and the requirement page all invite through
``invite_suppliers``. A supplier only ever sees its own invitation.
"""

from datetime import datetime

from sqlmodel import Session, select

from suppliermatch.access import Actor, ActorKind
from suppliermatch.errors import Conflict, Forbidden, NotFound, ValidationFailed
from suppliermatch.requirements import notify
from suppliermatch.requirements.lifecycle import Status, now_utc
from suppliermatch.requirements.models import Invitation, Quote
from suppliermatch.requirements.service import managed_as_of
from suppliermatch.requirements.visibility import get_overseen, get_visible
from suppliermatch.suppliers.models import Supplier
from suppliermatch.translatable import N_, marked

INVITED = "invited"
DECLINED = "declined"
QUOTED = "quoted"
# Invitations are open while the requirement is still being prepared or is out for quotes.
INVITABLE_STATES = frozenset({Status.DRAFT, Status.PUBLISHED})
MAX_INVITES_AT_ONCE = 200


def invite_suppliers(
    session: Session,
    *,
    actor: Actor,
    requirement_id: int,
    supplier_ids: list[int],
    now: datetime | None = None,
) -> list[Invitation]:
    """Invite suppliers by id; inviting one already invited changes nothing. Returns the
    invitations for ``supplier_ids`` (new and existing). Published requirements notify at
    once; a draft's invitees hear about it when it is published."""
    requirement, moment = managed_as_of(session, actor, requirement_id, now)
    if requirement.status not in INVITABLE_STATES:
        raise Conflict(
            N_(
                "Suppliers cannot be invited to a %(status)s requirement.",
                status=marked(requirement.status),
            )
        )
    wanted = list(dict.fromkeys(supplier_ids))
    if not wanted:
        raise ValidationFailed("Choose at least one supplier to invite.", field="supplier_ids")
    if len(wanted) > MAX_INVITES_AT_ONCE:
        raise ValidationFailed(
            N_("Invite at most %(most)s suppliers at once.", most=MAX_INVITES_AT_ONCE),
            field="supplier_ids",
        )
    found = set(
        session.exec(
            select(Supplier.id).where(
                Supplier.id.in_(wanted),
                Supplier.merged_into_id.is_(None),
                Supplier.is_public,
            )
        )
    )
    missing = [str(i) for i in wanted if i not in found]
    if missing:
        raise ValidationFailed(
            N_("No supplier with id %(id)s.", id=", ".join(missing)), field="supplier_ids"
        )
    existing = {
        i.supplier_id: i
        for i in session.exec(
            select(Invitation).where(
                Invitation.requirement_id == requirement.id, Invitation.supplier_id.in_(wanted)
            )
        )
    }
    new = []
    for supplier_id in wanted:
        if supplier_id in existing:
            continue
        invitation = Invitation(
            requirement_id=requirement.id,
            supplier_id=supplier_id,
            invited_by_id=actor.user_id,
            created_at=moment,
        )
        session.add(invitation)
        existing[supplier_id] = invitation
        new.append(invitation)
    session.flush()
    notify.invited(session, requirement, new)
    return [existing[i] for i in wanted]


def invitations_for(session: Session, *, actor: Actor, requirement_id: int) -> list[dict]:
    """The invitation list with supplier names: for the anchor and the cluster coordinator."""
    requirement = get_overseen(session, actor, requirement_id)
    rows = session.exec(
        select(Invitation, Supplier.legal_name)
        .join(Supplier, Supplier.id == Invitation.supplier_id)
        .where(Invitation.requirement_id == requirement.id)
        .order_by(Invitation.id)
    ).all()
    return [{**invitation.model_dump(), "supplier_name": name} for invitation, name in rows]


def own_invitation(session: Session, *, actor: Actor, requirement_id: int) -> Invitation | None:
    if actor.supplier_id is None:
        return None
    return session.exec(
        select(Invitation).where(
            Invitation.requirement_id == requirement_id,
            Invitation.supplier_id == actor.supplier_id,
        )
    ).first()


def decline(
    session: Session,
    *,
    actor: Actor,
    requirement_id: int,
    reason: str,
    now: datetime | None = None,
) -> Invitation:
    """The invited supplier says no, with a reason the anchor will read."""
    if actor.kind != ActorKind.MSME or actor.supplier_id is None:
        raise Forbidden("Only an invited supplier can decline an invitation.")
    requirement = get_visible(session, actor, requirement_id)
    invitation = own_invitation(session, actor=actor, requirement_id=requirement.id)
    if invitation is None:
        raise NotFound("You have no invitation for this requirement.")
    if invitation.status == DECLINED:
        raise Conflict("You have already declined this invitation.")
    has_quote = session.exec(
        select(Quote.id).where(
            Quote.requirement_id == requirement.id, Quote.supplier_id == actor.supplier_id
        )
    ).first()
    if has_quote is not None:
        raise Conflict(
            "You have quoted for this requirement; an invitation you answered cannot be declined."
        )
    reason = reason.strip()
    if not reason:
        raise ValidationFailed("Tell the buyer why you decline.", field="reason")
    invitation.status = DECLINED
    invitation.decline_reason = reason
    invitation.responded_at = now_utc(now)
    return invitation


def record_quote_response(
    session: Session, *, requirement_id: int, supplier_id: int, now: datetime
) -> None:
    """A first quote answers the supplier's invitation, if it had one (response time)."""
    invitation = session.exec(
        select(Invitation).where(
            Invitation.requirement_id == requirement_id, Invitation.supplier_id == supplier_id
        )
    ).first()
    if invitation is not None and invitation.status == INVITED:
        invitation.status = QUOTED
        invitation.responded_at = now
