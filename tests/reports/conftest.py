"""The reports cast: the matching scene (anchor X's NiCuNi plating requirement and the
platers of cluster 1 around it, ``factories.make_matching_scene``) with two invitations, a
sealed quote at the sentinel price, and anchor Y's requirement in cluster 2."""

from datetime import timedelta

import pytest

from suppliermatch.access import actor_for_user
from suppliermatch.dates import today_in_india
from suppliermatch.models_base import utcnow
from suppliermatch.requirements.invitations import invite_suppliers, record_quote_response
from suppliermatch.requirements.models import Quote, QuoteLine
from suppliermatch.requirements.service import line_items
from tests import factories
from tests.requirements.helpers import SENTINEL_PRICE


def add_quote(session, requirement, supplier, *, unit_price: float) -> Quote:
    """A quote as the quoting service stores it, priced at ``unit_price`` a line."""
    quote = Quote(
        requirement_id=requirement.id,
        supplier_id=supplier.id,
        lead_time_days=21,
        valid_until=today_in_india() + timedelta(days=60),
    )
    session.add(quote)
    session.flush()
    for item in line_items(session, requirement.id):
        session.add(QuoteLine(quote_id=quote.id, line_item_id=item.id, unit_price_inr=unit_price))
    record_quote_response(
        session, requirement_id=requirement.id, supplier_id=supplier.id, now=utcnow()
    )
    session.flush()
    return quote


@pytest.fixture
def scene(session, world):
    scene = factories.make_matching_scene(session, world)
    requirement = scene["requirement"]
    anchor = actor_for_user(session, world["anchor_x"])
    invite_suppliers(
        session,
        actor=anchor,
        requirement_id=requirement.id,
        supplier_ids=[scene["plater"].id, scene["lapsed_plater"].id],
    )
    add_quote(session, requirement, scene["plater"], unit_price=SENTINEL_PRICE)
    scene["other_requirement"] = factories.make_requirement(
        session,
        anchor_user=world["anchor_y"],
        title="Graphite boats for cluster 2",
        category="furnace_parts",
    )
    session.commit()
    return scene
