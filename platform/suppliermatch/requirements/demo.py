"""Demo requirements for ``flask seed demo``: seeds/demo/requirements.json, posted by each
anchor's first user through the service (validated like any other), idempotent by ref."""

import json
from collections.abc import Callable

from sqlmodel import Session, select

from suppliermatch.access import actor_for_user
from suppliermatch.accounts.models import Organisation, OrganisationKind, User
from suppliermatch.paths import SEEDS_DIR
from suppliermatch.requirements import service
from suppliermatch.requirements.lifecycle import deadline_passed
from suppliermatch.requirements.models import Requirement
from suppliermatch.requirements.schemas import RequirementInputSchema

DEMO_FILE = SEEDS_DIR / "demo" / "requirements.json"
# The demo requirement whose budget the security tests look for in supplier responses.
SENTINEL_BUDGET_REF = "VIN-RFQ-2026-007"
SENTINEL_BUDGET_INR = 86420975
NOT_FIELDS = ("ref", "anchor", "status")


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
        data = schema.load({k: v for k, v in record.items() if k not in NOT_FIELDS})
        requirement = service.create_requirement(
            session, actor=actor, data=data, external_ref=record["ref"]
        )
        if record["status"] == "published":
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
