"""Who may see and do what with a requirement. Every read and write goes through here.

- The anchor's own users see and manage their requirements (admins may too).
- The coordinator of the requirement's cluster sees all of that cluster's requirements,
  budgets included, but does not manage them and never sees quote prices.
- A supplier (MSME) sees a requirement once it is out of draft if it was invited to it or
  has quoted on it, and any ``cluster``-visibility requirement of its own cluster while
  that is open for quotes. It never sees budgets, other invitations or other quotes.
- Other anchors, other clusters' coordinators and everyone else: the requirement does not
  exist for them (404, never 403, so that its existence is not revealed).
"""

import sqlalchemy as sa
from sqlmodel import Session, select

from suppliermatch.access import Actor, ActorKind
from suppliermatch.errors import Forbidden, NotFound, ValidationFailed
from suppliermatch.models_base import utcnow
from suppliermatch.requirements.lifecycle import Status, Visibility
from suppliermatch.requirements.models import Invitation, Quote, Requirement
from suppliermatch.translatable import N_

NOT_FOUND_MESSAGE = "No such requirement."


def check_can_post(actor: Actor) -> None:
    """Requirements are posted by an anchor firm's users (admins have no firm to post for)."""
    if actor.kind != ActorKind.ANCHOR or actor.organisation_id is None:
        raise Forbidden("Requirements are posted by an anchor firm's users.")


def can_manage(actor: Actor, requirement: Requirement) -> bool:
    return actor.is_admin or (
        actor.kind == ActorKind.ANCHOR and actor.organisation_id == requirement.anchor_id
    )


def can_oversee(actor: Actor, requirement: Requirement) -> bool:
    """Managers and the cluster's coordinator: they see budgets, invitations and the trail."""
    return can_manage(actor, requirement) or actor.coordinates(requirement.cluster_id)


def can_see_budget(actor: Actor, requirement: Requirement) -> bool:
    return can_oversee(actor, requirement)


def _supplier_condition(actor: Actor):
    """SQL condition: the requirements a supplier actor may see."""
    open_to_cluster = sa.and_(
        Requirement.status == Status.PUBLISHED,
        Requirement.quote_deadline > utcnow(),
        Requirement.visibility == Visibility.CLUSTER,
        Requirement.cluster_id.is_not(None),
        Requirement.cluster_id == actor.cluster_id,
    )
    if actor.supplier_id is None:
        return open_to_cluster
    involved = sa.or_(
        Requirement.id.in_(
            select(Invitation.requirement_id).where(Invitation.supplier_id == actor.supplier_id)
        ),
        Requirement.id.in_(
            select(Quote.requirement_id).where(Quote.supplier_id == actor.supplier_id)
        ),
    )
    return sa.or_(open_to_cluster, sa.and_(Requirement.status != Status.DRAFT, involved))


def visible_condition(actor: Actor):
    """SQL condition selecting the requirements ``actor`` may see."""
    if actor.is_admin:
        return sa.true()
    if actor.kind == ActorKind.ANCHOR:
        return Requirement.anchor_id == actor.organisation_id
    if actor.kind == ActorKind.COORDINATOR:
        return sa.and_(
            Requirement.cluster_id.is_not(None), Requirement.cluster_id == actor.cluster_id
        )
    if actor.kind == ActorKind.MSME:
        return _supplier_condition(actor)
    return sa.false()


# How the lists of requirements can be ordered: label, then the ORDER BY (ids break ties).
SORTS = {
    "newest": ("Newest first", (Requirement.created_at.desc(), Requirement.id.desc())),
    "deadline": (
        "Quote deadline, soonest first",
        (Requirement.quote_deadline.asc().nulls_last(), Requirement.id),
    ),
    "title": ("Title (A–Z)", (Requirement.title, Requirement.id)),
}
DEFAULT_SORT = "newest"


def visible_requirements(actor: Actor, *, status: str | None = None, sort: str = DEFAULT_SORT):
    """A statement for the requirements ``actor`` may see in the ``sort`` order (paginate it)."""
    if sort not in SORTS:
        raise ValidationFailed(
            N_("Sort by one of: %(sorts)s.", sorts=", ".join(SORTS)), field="sort"
        )
    statement = select(Requirement).where(visible_condition(actor))
    if status is not None:
        statement = statement.where(Requirement.status == status)
    return statement.order_by(*SORTS[sort][1])


def can_see(session: Session, actor: Actor, requirement: Requirement) -> bool:
    if can_oversee(actor, requirement):
        return True
    if actor.kind != ActorKind.MSME:
        return False
    statement = select(Requirement.id).where(
        Requirement.id == requirement.id, _supplier_condition(actor)
    )
    return session.exec(statement).first() is not None


def _get(session: Session, actor: Actor, requirement_id: int) -> Requirement:
    requirement = session.get(Requirement, requirement_id)
    if requirement is None or not can_see(session, actor, requirement):
        raise NotFound(NOT_FOUND_MESSAGE)
    return requirement


def get_visible(session: Session, actor: Actor, requirement_id: int) -> Requirement:
    return _get(session, actor, requirement_id)


def get_managed(session: Session, actor: Actor, requirement_id: int) -> Requirement:
    """A requirement the actor may change: 404 if it cannot even see it, else 403."""
    requirement = _get(session, actor, requirement_id)
    if not can_manage(actor, requirement):
        raise Forbidden("Only the anchor's own users can change this requirement.")
    return requirement


def get_overseen(session: Session, actor: Actor, requirement_id: int) -> Requirement:
    """A requirement whose invitations and history the actor may read."""
    requirement = _get(session, actor, requirement_id)
    if not can_oversee(actor, requirement):
        raise Forbidden("Only the anchor and the cluster coordinator can see this.")
    return requirement
