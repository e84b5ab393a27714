"""What the people involved in a requirement are told, written to the outbox in the same
transaction as the event. Messages to suppliers never carry budgets, prices or the names
of other suppliers.
"""

from collections.abc import Iterable

from sqlmodel import Session, func, select

from suppliermatch.formats import when
from suppliermatch.models_base import utcnow
from suppliermatch.notifications.models import Notification
from suppliermatch.notifications.service import (
    Kind,
    active_users_of,
    enqueue,
    enqueue_for_listed_supplier,
)
from suppliermatch.onboarding.models import SupplierInvitation
from suppliermatch.requirements.models import Invitation, Quote, Requirement
from suppliermatch.suppliers.models import Supplier

FIELD_LABELS = {
    "title": "title",
    "description": "description",
    "category": "category",
    "process": "process",
    "quantity_per_month": "quantity per month",
    "quantity_unit": "quantity unit",
    "tolerance_mm": "tolerance",
    "materials": "materials",
    "required_certs": "required certificates",
    "preferred_certs": "preferred certificates",
    "plant_name": "plant",
    "plant_pincode": "plant PIN code",
    "plant_lat": "plant location",
    "plant_lon": "plant location",
    "max_distance_km": "maximum distance",
    "needed_by": "needed-by date",
    "quote_deadline": "quote deadline",
    "visibility": "visibility",
    "line_items": "line items",
    "drawings": "drawings",
    # Only the buyer's own pages name these: suppliers are never told of the budget.
    "budget_min_inr": "budget (lowest)",
    "budget_max_inr": "budget (highest)",
}


def requirement_path(requirement_id: int) -> str:
    return f"/requirements/{requirement_id}"


def _deadline_text(requirement: Requirement) -> str:
    return when(requirement.quote_deadline, missing="not set")


def supplier_users(session: Session, supplier_ids: Iterable[int]) -> list[int]:
    """Users of the suppliers' MSME organisations (imported, unclaimed profiles have none)."""
    ids = set(supplier_ids)
    if not ids:
        return []
    organisations = session.exec(
        select(Supplier.organisation_id).where(
            Supplier.id.in_(ids), Supplier.organisation_id.is_not(None)
        )
    ).all()
    return active_users_of(session, organisations)


def _engaged_suppliers(session: Session, requirement_id: int) -> set[int]:
    """Suppliers with a stake: invited and not declined, or quoted."""
    invited = session.exec(
        select(Invitation.supplier_id).where(
            Invitation.requirement_id == requirement_id, Invitation.status != "declined"
        )
    ).all()
    quoted = session.exec(select(Quote.supplier_id).where(Quote.requirement_id == requirement_id))
    return set(invited) | set(quoted.all())


def _tell(
    session: Session,
    requirement: Requirement,
    user_ids: list[int],
    kind: Kind,
    subject: str,
    body: str,
    dedup_key: str | None = None,
) -> int:
    """Queue one notification per user, linking to the requirement. Returns how many."""
    return len(
        enqueue(
            session,
            user_ids=user_ids,
            kind=kind,
            subject=f"{subject}: {requirement.title}",
            body=body,
            link=requirement_path(requirement.id),
            dedup_key=dedup_key,
        )
    )


def invited(session: Session, requirement: Requirement, invitations: Iterable[Invitation]) -> None:
    """Tell invited suppliers about a published requirement (once per invitation)."""
    if requirement.status != "published":
        return  # a draft's invitations are announced when it is published
    for invitation in invitations:
        if invitation.status == "declined":
            continue
        text = (
            f'You are invited to quote for "{requirement.title}". '
            f"Quotes are sealed and due by {_deadline_text(requirement)}."
        )
        users = supplier_users(session, [invitation.supplier_id])
        if users:
            _tell(
                session,
                requirement,
                users,
                Kind.INVITED,
                "Invitation to quote",
                text,
                dedup_key=f"invited:{invitation.id}",
            )
        else:
            _tell_listed_supplier(session, requirement, invitation, text)


def _tell_listed_supplier(
    session: Session, requirement: Requirement, invitation: Invitation, text: str
) -> None:
    """An imported profile nobody has claimed: its contact e-mail gets the invitation with
    a link to claim the profile, which is the way to quote (see onboarding)."""
    from suppliermatch.onboarding.invitations import queue_invitation

    supplier, pending = session.exec(
        select(Supplier, SupplierInvitation)
        .outerjoin(SupplierInvitation, SupplierInvitation.supplier_id == Supplier.id)
        .where(Supplier.id == invitation.supplier_id)
    ).one()
    if supplier.organisation_id is not None or not supplier.email:
        return
    queued = enqueue_for_listed_supplier(
        session,
        supplier_id=supplier.id,
        kind=Kind.INVITED,
        subject=f"Invitation to quote: {requirement.title}",
        body=(
            f"{text} {supplier.legal_name} is listed on SupplierMatch by your cluster "
            "coordinator; to see the requirement and quote, follow the link to claim the "
            "profile and set a password."
        ),
        link=requirement_path(requirement.id),
        dedup_key=f"invited:{invitation.id}",
    )
    if queued is not None:
        queue_invitation(
            session,
            supplier,
            pending,
            invited_by_id=invitation.invited_by_id,
            now=invitation.created_at,
            reason="invitation to quote",
        )


def amended(session: Session, requirement: Requirement, fields: list[str]) -> None:
    labels = sorted({FIELD_LABELS.get(f, f) for f in fields})
    _tell(
        session,
        requirement,
        supplier_users(session, _engaged_suppliers(session, requirement.id)),
        Kind.AMENDED,
        "Requirement amended",
        f'The buyer changed the {", ".join(labels)} of "{requirement.title}". '
        f"Check your quote before the deadline ({_deadline_text(requirement)}).",
    )


def cancelled(session: Session, requirement: Requirement, reason: str) -> None:
    _tell(
        session,
        requirement,
        supplier_users(session, _engaged_suppliers(session, requirement.id)),
        Kind.CANCELLED,
        "Requirement cancelled",
        f'The buyer cancelled "{requirement.title}". Reason given: {reason}',
    )


def quotes_ready(
    session: Session,
    requirement: Requirement,
    quote_count: int,
    *,
    closed_by: int | None = None,
) -> None:
    """Bidding has ended: the anchor's users may compare the quotes. ``closed_by`` is the
    user who closed it early, who is not told what it just did."""
    if closed_by is None:
        how = f'The quote deadline for "{requirement.title}" has passed.'
    else:
        how = f'Bidding on "{requirement.title}" was closed before the deadline.'
    everyone = active_users_of(session, [requirement.anchor_id])
    # "Quotes received, sealed until bidding ends" is over: those notices are done with.
    for notice in _unread_quote_notices(session, requirement, everyone):
        notice.read_at = utcnow()
    users = [u for u in everyone if u != closed_by]
    _tell(
        session,
        requirement,
        users,
        Kind.QUOTES_READY,
        "Bidding closed",
        f"{how} {_quotes_in_words(quote_count)} can now be compared.",
        dedup_key=f"quotes_ready:{requirement.id}",
    )


def _quotes_in_words(count: int) -> str:
    return "1 quote" if count == 1 else f"{count} quotes"


def _unread_quote_notices(session: Session, requirement: Requirement, users: list[int]):
    return session.exec(
        select(Notification).where(
            Notification.user_id.in_(users),
            Notification.kind == Kind.QUOTE_RECEIVED,
            Notification.link == requirement_path(requirement.id),
            Notification.read_at.is_(None),
        )
    ).all()


def quote_received(session: Session, requirement: Requirement, quote: Quote) -> None:
    """Tell the anchor's users that a sealed quote has come in. A user has one unread
    notice of it per requirement at a time, its count brought up to date by the quotes
    that follow: a storm of quotes is one notice, not one each. It names no supplier and
    no price (the quotes are sealed until bidding ends)."""
    count = session.exec(
        select(func.count()).select_from(Quote).where(Quote.requirement_id == requirement.id)
    ).one()
    subject = f"Quotes received: {requirement.title}"
    body = (
        f'{_quotes_in_words(count)} received so far for "{requirement.title}", sealed until '
        f"bidding ends ({_deadline_text(requirement)})."
    )
    users = active_users_of(session, [requirement.anchor_id])
    unread = _unread_quote_notices(session, requirement, users)
    for notice in unread:
        notice.subject, notice.body = subject[:200], body[:4000]
    waiting = {notice.user_id for notice in unread}
    enqueue(
        session,
        user_ids=[u for u in users if u not in waiting],
        kind=Kind.QUOTE_RECEIVED,
        subject=subject,
        body=body,
        link=requirement_path(requirement.id),
        dedup_key=f"quote_received:{quote.id}",
    )


def deadline_approaching(
    session: Session, requirement: Requirement, invitations: Iterable[Invitation]
) -> int:
    return sum(
        _tell(
            session,
            requirement,
            supplier_users(session, [invitation.supplier_id]),
            Kind.DEADLINE_APPROACHING,
            "Quote deadline approaching",
            f'Quotes for "{requirement.title}" close at {_deadline_text(requirement)}. '
            "You have not quoted yet.",
            dedup_key=f"deadline:{invitation.id}",
        )
        for invitation in invitations
    )


def award_outcome(
    session: Session,
    requirement: Requirement,
    *,
    awarded: dict[int, float | None],
    others: set[int],
) -> None:
    """Tell winners their allocation, and every other quoting supplier that it lost."""
    for supplier_id, quantity in awarded.items():
        share = f" for {quantity:g} per month" if quantity is not None else ""
        _tell(
            session,
            requirement,
            supplier_users(session, [supplier_id]),
            Kind.AWARDED,
            "Awarded",
            f'Your quote for "{requirement.title}" was accepted{share}.',
            dedup_key=f"awarded:{requirement.id}:{supplier_id}",
        )
    _tell(
        session,
        requirement,
        supplier_users(session, others),
        Kind.NOT_AWARDED,
        "Not awarded",
        f'Thank you for quoting for "{requirement.title}". '
        "The buyer has placed this requirement elsewhere.",
        dedup_key=f"not_awarded:{requirement.id}",
    )
