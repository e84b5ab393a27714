"""Demo requirements for ``flask seed demo``: seeds/demo/requirements.json, posted by each
anchor's first user through the service (validated like any other), idempotent by ref.

A record with a ``cycle`` plays the rest of the RFQ cycle through the same services a
person would use: invitations, quotes from the invited suppliers' own logins, and, by the
record's status, closing early (the quotes are unsealed), awarding and rating. Such a
record gives its dates as days from the day of loading (``deadline_in_days``,
``needed_in_days``), so that the demo shows the same states whenever it is loaded.
"""

import json
from collections.abc import Callable
from datetime import timedelta

from sqlmodel import Session, select

from suppliermatch.access import Actor, actor_for_user
from suppliermatch.accounts.models import Organisation, OrganisationKind, User
from suppliermatch.dates import today_in_india
from suppliermatch.models_base import utcnow
from suppliermatch.paths import SEEDS_DIR
from suppliermatch.requirements import awards, invitations, quotes, service
from suppliermatch.requirements.lifecycle import Status, deadline_passed
from suppliermatch.requirements.models import Requirement
from suppliermatch.requirements.schemas import (
    AwardInputSchema,
    QuoteInputSchema,
    RatingInputSchema,
    RequirementInputSchema,
)
from suppliermatch.suppliers.models import Supplier

DEMO_FILE = SEEDS_DIR / "demo" / "requirements.json"
# The demo requirement whose budget the security tests look for in supplier responses.
SENTINEL_BUDGET_REF = "VIN-RFQ-2026-007"
SENTINEL_BUDGET_INR = 86420975
NOT_FIELDS = ("ref", "anchor", "status", "cycle", "deadline_in_days", "needed_in_days")


def load_demo_requirements(session: Session, progress: Callable[[str], None] = print) -> int:
    """Create the demo requirements that do not exist yet; returns how many were created."""
    records = json.loads(DEMO_FILE.read_text(encoding="utf-8"))["requirements"]
    schema = RequirementInputSchema()
    created = 0
    for record in records:
        exists = session.exec(
            select(Requirement.id).where(Requirement.external_ref == record["ref"])
        ).first()
        if exists is not None:
            continue
        actor = actor_for_user(session, _buyer(session, record["anchor"]))
        data = schema.load(_fields(record))
        requirement = service.create_requirement(
            session, actor=actor, data=data, external_ref=record["ref"]
        )
        if "cycle" in record:
            _play_cycle(session, actor, requirement, record)
        elif record["status"] == "published":
            if deadline_passed(requirement):
                progress(f"{record['ref']}: quote deadline already passed, left as a draft")
            else:
                service.publish(session, actor=actor, requirement_id=requirement.id)
        created += 1
    session.flush()
    progress(f"requirements: {created} new")
    return created


def _buyer(session: Session, anchor_name: str) -> User:
    user = session.exec(
        select(User)
        .join(Organisation, Organisation.id == User.organisation_id)
        .where(Organisation.kind == OrganisationKind.ANCHOR, Organisation.name == anchor_name)
        .order_by(User.id)
    ).first()
    if user is None:
        raise ValueError(f"Demo requirement for unknown anchor '{anchor_name}' (see users.json)")
    return user


def _fields(record: dict) -> dict:
    fields = {k: v for k, v in record.items() if k not in NOT_FIELDS}
    now = utcnow()
    if "deadline_in_days" in record:
        fields["quote_deadline"] = (now + timedelta(days=record["deadline_in_days"])).isoformat()
    if "needed_in_days" in record:
        needed = today_in_india(now) + timedelta(days=record["needed_in_days"])
        fields["needed_by"] = needed.isoformat()
    return fields


def _play_cycle(session: Session, buyer: Actor, requirement: Requirement, record: dict) -> None:
    """Invite, quote, and move the requirement on to the record's status."""
    cycle = record["cycle"]
    suppliers = _suppliers(session, [*cycle["invite"], *(q["supplier"] for q in cycle["quotes"])])
    service.publish(session, actor=buyer, requirement_id=requirement.id)
    invitations.invite_suppliers(
        session,
        actor=buyer,
        requirement_id=requirement.id,
        supplier_ids=[suppliers[ref].id for ref in cycle["invite"]],
    )
    for quote in cycle["quotes"]:
        _quote(session, requirement, suppliers[quote["supplier"]], quote)
    if record["status"] == Status.PUBLISHED:
        return  # bidding still open: the quotes stay sealed
    service.close(session, actor=buyer, requirement_id=requirement.id)
    if record["status"] == Status.CLOSED:
        return  # quotes open for the buyer to compare, no decision yet
    winner = suppliers[cycle["award"]]
    allocation = AwardInputSchema().load({"allocations": [{"supplier_id": winner.id}]})
    (award,) = awards.award(
        session, actor=buyer, requirement_id=requirement.id, allocations=allocation["allocations"]
    )
    if "rating" in cycle:
        # Delivered today: the earliest a rating may name (the award is today too).
        rating = {**cycle["rating"], "delivered_on": today_in_india().isoformat()}
        awards.rate_award(
            session,
            actor=buyer,
            requirement_id=requirement.id,
            award_id=award.id,
            data=RatingInputSchema().load(rating),
        )


def _suppliers(session: Session, refs: list[str]) -> dict[str, Supplier]:
    found = {
        s.external_ref: s
        for s in session.exec(select(Supplier).where(Supplier.external_ref.in_(set(refs))))
    }
    missing = sorted(set(refs) - set(found))
    if missing:
        raise ValueError(f"Demo requirement names unknown suppliers {missing} (suppliers.json)")
    return found


def _quote(session: Session, requirement: Requirement, supplier: Supplier, quote: dict) -> None:
    """The supplier's quote, sent as its owner's login (the demo's MSMEs with one)."""
    owner = session.exec(
        select(User).where(User.organisation_id == supplier.organisation_id).order_by(User.id)
    ).first()
    if owner is None:
        raise ValueError(f"Demo quote from {supplier.external_ref}, which has no login")
    data = QuoteInputSchema().load(
        {
            "lead_time_days": quote["lead_time_days"],
            "valid_until": (today_in_india() + timedelta(days=60)).isoformat(),
            "notes": quote.get("notes"),
            "lines": [
                {"line_item_id": li.id, "unit_price_inr": quote["unit_price_inr"]}
                for li in service.line_items(session, requirement.id)
            ],
        }
    )
    quotes.submit_quote(
        session, actor=actor_for_user(session, owner), requirement_id=requirement.id, data=data
    )


# The demo's awarded requirement whose award the payments and qualification demos build on.
AFTER_AWARD_REF = "VIN-RFQ-2026-005"


def demo_award(session: Session):
    """(award, the buyer's actor, the awarded supplier's actor) of ``AFTER_AWARD_REF``, or
    None when the demo requirements are not loaded."""
    from suppliermatch.requirements.models import Award

    requirement = session.exec(
        select(Requirement).where(Requirement.external_ref == AFTER_AWARD_REF)
    ).first()
    if requirement is None:
        return None
    award = session.exec(
        select(Award).where(Award.requirement_id == requirement.id).order_by(Award.id)
    ).first()
    if award is None:
        return None
    buyer = session.exec(
        select(User).where(User.organisation_id == requirement.anchor_id).order_by(User.id)
    ).first()
    supplier = session.get(Supplier, award.supplier_id)
    owner = session.exec(
        select(User).where(User.organisation_id == supplier.organisation_id).order_by(User.id)
    ).first()
    return award, actor_for_user(session, buyer), actor_for_user(session, owner)
