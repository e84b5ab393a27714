"""Sealed quotes: a supplier prices each line item; nobody else sees the prices while bidding
is open. Once it has ended, the anchor's users (and admins) see every quote side by side.
Suppliers never see each other's quotes, at any time.

Every quote is checked against the requirement's hard constraints by the matching engine's
rule (``matching.service.hard_constraint_lacks``): the supplier sees what it lacks before
it quotes; the requirement's ``noncompliant_quotes`` says whether such a quote is accepted
(and marked, with what it lacks, wherever the buyer sees quotes) or refused.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, func, select

from suppliermatch.access import Actor, ActorKind
from suppliermatch.audit.service import record_security_event
from suppliermatch.errors import Conflict, Forbidden, NotFound, ValidationFailed
from suppliermatch.locking import claim
from suppliermatch.matching.service import hard_constraint_lacks
from suppliermatch.requirements import notify
from suppliermatch.requirements.invitations import DECLINED, own_invitation, record_quote_response
from suppliermatch.requirements.lifecycle import (
    NoncompliantQuotes,
    as_utc,
    bidding_closed_at,
    is_open_for_quotes,
    now_utc,
    quotes_unsealed,
)
from suppliermatch.requirements.models import Quote, QuoteLine, Requirement, RequirementLineItem
from suppliermatch.requirements.service import close_if_expired, line_items, supplier_lacks
from suppliermatch.requirements.visibility import get_managed, get_visible
from suppliermatch.suppliers.models import Supplier
from suppliermatch.translatable import N_, marked

SUBMITTED = "submitted"
AWARDED = "awarded"
NOT_AWARDED = "not_awarded"


def _require_supplier(actor: Actor) -> int:
    if actor.kind != ActorKind.MSME:
        raise Forbidden("Only suppliers quote.")
    if actor.supplier_id is None:
        raise Forbidden("Complete your supplier profile before quoting.")
    return actor.supplier_id


def _open_requirement_for(session: Session, actor: Actor, requirement_id: int, now) -> Requirement:
    requirement = get_visible(session, actor, requirement_id)
    close_if_expired(session, requirement, now=now)
    if not is_open_for_quotes(requirement, now):
        raise Conflict(
            N_(
                "This requirement is %(status)s: quotes are no longer accepted or changed.",
                status=marked(requirement.status),
            ),
        )
    return requirement


def _check_lines(session: Session, requirement: Requirement, lines: list[dict]) -> dict[int, float]:
    """One positive price for each line item of the requirement, and nothing else."""
    item_ids = [li.id for li in line_items(session, requirement.id)]
    prices: dict[int, float] = {}
    for line in lines:
        line_item_id = line["line_item_id"]
        if line_item_id not in item_ids:
            raise ValidationFailed(
                N_("Line item %(item)s is not part of this requirement.", item=line_item_id),
                field="lines",
            )
        if line_item_id in prices:
            raise ValidationFailed(
                N_("Line item %(item)s is priced twice.", item=line_item_id), field="lines"
            )
        prices[line_item_id] = round(float(line["unit_price_inr"]), 2)
    unpriced = [str(i) for i in item_ids if i not in prices]
    if unpriced:
        raise ValidationFailed(
            N_(
                "Give a unit price for every line item (missing: %(missing)s).",
                missing=", ".join(unpriced),
            ),
            field="lines",
        )
    return prices


def _check_hard_constraints(session: Session, requirement: Requirement, supplier_id: int) -> None:
    """Refuse the quote when the buyer refuses suppliers failing a hard constraint."""
    if requirement.noncompliant_quotes != NoncompliantQuotes.REFUSE:
        return
    lacks = supplier_lacks(session, requirement, supplier_id)
    if lacks:
        raise ValidationFailed(
            N_(
                "The buyer accepts quotes only from suppliers that meet every hard constraint "
                "of this requirement. You do not: %(lacks)s.",
                lacks="; ".join(lacks),
            ),
            errors={"hard_constraints": list(lacks)},
        )


def _check_validity(requirement: Requirement, valid_until) -> None:
    deadline = as_utc(requirement.quote_deadline)
    if deadline is not None and valid_until < deadline.date():
        raise ValidationFailed(
            "A quote must stay valid at least until the quote deadline.", field="valid_until"
        )


def submit_quote(
    session: Session,
    *,
    actor: Actor,
    requirement_id: int,
    data: dict,
    now: datetime | None = None,
) -> Quote:
    """The supplier's one quote for a requirement; a second submission is refused (edit it)."""
    supplier_id = _require_supplier(actor)
    moment = now_utc(now)
    requirement = _open_requirement_for(session, actor, requirement_id, moment)
    invitation = own_invitation(session, actor=actor, requirement_id=requirement.id)
    if invitation is not None and invitation.status == DECLINED:
        raise Conflict("You declined this invitation, so you cannot quote for it.")
    existing = session.exec(
        select(Quote.id).where(
            Quote.requirement_id == requirement.id, Quote.supplier_id == supplier_id
        )
    ).first()
    if existing is not None:
        raise Conflict("You have already quoted for this requirement; edit your quote instead.")
    prices = _check_lines(session, requirement, data["lines"])
    _check_validity(requirement, data["valid_until"])
    _check_hard_constraints(session, requirement, supplier_id)
    quote = Quote(
        requirement_id=requirement.id,
        supplier_id=supplier_id,
        submitted_by_id=actor.user_id,
        lead_time_days=data["lead_time_days"],
        valid_until=data["valid_until"],
        notes=data.get("notes"),
        created_at=moment,
        updated_at=moment,
    )
    session.add(quote)
    session.flush()
    for line_item_id, price in prices.items():
        session.add(QuoteLine(quote_id=quote.id, line_item_id=line_item_id, unit_price_inr=price))
    record_quote_response(
        session, requirement_id=requirement.id, supplier_id=supplier_id, now=moment
    )
    session.flush()
    notify.quote_received(session, requirement, quote)
    return quote


def update_quote(
    session: Session,
    *,
    actor: Actor,
    requirement_id: int,
    data: dict,
    version: int,
    now: datetime | None = None,
) -> Quote:
    """Revise one's own quote while bidding is open, based on the version one saw."""
    supplier_id = _require_supplier(actor)
    moment = now_utc(now)
    requirement = _open_requirement_for(session, actor, requirement_id, moment)
    quote = _own_quote(session, requirement.id, supplier_id)
    if quote is None:
        raise NotFound("You have not quoted for this requirement yet.")
    prices = _check_lines(session, requirement, data["lines"])
    _check_validity(requirement, data["valid_until"])
    _check_hard_constraints(session, requirement, supplier_id)
    claim(session, quote, what="quote", version=version)
    quote.lead_time_days = data["lead_time_days"]
    quote.valid_until = data["valid_until"]
    quote.notes = data.get("notes")
    quote.updated_at = moment
    current = {
        line.line_item_id: line
        for line in session.exec(select(QuoteLine).where(QuoteLine.quote_id == quote.id))
    }
    for line_item_id, price in prices.items():
        current[line_item_id].unit_price_inr = price
    session.flush()
    return quote


def _own_quote(session: Session, requirement_id: int, supplier_id: int) -> Quote | None:
    return session.exec(
        select(Quote).where(
            Quote.requirement_id == requirement_id, Quote.supplier_id == supplier_id
        )
    ).first()


def own_quote(session: Session, *, actor: Actor, requirement_id: int) -> Quote:
    supplier_id = _require_supplier(actor)
    requirement = get_visible(session, actor, requirement_id)
    quote = _own_quote(session, requirement.id, supplier_id)
    if quote is None:
        raise NotFound("You have not quoted for this requirement yet.")
    return quote


# -- showing quotes --------------------------------------------------------------------------


def quote_views(session: Session, quotes: Iterable[Quote]) -> list[dict]:
    """Quotes with their priced lines and totals (prices: only for those allowed to see),
    and what each supplier lacks of the requirement's hard constraints today."""
    quotes = list(quotes)
    if not quotes:
        return []
    lacks = {}
    for requirement_id in {q.requirement_id for q in quotes}:
        quoting = [q.supplier_id for q in quotes if q.requirement_id == requirement_id]
        found = hard_constraint_lacks(session, session.get(Requirement, requirement_id), quoting)
        lacks.update({(requirement_id, i): found.get(i, ()) for i in quoting})
    ids = [q.id for q in quotes]
    lines: dict[int, list[dict]] = {i: [] for i in ids}
    rows = session.exec(
        select(QuoteLine, RequirementLineItem)
        .join(RequirementLineItem, RequirementLineItem.id == QuoteLine.line_item_id)
        .where(QuoteLine.quote_id.in_(ids))
        .order_by(RequirementLineItem.id)
    )
    for line, item in rows:
        lines[line.quote_id].append(
            {
                "line_item_id": item.id,
                "item": item.item,
                "quantity": item.quantity,
                "unit": item.unit,
                "unit_price_inr": line.unit_price_inr,
                "line_total_inr": round(line.unit_price_inr * item.quantity, 2),
            }
        )
    names = dict(
        session.exec(
            select(Supplier.id, Supplier.legal_name).where(
                Supplier.id.in_({q.supplier_id for q in quotes})
            )
        ).all()
    )
    return [
        {
            **quote.model_dump(),
            "created_at": as_utc(quote.created_at),
            "updated_at": as_utc(quote.updated_at),
            "supplier_name": names.get(quote.supplier_id),
            "lines": lines[quote.id],
            "total_inr": round(sum(line["line_total_inr"] for line in lines[quote.id]), 2),
            "lacks": list(lacks[(quote.requirement_id, quote.supplier_id)]),
            "meets_hard_constraints": not lacks[(quote.requirement_id, quote.supplier_id)],
        }
        for quote in quotes
    ]


@dataclass
class Comparison:
    """The anchor's view of the quotes: a count while sealed, everything once unsealed."""

    requirement: Requirement
    sealed: bool
    quote_count: int
    opens_at: datetime | None
    line_items: list[RequirementLineItem] = field(default_factory=list)
    quotes: list[dict] = field(default_factory=list)

    @property
    def noncompliant(self) -> int:
        return sum(1 for q in self.quotes if not q["meets_hard_constraints"])


def compare_quotes(
    session: Session, *, actor: Actor, requirement_id: int, now: datetime | None = None
) -> Comparison:
    """Quotes side by side for the anchor once bidding has ended: those whose supplier
    meets every hard constraint first, then the others (marked with what they lack), each
    group cheapest total first, so that a cheap non-compliant quote never tops the list.

    Opening the prices is recorded in the security log (who looked, at which requirement).
    """
    requirement = get_managed(session, actor, requirement_id)
    moment = now_utc(now)
    count = session.exec(
        select(func.count()).select_from(Quote).where(Quote.requirement_id == requirement.id)
    ).one()
    if not quotes_unsealed(requirement, moment):
        return Comparison(
            requirement=requirement,
            sealed=True,
            quote_count=count,
            opens_at=as_utc(requirement.quote_deadline),
        )
    quotes = session.exec(select(Quote).where(Quote.requirement_id == requirement.id)).all()
    views = sorted(
        quote_views(session, quotes),
        key=lambda q: (not q["meets_hard_constraints"], q["total_inr"], q["id"]),
    )
    record_security_event(
        session,
        "quotes_viewed",
        user_id=actor.user_id,
        entity_type="requirement",
        entity_id=requirement.id,
    )
    return Comparison(
        requirement=requirement,
        sealed=False,
        quote_count=count,
        opens_at=bidding_closed_at(requirement, moment),
        line_items=line_items(session, requirement.id),
        quotes=views,
    )
