"""Requirements (RFQs): create, edit, move through their lifecycle, and show to each reader.

Functions take the session first and keyword-only arguments, check access through
``visibility``, and never commit: the view or command owns the unit of work. ``now`` is
injectable so that deadlines can be tested without waiting.
"""

from collections import Counter
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlmodel import Session, func, select

from suppliermatch.access import Actor, ActorKind
from suppliermatch.accounts.models import Organisation, OrganisationKind
from suppliermatch.audit.service import entity_history, record_transition
from suppliermatch.errors import Conflict, ValidationFailed
from suppliermatch.locking import claim
from suppliermatch.matching.service import hard_constraint_lacks
from suppliermatch.reference.geo import coordinates_for_pincode
from suppliermatch.reference.identifiers import IdentifierError
from suppliermatch.requirements import notify
from suppliermatch.requirements.lifecycle import (
    ACTION_FOR,
    EDITABLE_STATES,
    Status,
    as_utc,
    deadline_passed,
    effective_status,
    is_allowed,
    now_utc,
)
from suppliermatch.requirements.models import (
    Invitation,
    Quote,
    Requirement,
    RequirementLineItem,
)
from suppliermatch.requirements.visibility import (
    can_manage,
    can_oversee,
    can_see_budget,
    check_can_post,
    get_managed,
    get_overseen,
)
from suppliermatch.translatable import N_, marked

ENTITY = "requirement"
# The columns a client may set; everything else (owner, cluster, status, version,
# timestamps) is the server's to decide.
EDITABLE_FIELDS = (
    "title",
    "description",
    "category",
    "process",
    "quantity_per_month",
    "quantity_unit",
    "tolerance_mm",
    "materials",
    "required_certs",
    "preferred_certs",
    "plant_name",
    "plant_pincode",
    "plant_lat",
    "plant_lon",
    "max_distance_km",
    "needed_by",
    "quote_deadline",
    "budget_min_inr",
    "budget_max_inr",
    "visibility",
    "noncompliant_quotes",
)
BUDGET_FIELDS = ("budget_min_inr", "budget_max_inr")
LINE_ITEM_FIELDS = ("item", "quantity", "unit", "spec_reference")


# -- creating and editing -------------------------------------------------------------------


def create_requirement(
    session: Session,
    *,
    actor: Actor,
    data: dict,
    external_ref: str | None = None,
    now: datetime | None = None,
) -> Requirement:
    """A new draft for the actor's anchor firm. ``data`` is a loaded RequirementInputSchema."""
    check_can_post(actor)
    anchor = session.get(Organisation, actor.organisation_id)
    return create_for_anchor(
        session,
        anchor=anchor,
        created_by_id=actor.user_id,
        data=data,
        external_ref=external_ref,
        now=now,
    )


def create_for_anchor(
    session: Session,
    *,
    anchor: Organisation,
    created_by_id: int | None,
    data: dict,
    external_ref: str | None = None,
    now: datetime | None = None,
) -> Requirement:
    """A new draft for ``anchor`` (also used by the importer and the demo seed)."""
    if anchor.kind != OrganisationKind.ANCHOR:
        raise ValidationFailed("Requirements belong to an anchor firm.", field="anchor")
    moment = now_utc(now)
    requirement = Requirement(
        anchor_id=anchor.id,
        cluster_id=anchor.cluster_id,
        created_by_id=created_by_id,
        external_ref=external_ref,
        title=data["title"],
        category=data.get("category"),
        created_at=moment,
        updated_at=moment,
    )
    _apply_fields(requirement, data)
    session.add(requirement)
    session.flush()
    _replace_line_items(session, requirement, data.get("line_items") or [])
    record_transition(
        session,
        actor_user_id=created_by_id,
        entity_type=ENTITY,
        entity_id=requirement.id,
        action="created",
        to_state=Status.DRAFT,
    )
    return requirement


def update_requirement(
    session: Session,
    *,
    actor: Actor,
    requirement_id: int,
    data: dict,
    version: int,
    note: str | None = None,
    now: datetime | None = None,
) -> Requirement:
    """Edit a draft or published requirement, based on the version the editor saw.

    Editing a published requirement is an amendment: it is recorded in the audit trail and
    the invited and quoting suppliers are told what changed (never the budget).
    """
    requirement, moment = managed_as_of(session, actor, requirement_id, now)
    status = Status(requirement.status)
    if status not in EDITABLE_STATES:
        raise Conflict(
            N_("A %(status)s requirement can no longer be edited.", status=marked(status))
        )
    changed = [
        f for f in EDITABLE_FIELDS if f in data and _differs(getattr(requirement, f), data[f])
    ]
    line_items_change = "line_items" in data and _line_items_differ(
        session, requirement, data["line_items"]
    )
    if line_items_change and _quote_count(session, requirement.id):
        raise Conflict(
            "Line items cannot change once quotes have arrived: quotes price each line.",
            field="line_items",
        )
    if status == Status.PUBLISHED and "quote_deadline" in changed:
        deadline = as_utc(data["quote_deadline"])
        if deadline is None or deadline <= moment:
            raise ValidationFailed(
                "A published requirement needs a quote deadline in the future.",
                field="quote_deadline",
            )
    claim(session, requirement, what="requirement", version=version, status=status)
    _apply_fields(requirement, {f: data[f] for f in changed})
    requirement.updated_at = moment
    if line_items_change:
        _replace_line_items(session, requirement, data["line_items"])
        changed.append("line_items")
    if status == Status.PUBLISHED and changed:
        record_transition(
            session,
            actor_user_id=actor.user_id,
            entity_type=ENTITY,
            entity_id=requirement.id,
            action="amended",
            from_state=status,
            to_state=status,
            note=note,
            # Field names only: values (the budget above all) stay out of the trail.
            details={"fields": changed},
        )
        shown_to_suppliers = [f for f in changed if f not in BUDGET_FIELDS]
        if shown_to_suppliers:
            notify.amended(session, requirement, shown_to_suppliers)
    elif changed:
        record_transition(
            session,
            actor_user_id=actor.user_id,
            entity_type=ENTITY,
            entity_id=requirement.id,
            action="edited",
            from_state=status,
            to_state=status,
            details={"fields": changed},
        )
    session.flush()
    return requirement


def _differs(current, new) -> bool:
    if isinstance(current, datetime) or isinstance(new, datetime):
        return as_utc(current) != as_utc(new)
    return current != new


def _apply_fields(requirement: Requirement, data: dict) -> None:
    for field in EDITABLE_FIELDS:
        if field in data:
            setattr(requirement, field, data[field])
    if requirement.quote_deadline is not None:
        requirement.quote_deadline = as_utc(requirement.quote_deadline)
    # A PIN code given without coordinates places the plant at the PIN code's centre.
    if data.get("plant_pincode") and (
        data.get("plant_lat") is None or data.get("plant_lon") is None
    ):
        try:
            coordinates = coordinates_for_pincode(data["plant_pincode"])
        except IdentifierError as error:
            raise ValidationFailed(str(error), field="plant_pincode") from error
        requirement.plant_lat, requirement.plant_lon = coordinates or (None, None)
    elif "plant_pincode" in data and data["plant_pincode"] is None and "plant_lat" not in data:
        # The PIN code taken away takes the place it gave with it.
        requirement.plant_lat = requirement.plant_lon = None
    _check_complete_budget(requirement)


def _check_complete_budget(requirement: Requirement) -> None:
    low, high = requirement.budget_min_inr, requirement.budget_max_inr
    if low is not None and high is not None and low > high:
        raise ValidationFailed(
            "The budget's lower end is above its upper end.", field="budget_max_inr"
        )


def line_items(session: Session, requirement_id: int) -> list[RequirementLineItem]:
    return list(
        session.exec(
            select(RequirementLineItem)
            .where(RequirementLineItem.requirement_id == requirement_id)
            .order_by(RequirementLineItem.id)
        )
    )


def _line_items_differ(session: Session, requirement: Requirement, wanted: list[dict]) -> bool:
    current = [
        tuple(getattr(li, f) for f in LINE_ITEM_FIELDS)
        for li in line_items(session, requirement.id)
    ]
    return current != [tuple(item.get(f) for f in LINE_ITEM_FIELDS) for item in wanted]


def _replace_line_items(session: Session, requirement: Requirement, wanted: list[dict]) -> None:
    for existing in line_items(session, requirement.id):
        session.delete(existing)
    session.flush()
    for item in wanted:
        session.add(
            RequirementLineItem(
                requirement_id=requirement.id, **{f: item.get(f) for f in LINE_ITEM_FIELDS}
            )
        )
    session.flush()


# -- lifecycle --------------------------------------------------------------------------------


def publish(
    session: Session,
    *,
    actor: Actor,
    requirement_id: int,
    version: int | None = None,
    reason: str | None = None,
    now: datetime | None = None,
) -> Requirement:
    requirement, moment = managed_as_of(session, actor, requirement_id, now)
    _refuse_illegal(requirement, Status.PUBLISHED)
    problems = {}
    if requirement.quote_deadline is None or deadline_passed(requirement, moment):
        problems["quote_deadline"] = ["Set a quote deadline in the future before publishing."]
    if not line_items(session, requirement.id):
        problems["line_items"] = ["Add at least one line item for suppliers to price."]
    if problems:
        raise ValidationFailed("This requirement is not ready to publish.", errors=problems)
    _move(session, actor, requirement, Status.PUBLISHED, version=version, reason=reason, now=moment)
    notify.invited(session, requirement, _invitations(session, requirement.id))
    return requirement


def close(
    session: Session,
    *,
    actor: Actor,
    requirement_id: int,
    version: int | None = None,
    reason: str | None = None,
    now: datetime | None = None,
) -> Requirement:
    """The anchor ends bidding before the deadline; quotes are unsealed for it from now on."""
    requirement, moment = managed_as_of(session, actor, requirement_id, now)
    _move(
        session,
        actor,
        requirement,
        Status.CLOSED,
        version=version,
        reason=reason or "Closed by the anchor before the quote deadline.",
        now=moment,
        values={"closed_at": moment},
    )
    notify.quotes_ready(
        session, requirement, _quote_count(session, requirement.id), closed_by=actor.user_id
    )
    return requirement


def cancel(
    session: Session,
    *,
    actor: Actor,
    requirement_id: int,
    reason: str,
    version: int | None = None,
    now: datetime | None = None,
) -> Requirement:
    requirement, moment = managed_as_of(session, actor, requirement_id, now)
    was = Status(requirement.status)
    _move(session, actor, requirement, Status.CANCELLED, version=version, reason=reason, now=moment)
    if was != Status.DRAFT:
        notify.cancelled(session, requirement, reason)
    return requirement


def close_if_expired(
    session: Session, requirement: Requirement, *, now: datetime | None = None
) -> bool:
    """Record the close of a published requirement whose deadline has passed. True if closed."""
    if requirement.status != Status.PUBLISHED or not deadline_passed(requirement, now):
        return False
    deadline = as_utc(requirement.quote_deadline)
    claim(
        session,
        requirement,
        what="requirement",
        status=Status.PUBLISHED,
        conflict_message="This requirement was closed meanwhile.",
        values={"status": Status.CLOSED, "closed_at": deadline},
    )
    record_transition(
        session,
        actor_user_id=None,
        entity_type=ENTITY,
        entity_id=requirement.id,
        action="closed",
        from_state=Status.PUBLISHED,
        to_state=Status.CLOSED,
        note=f"Quote deadline passed ({deadline.isoformat(timespec='minutes')}).",
    )
    notify.quotes_ready(session, requirement, _quote_count(session, requirement.id))
    return True


def managed_as_of(
    session: Session, actor: Actor, requirement_id: int, now: datetime | None
) -> tuple[Requirement, datetime]:
    """A requirement the actor manages, brought up to date with the clock (an expired
    deadline is recorded as a close before anything else happens to it)."""
    requirement = get_managed(session, actor, requirement_id)
    moment = now_utc(now)
    close_if_expired(session, requirement, now=moment)
    return requirement, moment


def close_expired(session: Session, *, now: datetime | None = None) -> list[Requirement]:
    """Close every published requirement whose quote deadline has passed."""
    moment = now_utc(now)
    overdue = session.exec(
        select(Requirement).where(
            Requirement.status == Status.PUBLISHED,
            Requirement.quote_deadline.is_not(None),
            Requirement.quote_deadline <= moment,
        )
    ).all()
    return [r for r in overdue if close_if_expired(session, r, now=moment)]


def send_deadline_reminders(
    session: Session, *, within: timedelta = timedelta(hours=48), now: datetime | None = None
) -> int:
    """Remind invited suppliers who have not quoted yet that a deadline is near (once each)."""
    moment = now_utc(now)
    closing_soon = session.exec(
        select(Requirement).where(
            Requirement.status == Status.PUBLISHED,
            Requirement.quote_deadline > moment,
            Requirement.quote_deadline <= moment + within,
        )
    ).all()
    sent = 0
    for requirement in closing_soon:
        quoted = set(
            session.exec(select(Quote.supplier_id).where(Quote.requirement_id == requirement.id))
        )
        waiting = [
            i
            for i in _invitations(session, requirement.id)
            if i.status == "invited" and i.supplier_id not in quoted
        ]
        sent += notify.deadline_approaching(session, requirement, waiting)
    return sent


def _refuse_illegal(requirement: Requirement, to: Status) -> None:
    current = Status(requirement.status)
    if not is_allowed(current, to):
        raise Conflict(
            N_(
                "A %(status)s requirement cannot be %(action)s.",
                status=marked(current),
                action=marked(ACTION_FOR[to]),
            ),
            field="status",
        )


def _move(
    session: Session,
    actor: Actor,
    requirement: Requirement,
    to: Status,
    *,
    version: int | None,
    reason: str | None,
    now: datetime,
    values: dict | None = None,
) -> None:
    _refuse_illegal(requirement, to)
    current = Status(requirement.status)
    claim(
        session,
        requirement,
        what="requirement",
        version=version,
        status=current,
        conflict_message=f"This requirement is no longer {current}; reload it.",
        values={"status": to, "updated_at": now, **(values or {})},
    )
    record_transition(
        session,
        actor_user_id=actor.user_id,
        entity_type=ENTITY,
        entity_id=requirement.id,
        action=ACTION_FOR[to],
        from_state=current,
        to_state=to,
        note=reason,
    )


def move_to_awarded(
    session: Session, actor: Actor, requirement: Requirement, *, note: str | None, now: datetime
) -> None:
    """closed -> awarded; the awards module calls this after writing the awards."""
    _move(session, actor, requirement, Status.AWARDED, version=None, reason=note, now=now)


def history(session: Session, *, actor: Actor, requirement_id: int):
    requirement = get_overseen(session, actor, requirement_id)
    return entity_history(session, ENTITY, requirement.id)


# -- what each reader sees ------------------------------------------------------------------------


def _invitations(session: Session, requirement_id: int) -> list[Invitation]:
    return list(
        session.exec(
            select(Invitation)
            .where(Invitation.requirement_id == requirement_id)
            .order_by(Invitation.id)
        )
    )


def _quote_count(session: Session, requirement_id: int) -> int:
    return session.exec(
        select(func.count()).select_from(Quote).where(Quote.requirement_id == requirement_id)
    ).one()


def _count_by_requirement(session: Session, model, ids: list[int]) -> Counter:
    rows = session.exec(
        select(model.requirement_id, func.count())
        .where(model.requirement_id.in_(ids))
        .group_by(model.requirement_id)
    )
    return Counter(dict(rows.all()))


def requirement_views(
    session: Session, *, actor: Actor, requirements: Iterable[Requirement], now=None
) -> list[dict]:
    """Requirements as ``actor`` may see them: budgets, counts and own quote by role."""
    requirements = list(requirements)
    if not requirements:
        return []
    moment = now_utc(now)
    ids = [r.id for r in requirements]
    items: dict[int, list] = {i: [] for i in ids}
    for li in session.exec(
        select(RequirementLineItem)
        .where(RequirementLineItem.requirement_id.in_(ids))
        .order_by(RequirementLineItem.id)
    ):
        items[li.requirement_id].append(li)
    anchors = {
        o.id: o.name
        for o in session.exec(
            select(Organisation).where(Organisation.id.in_({r.anchor_id for r in requirements}))
        )
    }
    overseen = [r.id for r in requirements if can_oversee(actor, r)]
    quote_counts = _count_by_requirement(session, Quote, overseen) if overseen else Counter()
    invitation_counts = (
        _count_by_requirement(session, Invitation, overseen) if overseen else Counter()
    )
    mine_invited, mine_quoted = {}, {}
    if actor.kind == ActorKind.MSME and actor.supplier_id is not None:
        mine_invited = {
            i.requirement_id: i
            for i in session.exec(
                select(Invitation).where(
                    Invitation.supplier_id == actor.supplier_id, Invitation.requirement_id.in_(ids)
                )
            )
        }
        mine_quoted = {
            q.requirement_id: q
            for q in session.exec(
                select(Quote).where(
                    Quote.supplier_id == actor.supplier_id, Quote.requirement_id.in_(ids)
                )
            )
        }

    views = []
    for r in requirements:
        view = {field: getattr(r, field) for field in EDITABLE_FIELDS if field not in BUDGET_FIELDS}
        view.update(
            id=r.id,
            external_ref=r.external_ref,
            anchor_id=r.anchor_id,
            anchor_name=anchors.get(r.anchor_id),
            cluster_id=r.cluster_id,
            quote_deadline=as_utc(r.quote_deadline),
            closed_at=as_utc(r.closed_at),
            status=effective_status(r, moment).value,
            open_for_quotes=effective_status(r, moment) == Status.PUBLISHED,
            version=r.version,
            created_at=as_utc(r.created_at),
            updated_at=as_utc(r.updated_at),
            line_items=items[r.id],
            can_manage=can_manage(actor, r),
        )
        if can_see_budget(actor, r):
            view.update(budget_min_inr=r.budget_min_inr, budget_max_inr=r.budget_max_inr)
        if r.id in overseen:
            view.update(quote_count=quote_counts[r.id], invitation_count=invitation_counts[r.id])
        if actor.kind == ActorKind.MSME:
            invitation = mine_invited.get(r.id)
            quote = mine_quoted.get(r.id)
            view.update(
                invited=invitation is not None,
                invitation_status=invitation.status if invitation else None,
                my_quote_id=quote.id if quote else None,
                my_quote_status=quote.status if quote else None,
            )
        views.append(view)
    return views


def requirement_view(session: Session, *, actor: Actor, requirement: Requirement, now=None) -> dict:
    """One requirement as ``actor`` may see it; for a supplier also what it lacks of the
    hard constraints (``my_lacks``), so that it knows before it quotes."""
    view = requirement_views(session, actor=actor, requirements=[requirement], now=now)[0]
    if actor.kind == ActorKind.MSME and actor.supplier_id is not None:
        view["my_lacks"] = list(supplier_lacks(session, requirement, actor.supplier_id))
    return view


def supplier_lacks(session: Session, requirement: Requirement, supplier_id: int) -> tuple[str, ...]:
    """The hard constraints of ``requirement`` the supplier fails, in words (empty: none)."""
    return hard_constraint_lacks(session, requirement, [supplier_id]).get(supplier_id, ())
