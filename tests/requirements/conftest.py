"""Fixtures for requirements: the access-test cast with supplier profiles, and an RFQ."""

import pytest

from tests import factories
from tests.requirements.helpers import SENTINEL_BUDGET


@pytest.fixture
def cast(session, world):
    """``world`` plus supplier profiles for MSME A (cluster 1) and MSME B (cluster 2)."""
    supplier_a = factories.supplier_profile_for(session, world["msme_a"])
    supplier_b = factories.supplier_profile_for(session, world["msme_b"])
    # Distinct names, so that a test can tell whether one supplier learned of the other.
    supplier_a.legal_name = "Asha Precision Works"
    supplier_b.legal_name = "Bhavani Graphite Products"
    session.commit()
    return {**world, "supplier_a": supplier_a, "supplier_b": supplier_b}


@pytest.fixture
def rfq(session, cast):
    """Anchor X's published, cluster-visible requirement with a sentinel budget; both
    MSMEs are invited (MSME B from the other cluster)."""
    from suppliermatch.access import actor_for_user
    from suppliermatch.requirements.invitations import invite_suppliers

    requirement = factories.make_requirement(
        session,
        anchor_user=cast["anchor_x"],
        budget_min_inr=SENTINEL_BUDGET - 1000,
        budget_max_inr=SENTINEL_BUDGET,
    )
    invite_suppliers(
        session,
        actor=actor_for_user(session, cast["anchor_x"]),
        requirement_id=requirement.id,
        supplier_ids=[cast["supplier_a"].id, cast["supplier_b"].id],
    )
    session.commit()
    return requirement
