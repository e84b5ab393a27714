"""Which suppliers are fully qualified for a requirement today: the matching feature's
verdict (offers the process itself and meets every hard constraint), so that the dashboard's
coverage, its supply numbers and the match report always agree with the ranking page.
"""

from datetime import date

from sqlmodel import Session

from suppliermatch.access import Actor
from suppliermatch.matching.service import MAX_RANKED, rank_requirement
from suppliermatch.requirements.models import Requirement


def qualified_suppliers(
    session: Session, actor: Actor, requirements: list[Requirement], *, today: date
) -> dict[int, set[int]]:
    """{requirement id: ids of the fully qualified suppliers}, counted up to the longest
    ranking the matching feature gives (``MAX_RANKED``)."""
    found: dict[int, set[int]] = {}
    for requirement in requirements:
        matches = rank_requirement(
            session, requirement.id, actor=actor, limit=MAX_RANKED, explain_top=0, today=today
        )
        found[requirement.id] = {item.supplier_id for item in matches.items if item.fully_qualified}
    return found
