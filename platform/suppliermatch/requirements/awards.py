"""Awarding a closed requirement to one or more suppliers, and rating delivered work."""

from datetime import date, datetime

from sqlmodel import Session, select

from suppliermatch.access import Actor
from suppliermatch.dates import in_india_time, today_in_india
from suppliermatch.errors import Conflict, NotFound, ValidationFailed
from suppliermatch.requirements import notify
from suppliermatch.requirements.lifecycle import Status, as_utc, now_utc
from suppliermatch.requirements.models import Award, Quote, Rating
from suppliermatch.requirements.quotes import AWARDED, NOT_AWARDED
from suppliermatch.requirements.service import managed_as_of, move_to_awarded
from suppliermatch.requirements.visibility import get_managed, get_overseen
from suppliermatch.suppliers.models import Supplier
from suppliermatch.translatable import N_, marked

RATING_ASPECTS = ("quality", "on_time", "communication")


def award(
    session: Session,
    *,
    actor: Actor,
    requirement_id: int,
    allocations: list[dict],
    note: str | None = None,
    now: datetime | None = None,
) -> list[Award]:
    """Award a closed requirement; ``allocations`` is ``[{supplier_id, quantity_per_month}]``.

    Each awarded supplier must have quoted. Quantities split the monthly need and may not
    add up to more than it; with one supplier and no quantity, it gets all of it. Winners
    and the other quoting suppliers are notified; the requirement moves to awarded.
    """
    requirement, moment = managed_as_of(session, actor, requirement_id, now)
    if requirement.status != Status.CLOSED:
        raise Conflict(
            N_(
                "Only a closed requirement can be awarded; this one is %(status)s.",
                status=marked(requirement.status),
            )
        )
    if not allocations:
        raise ValidationFailed("Choose at least one supplier to award.", field="allocations")
    quotes = {
        q.supplier_id: q
        for q in session.exec(select(Quote).where(Quote.requirement_id == requirement.id))
    }
    chosen: dict[int, float | None] = {}
    for allocation in allocations:
        supplier_id = allocation["supplier_id"]
        if supplier_id not in quotes:
            raise ValidationFailed(
                N_("Supplier %(id)s has not quoted for this requirement.", id=supplier_id),
                field="allocations",
            )
        if supplier_id in chosen:
            raise ValidationFailed(
                N_("Supplier %(id)s is listed twice.", id=supplier_id), field="allocations"
            )
        chosen[supplier_id] = allocation.get("quantity_per_month")
    if len(chosen) == 1 and None in chosen.values():
        only = next(iter(chosen))
        chosen[only] = requirement.quantity_per_month
    elif None in chosen.values():
        raise ValidationFailed(
            "When splitting an award, give each supplier its quantity per month.",
            field="allocations",
        )
    total = sum(q for q in chosen.values() if q is not None)
    if requirement.quantity_per_month is not None and total > requirement.quantity_per_month:
        raise ValidationFailed(
            N_(
                "The awarded quantities add up to %(total)s per month, more than the "
                "%(required)s required.",
                total=f"{total:g}",
                required=f"{requirement.quantity_per_month:g}",
            ),
            field="allocations",
        )
    move_to_awarded(session, actor, requirement, note=note, now=moment)
    awards = []
    for supplier_id, quantity in chosen.items():
        quote = quotes[supplier_id]
        quote.status = AWARDED
        awards.append(
            Award(
                requirement_id=requirement.id,
                supplier_id=supplier_id,
                quote_id=quote.id,
                quantity_per_month=quantity,
                awarded_by_id=actor.user_id,
                created_at=moment,
            )
        )
    others = set(quotes) - set(chosen)
    for supplier_id in others:
        quotes[supplier_id].status = NOT_AWARDED
    session.add_all(awards)
    session.flush()
    notify.award_outcome(session, requirement, awarded=chosen, others=others)
    return awards


def awards_for(session: Session, *, actor: Actor, requirement_id: int) -> list[dict]:
    """Who was awarded what, with any rating: for the anchor and the cluster coordinator."""
    requirement = get_overseen(session, actor, requirement_id)
    rows = session.exec(
        select(Award, Supplier.legal_name)
        .join(Supplier, Supplier.id == Award.supplier_id)
        .where(Award.requirement_id == requirement.id)
        .order_by(Award.id)
    ).all()
    ratings = {
        r.award_id: r
        for r in session.exec(select(Rating).where(Rating.award_id.in_([a.id for a, _ in rows])))
    }
    return [
        {
            **a.model_dump(),
            "created_at": as_utc(a.created_at),
            "supplier_name": name,
            "rating": ratings.get(a.id),
        }
        for a, name in rows
    ]


def rate_award(
    session: Session,
    *,
    actor: Actor,
    requirement_id: int,
    award_id: int,
    data: dict,
    now: datetime | None = None,
) -> Rating:
    """The anchor rates delivered work (1-5 for each aspect), once per award."""
    requirement = get_managed(session, actor, requirement_id)
    the_award = session.get(Award, award_id)
    if the_award is None or the_award.requirement_id != requirement.id:
        raise NotFound("No such award for this requirement.")
    existing = session.exec(select(Rating).where(Rating.award_id == the_award.id)).first()
    if existing is not None:
        raise Conflict("This award has already been rated.")
    delivered_on: date = data["delivered_on"]
    if delivered_on > today_in_india(now):
        raise ValidationFailed("Rate the work after it is delivered.", field="delivered_on")
    if delivered_on < in_india_time(the_award.created_at).date():
        raise ValidationFailed(
            "The delivery date cannot be before the award.", field="delivered_on"
        )
    rating = Rating(
        award_id=the_award.id,
        delivered_on=delivered_on,
        comment=data.get("comment"),
        rated_by_id=actor.user_id,
        created_at=now_utc(now),
        **{aspect: data[aspect] for aspect in RATING_ASPECTS},
    )
    session.add(rating)
    session.flush()
    return rating
