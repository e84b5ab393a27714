"""What the people involved in a requirement are told, written to the outbox in the same
transaction as the event. Messages to suppliers never carry budgets, prices or the names
of other suppliers.
"""

from collections.abc import Iterable

from sqlmodel import Session, func, select

from suppliermatch.formats import when
from suppliermatch.i18n import gettext, ngettext, translated
from suppliermatch.models_base import utcnow
from suppliermatch.notifications.models import Notification
from suppliermatch.notifications.service import (
    Kind,
    Text,
    active_users_of,
    enqueue,
    enqueue_for_listed_supplier,
    languages_of,
    written_for,
)
from suppliermatch.onboarding.models import SupplierInvitation
from suppliermatch.requirements.models import Invitation, Quote, Requirement
from suppliermatch.suppliers.models import Supplier
from suppliermatch.translatable import N_

FIELD_LABELS = {
    "title": N_("title"),
    "description": N_("description"),
    "category": N_("category"),
    "process": N_("process"),
    "quantity_per_month": N_("quantity per month"),
    "quantity_unit": N_("quantity unit"),
    "tolerance_mm": N_("tolerance"),
    "materials": N_("materials"),
    "required_certs": N_("required certificates"),
    "preferred_certs": N_("preferred certificates"),
    "plant_name": N_("plant"),
    "plant_pincode": N_("plant PIN code"),
    "plant_lat": N_("plant location"),
    "plant_lon": N_("plant location"),
    "max_distance_km": N_("maximum distance"),
    "needed_by": N_("needed-by date"),
    "quote_deadline": N_("quote deadline"),
    "visibility": N_("visibility"),
    "line_items": N_("line items"),
    "drawings": N_("drawings"),
    # Only the buyer's own pages name these: suppliers are never told of the budget.
    "budget_min_inr": N_("budget (lowest)"),
    "budget_max_inr": N_("budget (highest)"),
}


def requirement_path(requirement_id: int) -> str:
    return f"/requirements/{requirement_id}"


def _deadline_text(requirement: Requirement) -> str:
    return when(requirement.quote_deadline, missing=gettext("not set"))


def _now(text: Text) -> str:
    """``text`` in the language being written now (the recipient's, inside ``enqueue``)."""
    return text() if callable(text) else text


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
    subject: Text,
    body: Text,
    dedup_key: str | None = None,
) -> int:
    """Queue one notification per user, linking to the requirement. Returns how many.
    ``subject`` and ``body`` are written in each user's language (functions: see
    notifications.service)."""
    return len(
        enqueue(
            session,
            user_ids=user_ids,
            kind=kind,
            subject=lambda: gettext(
                "%(subject)s: %(title)s",
                subject=_now(subject),
                title=requirement.title,
            ),
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

        def text(requirement=requirement):
            return gettext(
                'You are invited to quote for "%(title)s". '
                "Quotes are sealed and due by %(deadline)s.",
                title=requirement.title,
                deadline=_deadline_text(requirement),
            )

        users = supplier_users(session, [invitation.supplier_id])
        if users:
            _tell(
                session,
                requirement,
                users,
                Kind.INVITED,
                lambda: gettext("Invitation to quote"),
                text,
                dedup_key=f"invited:{invitation.id}",
            )
        else:
            _tell_listed_supplier(session, requirement, invitation, text)


def _tell_listed_supplier(
    session: Session, requirement: Requirement, invitation: Invitation, text: Text
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
        subject=lambda: gettext("Invitation to quote: %(title)s", title=requirement.title),
        body=lambda: (
            written_for(text, None)
            + " "
            + gettext(
                "%(name)s is listed on SupplierMatch by your cluster coordinator; to see the "
                "requirement and quote, follow the link to claim the profile and set a password.",
                name=supplier.legal_name,
            )
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
    labels = {FIELD_LABELS.get(f, f) for f in fields}
    _tell(
        session,
        requirement,
        supplier_users(session, _engaged_suppliers(session, requirement.id)),
        Kind.AMENDED,
        lambda: gettext("Requirement amended"),
        lambda: gettext(
            'The buyer changed the %(fields)s of "%(title)s". '
            "Check your quote before the deadline (%(deadline)s).",
            fields=", ".join(sorted(translated(label) for label in labels)),
            title=requirement.title,
            deadline=_deadline_text(requirement),
        ),
    )


def cancelled(session: Session, requirement: Requirement, reason: str) -> None:
    _tell(
        session,
        requirement,
        supplier_users(session, _engaged_suppliers(session, requirement.id)),
        Kind.CANCELLED,
        lambda: gettext("Requirement cancelled"),
        lambda: gettext(
            'The buyer cancelled "%(title)s". Reason given: %(reason)s',
            title=requirement.title,
            reason=reason,
        ),
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

    def how():
        if closed_by is None:
            return gettext(
                'The quote deadline for "%(title)s" has passed.', title=requirement.title
            )
        return gettext(
            'Bidding on "%(title)s" was closed before the deadline.', title=requirement.title
        )

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
        lambda: gettext("Bidding closed"),
        lambda: (
            how()
            + " "
            + ngettext(
                "%(num)d quote can now be compared.",
                "%(num)d quotes can now be compared.",
                quote_count,
            )
        ),
        dedup_key=f"quotes_ready:{requirement.id}",
    )


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

    def subject():
        return gettext("Quotes received: %(title)s", title=requirement.title)

    def body():
        return ngettext(
            '%(num)d quote received so far for "%(title)s", sealed until bidding ends '
            "(%(deadline)s).",
            '%(num)d quotes received so far for "%(title)s", sealed until bidding ends '
            "(%(deadline)s).",
            count,
            title=requirement.title,
            deadline=_deadline_text(requirement),
        )

    users = active_users_of(session, [requirement.anchor_id])
    unread = _unread_quote_notices(session, requirement, users)
    languages = languages_of(session, [notice.user_id for notice in unread])
    for notice in unread:
        language = languages.get(notice.user_id)
        notice.subject = written_for(subject, language)[:200]
        notice.body = written_for(body, language)[:4000]
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
            lambda: gettext("Quote deadline approaching"),
            lambda: gettext(
                'Quotes for "%(title)s" close at %(deadline)s. You have not quoted yet.',
                title=requirement.title,
                deadline=_deadline_text(requirement),
            ),
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

        def accepted(quantity=quantity):
            if quantity is None:
                return gettext('Your quote for "%(title)s" was accepted.', title=requirement.title)
            return gettext(
                'Your quote for "%(title)s" was accepted for %(quantity)s per month.',
                title=requirement.title,
                quantity=f"{quantity:g}",
            )

        _tell(
            session,
            requirement,
            supplier_users(session, [supplier_id]),
            Kind.AWARDED,
            lambda: gettext("Awarded"),
            accepted,
            dedup_key=f"awarded:{requirement.id}:{supplier_id}",
        )
    _tell(
        session,
        requirement,
        supplier_users(session, others),
        Kind.NOT_AWARDED,
        lambda: gettext("Not awarded"),
        lambda: gettext(
            'Thank you for quoting for "%(title)s". '
            "The buyer has placed this requirement elsewhere.",
            title=requirement.title,
        ),
        dedup_key=f"not_awarded:{requirement.id}",
    )
